"""The composition root: build the services, install the features, start and stop everything in one loop.

Start-up order: open the store and apply every migration; install features (handlers, commands, jobs); start
each platform (Discord, Slack and the console share the one event loop); start the scheduler inside the
running loop; then run the features' start hooks (rebuild jobs from the store, catch up on missed work).
Shutdown runs the same way backwards: the steps handlers left for later (a flag's card, once the flag is
committed) are carried out first, then buffers are flushed before the store closes.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence

from bot.clock import Clock
from bot.commands import CommandRegistry, CommandRouter, help_command
from bot.dispatcher import CommunityDirectory, Dispatcher
from bot.events import CommandInvoked, Event
from bot.i18n import Catalogue
from bot.middleware import DeduplicateEvents, IgnoreBots
from bot.optouts import OptOuts
from bot.outbox import Outbox
from bot.platform import FatalPlatformError, Platform
from bot.services import Services
from bot.store import Store
from bot.store.database import StoreUnavailable
from bot.wakeups import Wakeups
from bot.wiring import Feature, migrate
from config.settings import Settings

log = logging.getLogger(__name__)


class App:
    """One running bot: services, features and platforms."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        clock: Clock,
        wakeups: Wakeups,
        features: Sequence[Feature],
    ) -> None:
        self.features = list(features)
        migrate(store, self.features)
        catalogue = Catalogue.shipped()
        directory = CommunityDirectory(settings)
        outbox = Outbox()
        dispatcher = Dispatcher(directory, outbox, catalogue)
        dispatcher.on_store_failed = self._platform_failed
        commands = CommandRegistry()
        commands.add(help_command(commands))
        self.ignore_bots = IgnoreBots()
        dispatcher.use(self.ignore_bots)
        dispatcher.use(DeduplicateEvents(store))
        dispatcher.subscribe(CommandInvoked, CommandRouter(commands, catalogue))
        optouts = OptOuts(store)
        optouts.load()
        self.services = Services(
            settings=settings,
            store=store,
            clock=clock,
            catalogue=catalogue,
            dispatcher=dispatcher,
            outbox=outbox,
            commands=commands,
            wakeups=wakeups,
            optouts=optouts,
            directory=directory,
        )
        for feature in self.features:
            self.services.personal_data.extend(feature.personal_data)
            self.services.forget_steps.extend(feature.forget_steps)
            if feature.install is not None:
                feature.install(self.services)
        self.platforms: list[Platform] = []
        self._started: list[Platform] = []
        self.fatal: FatalPlatformError | StoreUnavailable | None = None
        self.halted = asyncio.Event()  # set when a platform or the store fails for good after start-up

    def attach(self, platforms: Sequence[Platform]) -> None:
        self.platforms.extend(platforms)

    async def start(self) -> None:
        services = self.services
        for platform in self.platforms:
            services.outbox.attach(platform)
            if hasattr(platform, "on_fatal"):
                platform.on_fatal = self._platform_failed
            if hasattr(platform, "settle"):  # the console plays a script line by line (see its `settle`)
                platform.settle = services.dispatcher.settle
            await platform.start(self.sink)
            self._started.append(platform)
            own_id = getattr(platform, "bot_user_id", None)
            if own_id:
                self.ignore_bots.own_ids.add(str(own_id))
        if hasattr(services.wakeups, "on_fatal"):
            services.wakeups.on_fatal = self._platform_failed
        services.wakeups.start()
        for hook in services.start_hooks:
            await hook()
        for platform in self.platforms:
            open_input = getattr(platform, "open_input", None)
            if open_input is not None:  # the console reads its script only once everything is ready
                open_input()
        log.info("cmbot started on %s", ", ".join(p.name for p in self.platforms) or "no platform")

    async def sink(self, event: Event) -> object:
        """Where platforms deliver events: the dispatcher, with an unusable store turned into a clean stop.

        The error is raised on to the platform too, so it can refuse the delivery (Slack then retries it)."""
        try:
            return await self.services.dispatcher.dispatch(event)
        except StoreUnavailable as error:
            self._platform_failed(error)
            raise

    def _platform_failed(self, error: FatalPlatformError | StoreUnavailable) -> None:
        """A platform lost its connection for good (revoked token, intents withdrawn) or the store cannot take
        writes: stop rather than run on half-deaf or without memory, and let the exit status say why."""
        if self.fatal is None:
            log.error("cmbot is stopping: %s", error)
            self.fatal = error
        self.halted.set()

    async def stop(self) -> None:
        services = self.services
        try:
            await services.dispatcher.settle()  # pending flag writes and their cards: nothing left behind
        except Exception:
            log.exception("carrying out the pending steps failed")
        for hook in reversed(services.stop_hooks):
            try:
                await hook()
            except Exception:
                log.exception("a stop hook failed")
        await services.wakeups.shutdown()
        for platform in reversed(self._started):
            try:
                await platform.stop()
            except Exception:
                log.exception("stopping %s failed", platform.name)
        self._started.clear()
        services.store.close()
        log.info("cmbot stopped")


async def run_until_stopped(app: App, done: asyncio.Event) -> None:
    """Start, wait for `done` (end of console input) or SIGINT/SIGTERM, then stop cleanly."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, done.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or not supported here
            pass
    try:
        await app.start()
        waiters = [asyncio.ensure_future(done.wait()), asyncio.ensure_future(app.halted.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        await app.stop()
    if app.fatal is not None:
        raise app.fatal
