"""A message moderation deletes stops there: it is not engagement and does not end a newcomer's silence."""

from __future__ import annotations

from bot.actions import DeleteMessage
from bot.app import App
from bot.clock import SimulatedClock
from bot.features.engagement import feature as engagement
from bot.features.moderation import feature as moderation
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from handlers.engagement.migrations import EVENTS
from tests.moderation.conftest import BASE_TOML, T0, Bot
from tests.recording import RecordingPlatform


class BotWithEngagement(Bot):
    def __init__(self, tmp_path, moderation_toml: str) -> None:
        toml = BASE_TOML.format(db=tmp_path / "cmbot.db", moderation=moderation_toml, locale="en",
                                channels='moderation = "modq"')
        self.settings = parse_settings(toml, "test.toml")
        self.clock = SimulatedClock(T0)
        self.store = Store.open(tmp_path / "cmbot.db")
        self.app = App(self.settings, self.store, self.clock, SteppedWakeups(self.clock),
                       features=[moderation, engagement])
        self.platform = RecordingPlatform()
        self.app.attach([self.platform])
        self._ids = iter(range(1, 10_000))

    def next_id(self) -> str:
        return str(next(self._ids))


async def test_a_deleted_scam_is_not_counted_but_a_flagged_message_is(tmp_path):
    scams = tmp_path / "scams.txt"
    scams.write_text("free-nitro-gifts.example\n", encoding="utf-8")
    bot = await BotWithEngagement(tmp_path, f'links = {{ scam_list = "{scams}" }}').start()
    try:
        await bot.post("hello everyone", message_id="m1")
        await bot.post("claim it https://free-nitro-gifts.example/claim", message_id="m2")  # deleted
        await bot.post("connard", message_id="m3")  # flagged, not deleted: still a message
        await bot.app.services.flush_pending()
        counted = {row["message_id"] for row in bot.store.db[EVENTS].rows}
        assert [d.message_id for d in bot.platform.of_type(DeleteMessage)] == ["m2"]
        assert counted == {"m1", "m3"}
        assert len(bot.flags()) == 2
    finally:
        await bot.stop()
