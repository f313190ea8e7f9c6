"""The app's start and stop: a platform that fails for good after start-up stops everything cleanly."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App, run_until_stopped
from bot.clock import SimulatedClock
from bot.platform import FatalHandler, FatalPlatformError
from bot.store import Store
from bot.wakeups import SteppedWakeups
from tests.patience import PATIENCE
from tests.recording import RecordingPlatform


class FlakyPlatform(RecordingPlatform):
    def __init__(self) -> None:
        super().__init__()
        self.on_fatal: FatalHandler | None = None
        self.stopped = False
        self.started = asyncio.Event()

    async def start(self, sink) -> None:
        await super().start(sink)
        self.started.set()

    async def stop(self) -> None:
        self.stopped = True


async def test_a_platform_failing_after_start_stops_the_app_with_its_exit_status(settings, tmp_path, t0):
    clock = SimulatedClock(t0)
    app = App(settings, Store.open(tmp_path / "app.db"), clock, SteppedWakeups(clock), features=[])
    platform = FlakyPlatform()
    app.attach([platform])
    stop_hook_ran = asyncio.Event()

    async def flush() -> None:
        stop_hook_ran.set()

    app.services.on_stop(flush)

    async def fail_later() -> None:
        await platform.started.wait()
        assert platform.on_fatal is not None
        platform.on_fatal(FatalPlatformError("token revoked", exit_status=3))

    failing = asyncio.create_task(fail_later())
    with pytest.raises(FatalPlatformError) as caught:
        await asyncio.wait_for(run_until_stopped(app, asyncio.Event()), timeout=PATIENCE)
    await failing
    assert caught.value.exit_status == 3
    assert platform.stopped and stop_hook_ran.is_set()


async def test_the_done_event_stops_the_app_without_error(settings, tmp_path, t0):
    clock = SimulatedClock(t0)
    app = App(settings, Store.open(tmp_path / "app.db"), clock, SteppedWakeups(clock), features=[])
    platform = FlakyPlatform()
    app.attach([platform])
    done = asyncio.Event()
    done.set()
    await asyncio.wait_for(run_until_stopped(app, done), timeout=PATIENCE)
    assert platform.stopped and app.fatal is None
