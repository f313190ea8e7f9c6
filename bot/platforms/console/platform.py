"""The console platform: the whole bot, with the same handlers and store, driven by lines on stdin.

It simulates one community's space: members, channels, messages with ids (m1, m2, …), buttons, modals and
direct messages, and a simulated clock that moves only on `clock` lines, running whatever scheduled work falls
due. On a terminal it prompts; with a pipe it plays the script and ends at end of input.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.actions import Action, ActionResult, DeleteMessage, EditMessage
from bot.clock import SimulatedClock
from bot.commands import CommandLineError, CommandRegistry
from bot.events import (
    ButtonClicked,
    ChannelRef,
    CommandInvoked,
    Event,
    Member,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageReported,
    ModalSubmitted,
    PlatformName,
    ReactionAdded,
    ReactionRemoved,
)
from bot.platform import Capability, EventSink
from bot.platforms.capabilities import CAPABILITIES
from bot.platforms.console import world
from bot.platforms.console.actions import ConsoleActions
from bot.platforms.console.community import BOT_NAME, MESSAGES_KEPT, SimulatedCommunity
from bot.platforms.console.screen import Screen
from bot.platforms.console.script import Line, ScriptError, parse_line
from bot.platforms.console.words import Words
from bot.store import Store
from bot.store.database import StoreUnavailable

log = logging.getLogger(__name__)


class ConsolePlatform:
    name = PlatformName.CONSOLE
    capabilities = CAPABILITIES[PlatformName.CONSOLE]
    bot_user_id = BOT_NAME

    def __init__(
        self,
        space_id: str,
        clock: SimulatedClock,
        commands: CommandRegistry,
        on_clock_moved: Callable[[], object],
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        timezone_name: str = "UTC",
        advance_clock: Callable[[datetime, Callable[[datetime], None]], Awaitable[None]] | None = None,
        store: Store | None = None,
        locale: str = "en",
        files_dir: Path | None = None,
    ) -> None:
        self.space_id = space_id
        self.clock = clock
        self.commands = commands
        self.on_clock_moved = on_clock_moved
        self.advance_clock = advance_clock  # steps through each due time on the way (SteppedWakeups.advance_to)
        self.stdin = stdin or _tolerant(sys.stdin)
        self.stdout = stdout or _tolerant(sys.stdout)
        self.timezone_name = timezone_name
        self.done = asyncio.Event()
        self.on_fatal: Callable[[StoreUnavailable], None] | None = None  # set by the app: stop it with a status
        # Set by the app: waits for the steps a line left for later (a flag's card once the flag is written), so
        # the next line sees the world this one made, and the transcript reads in the order things happened.
        self.settle: Callable[[], Awaitable[None]] | None = None
        self.community = SimulatedCommunity(clock)
        self.words = Words(locale)  # the console's own lines, in the community's language
        self.screen = Screen(self.stdout, self.community.name_of, timezone_name, self.words)
        self.actions = ConsoleActions(self.community, self.screen, files_dir)
        self.store = store  # where the simulated world is kept (world.py); None: in memory only, as in tests
        if store is not None:  # its posts survive a crash, so the calendar can look one up by its key
            self.capabilities = self.capabilities | {Capability.MESSAGE_LOOKUP}
        self._last_event = 0
        self._sink: EventSink | None = None
        self._players: dict[str, Callable[[Line], Awaitable[None]]] = {}
        self._channels: dict[str, ChannelRef] = {}
        self._reader: asyncio.Task[None] | None = None

    # -- Platform protocol -------------------------------------------------------------------------------
    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    async def start(self, sink: EventSink) -> None:
        self._sink = sink
        if self.store is not None:
            snapshot = await self.store.run(_load_world)
            self.community.restore(snapshot)
            self._last_event = int(snapshot.counters.get("last_event", 0))
            if snapshot.members or snapshot.messages:
                log.info("console: %d member(s) and %d message(s) taken up from the database",
                         len(snapshot.members), len(snapshot.messages))  # fmt: skip

    async def save(self) -> None:
        """Write what changed in the simulated world, in one transaction (nothing to do without a store)."""
        if self.store is None or not self.community.changes:
            return
        members, messages = self.community.take_changes()
        counters = {"last_message": str(self.community.last_message), "last_event": str(self._last_event),
                    "clock": self.clock.now().isoformat()}  # fmt: skip
        await self.store.run(lambda db: world.save(db, members, messages, counters))

    def open_input(self) -> None:
        self._reader = asyncio.create_task(self._read_lines(), name="console-input")

    async def stop(self) -> None:
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def execute(self, action: Action) -> ActionResult:
        """Carry the action out, keep the world's change, then show it: what was shown is always remembered."""
        screen = self.screen
        shown = screen.hold()
        try:
            result = self.actions.execute(action)
        except BaseException:  # what was held is shown at once
            screen.holding = None
            if shown:
                screen.write(shown)
            raise
        screen.holding = None  # what others print while the world is saved goes out as usual
        if isinstance(action, EditMessage | DeleteMessage) and result.ok:
            self.community.changed_message(action.message_id)
        if self.store is not None and self.community.changes:  # (`save` would find nothing to do otherwise)
            await self.save()
        if shown:
            screen.write(shown)
        return result

    # -- input -------------------------------------------------------------------------------------------
    async def _read_lines(self) -> None:
        interactive = self.stdin.isatty()
        lines: asyncio.Queue[str] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def pump() -> None:
            # A daemon thread of our own: a read blocked on a terminal never holds up shutdown (Ctrl-C).
            while True:
                raw = self.stdin.readline()
                try:
                    loop.call_soon_threadsafe(lines.put_nowait, raw)
                except RuntimeError:  # the loop has closed: the bot is stopping
                    return
                if raw == "":
                    return

        keeper = _PromptKeeper(self.screen, loop) if interactive else None
        try:
            threading.Thread(target=pump, name="console-stdin", daemon=True).start()
            if keeper is not None:
                self.screen.print(self.words("banner"))
            while True:
                if keeper is not None:
                    self.screen.prompt()
                    keeper.waiting = True
                raw = await lines.get()
                self.screen.prompt_open = False  # the member pressed Enter: the terminal is on a fresh line
                if keeper is not None:
                    keeper.waiting = False
                if raw == "":
                    break
                if not await self.feed(raw):
                    break
        finally:
            if keeper is not None:
                self.screen.close_prompt()
                keeper.remove()
            self.done.set()

    async def feed(self, raw: str) -> bool:
        """Play one line; False when the session should end."""
        try:
            line = parse_line(raw)
            if line is None:
                return True
            if line.verb == "quit":
                return False
            if line.verb == "help":
                self.screen.print(self.words("help"))
                return True
            await self._play(line)
            if self.settle is not None:
                await self.settle()
            await self.save()  # a line that emitted nothing may still have changed the world (roles, the clock)
        except ScriptError as error:
            self.screen.print(self.words("refused", error=error.say(self.words).rstrip(".")))
        except StoreUnavailable as error:  # the database cannot take work: the app stops, with exit status 5
            if self.on_fatal is not None:
                self.on_fatal(error)
            return False
        except Exception:  # one line's failure is logged with its traceback and the script goes on
            log.exception("console: the line %r failed", _excerpt(raw))
            self.screen.print(self.words("line_failed"))
        return True

    async def _play(self, line: Line) -> None:
        player = self._players.get(line.verb)
        if player is None:
            player = self._players[line.verb] = getattr(self, f"_line_{line.verb}")
        await player(line)

    def _common(self) -> dict:
        """The fields every console event carries."""
        return {
            "platform": PlatformName.CONSOLE,
            "space_id": self.space_id,
            "event_id": self._next_event_id(),
            "at": self.clock.now(),
        }

    async def _emit(self, event: Event) -> None:
        assert self._sink is not None, "the console platform was not started"
        await self.save()  # the member, the message: known to a restart before anything acts on them
        await self._sink(event)

    def _next_event_id(self) -> str:
        self._last_event += 1
        self.community.changes.counters = True
        return f"c{self._last_event}"

    # -- the simulated community ------------------------------------------------------------------------
    async def _line_join(self, line: Line) -> None:
        assert line.member is not None
        member = self.community.member(line.member)
        joined_at = self.clock.now()
        member = Member(id=member.id, display_name=member.display_name, roles=member.roles, joined_at=joined_at)
        self.community.members[member.id] = member
        self.community.departed.discard(member.id)
        self.community.changed_member(member.id)
        self.screen.print(self.words("joined", member=member.display_name))
        base = self._common()
        base["event_id"] = f"join:{member.id}:{joined_at.isoformat()}"
        present = self.community.present()
        await self._emit(MemberJoined(member=member, member_count=present, **base))

    async def _line_leave(self, line: Line) -> None:
        assert line.member is not None
        member = self.community.member(line.member)
        self.community.departed.add(member.id)
        self.community.changed_member(member.id)
        self.screen.print(self.words("left", member=member.display_name))
        await self._emit(MemberLeft(member=member, **self._common()))

    async def _post_as_member(self, member: Member, channel: str, text: str, reply_to: str | None) -> None:
        message_id = self.community.add_message(channel, member.id, text)
        self.screen.print(f"[#{channel}] {member.display_name}: {text}  ({message_id})")
        users, everyone = self.community.mentions(text)
        await self._emit(
            MessagePosted(
                platform=PlatformName.CONSOLE,
                space_id=self.space_id,
                event_id=self._next_event_id(),
                at=self.clock.now(),
                channel=self._channel(channel),
                member=member,
                message_id=message_id,
                text=text,
                thread_id=reply_to,
                reply_to_id=reply_to,
                mentioned_user_ids=users,
                mentions_everyone=everyone,
            )
        )

    def _channel(self, name: str) -> ChannelRef:
        ref = self._channels.get(name)
        if ref is None:
            ref = self._channels[name] = ChannelRef(name, name)
        return ref

    async def _line_say(self, line: Line) -> None:
        assert line.member is not None and line.channel is not None
        await self._post_as_member(self.community.member(line.member), line.channel, line.text, None)

    async def _line_reply(self, line: Line) -> None:
        assert line.member is not None and line.message is not None
        parent = self.community.message(line.message)
        await self._post_as_member(self.community.member(line.member), parent.channel, line.text, parent.id)

    async def _line_edit(self, line: Line) -> None:
        assert line.message is not None
        message = self.community.message(line.message)
        if message.author == BOT_NAME:
            raise ScriptError("own_messages")
        message.text = line.text
        self.community.changed_message(message.id)
        member = self.community.members[message.author]
        said = self.words("member_edited", member=member.display_name, message=message.id, text=line.text)
        self.screen.print(f"[#{message.channel}] {said}")
        users, everyone = self.community.mentions(line.text)
        await self._emit(
            MessageEdited(
                channel=ChannelRef(message.channel, message.channel),
                member=member,
                message_id=message.id,
                text=line.text,
                mentioned_user_ids=users,
                mentions_everyone=everyone,
                **self._common(),
            )
        )

    async def _line_delete(self, line: Line) -> None:
        assert line.message is not None
        message = self.community.message(line.message)
        message.deleted = True
        self.community.changed_message(message.id)
        author = self.community.members.get(message.author)
        self.screen.print(f"[#{message.channel}] " + self.words("member_deleted", message=message.id))
        await self._emit(
            MessageDeleted(channel=ChannelRef(message.channel, message.channel), message_id=message.id,
                           member=author, **self._common())
        )

    async def _line_react(self, line: Line, removed: bool = False) -> None:
        assert line.member is not None and line.message is not None
        message = self.community.message(line.message)
        member = self.community.member(line.member)
        event_type = ReactionRemoved if removed else ReactionAdded
        await self._emit(
            event_type(channel=ChannelRef(message.channel, message.channel), member=member,
                       message_id=message.id, emoji=line.text, message_author_id=message.author or None,
                       **self._common())
        )

    async def _line_unreact(self, line: Line) -> None:
        await self._line_react(line, removed=True)

    async def _line_cmd(self, line: Line) -> None:
        assert line.member is not None and line.channel is not None
        member = self.community.member(line.member)
        try:
            path, options = self.commands.split_line(line.text)
        except LookupError:
            path, options = tuple(line.text.split()[:2]) or ("",), {}
        except CommandLineError as error:  # said in the community's words, like on Discord and Slack
            raise ScriptError(error.key, **{k: str(v) for k, v in error.values.items()}) from None
        await self._emit(
            CommandInvoked(
                channel=ChannelRef(line.channel, line.channel),
                member=member,
                path=path,
                options=options,
                interaction=self.community.interaction(member.id, line.channel),
                **self._common(),
            )
        )

    async def _line_click(self, line: Line) -> None:
        assert line.member is not None and line.message is not None
        message = self.community.message(line.message)
        wanted = line.text.strip("[]").casefold()
        button = next(
            (b for b in message.buttons if wanted in {b.label.casefold(), b.custom_id.casefold()}), None
        )
        if button is None:
            labels = ", ".join(b.label for b in message.buttons) or self.words("error.no_buttons")
            raise ScriptError("no_button", message=message.id, button=line.text, labels=labels)
        member = self.community.member(line.member)
        await self._emit(
            ButtonClicked(
                channel=ChannelRef(message.channel, message.channel),
                member=member,
                custom_id=button.custom_id,
                message_id=message.id,
                interaction=self.community.interaction(member.id, message.channel),
                **self._common(),
            )
        )

    async def _line_submit(self, line: Line) -> None:
        assert line.member is not None
        member = self.community.member(line.member)
        opened = self.community.open_modals.get(member.id, [])
        if line.text not in opened:
            if opened:
                raise ScriptError("no_modal_open", modal=line.text, member=member.display_name,
                                  opened=", ".join(opened))
            raise ScriptError("no_modal", modal=line.text, member=member.display_name)
        opened.remove(line.text)
        channel = self.community.modal_channels.pop((member.id, line.text), "general")
        await self._emit(
            ModalSubmitted(
                channel=ChannelRef(channel, channel),
                member=member,
                custom_id=line.text,
                values=line.args,
                interaction=self.community.interaction(member.id, channel),
                **self._common(),
            )
        )

    async def _line_report(self, line: Line) -> None:
        assert line.member is not None and line.message is not None
        message = self.community.message(line.message)
        reporter = self.community.member(line.member)
        reported = self.community.members.get(message.author) or Member(id=message.author, display_name=message.author,
                                                               is_bot=message.author == BOT_NAME)
        self.screen.print(self.words("reported", message=message.id))
        await self._emit(
            MessageReported(
                channel=ChannelRef(message.channel, message.channel),
                member=reporter,
                message_id=message.id,
                reported_member=reported,
                text=message.text,
                interaction=self.community.interaction(reporter.id, message.channel),
                **self._common(),
            )
        )

    async def _line_dms(self, line: Line) -> None:
        assert line.member is not None
        name = self.community.member(line.member).id
        if line.text == "closed":
            self.community.closed_dms.add(name)
        else:
            self.community.closed_dms.discard(name)
        self.community.changed_member(name)
        await self.save()
        self.screen.print(self.words("dms_closed" if line.text == "closed" else "dms_open", member=name))

    async def _line_clock(self, line: Line) -> None:
        now = self.clock.now()
        try:
            target = now + line.delta if line.delta is not None else _parse_instant(line.text, self.timezone_name)
        except OverflowError:
            raise ScriptError("year_9999") from None
        if target < now:
            raise ScriptError("forward")
        self.community.changes.counters = True  # the clock is saved with the counters: a restart goes on from it
        if self.advance_clock is not None:
            self.screen.clock_shown = None
            await self.advance_clock(target, self.screen.clock_stopped_at)
            self.screen.pending_clock = None
            if self.screen.clock_shown != target:
                self.screen.show_clock(target)
            return
        self.screen.show_clock(target)
        self.clock.set(target)
        result = self.on_clock_moved()
        if asyncio.iscoroutine(result):
            await result

class _PromptKeeper(logging.Filter):
    """On a terminal, logs (stderr) and the prompt (stdout) share the screen: a record logged while the prompt
    waits first ends the prompt's line, and the prompt comes back after it, so neither breaks the other."""

    def __init__(self, screen: Screen, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.screen = screen
        self.loop = loop
        self.waiting = False  # the console waits for a line: a prompt taken away by a log comes back
        self.handlers = [h for h in logging.getLogger().handlers if _on_terminal(h)]
        for handler in self.handlers:
            handler.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.screen.close_prompt():
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing waits for input any more
                self.loop.call_soon_threadsafe(self._reprompt)
        return True

    def _reprompt(self) -> None:
        if self.waiting and not self.screen.prompt_open:
            self.screen.prompt()

    def remove(self) -> None:
        self.waiting = False
        for handler in self.handlers:
            handler.removeFilter(self)


def _on_terminal(handler: logging.Handler) -> bool:
    stream = getattr(handler, "stream", None)
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False


def _load_world(db) -> world.Snapshot:
    world.create_tables(db)
    return world.load(db, MESSAGES_KEPT)


def _tolerant(stream: TextIO) -> TextIO:
    """The terminal's stream, made never to raise on bytes or characters it cannot decode or encode: an invalid
    byte in a script becomes a visible `\\xff` instead of ending the input thread (and the session) silently."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError, TypeError):  # a stream that cannot (a test's capture)
            reconfigure(errors="backslashreplace")
    return stream


def _excerpt(raw: str, limit: int = 200) -> str:
    return raw if len(raw) <= limit else f"{raw[:limit]}… ({len(raw)} characters)"


def _parse_instant(text: str, timezone_name: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ScriptError("not_instant", text=text) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=ZoneInfo(timezone_name))
    return instant
