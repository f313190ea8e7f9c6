"""Past the retention period a flagged message's words go from the store, and from what the bot posted with them:
the flag's card in the moderation queue is redrawn saying the excerpt was erased, and an observations digest is
redrawn without its examples. Each message once, across restarts; a platform that cannot take the edit now is
asked again at the next hourly sweep."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import ActionResult, EditMessage, Post
from handlers.moderation import observations
from tests.moderation.conftest import T0
from tests.moderation.test_observations import SHADOW_CAPS, digests_in
from tests.recording import RecordingPlatform

INSULT = "ESPÈCE DE CONNARD, TU M'ENTENDS"
RETENTION = "retention_days = 30"


class FlakyEdits(RecordingPlatform):
    """Refuses edits (a server error) while `down` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    async def execute(self, action):
        if isinstance(action, EditMessage) and self.down:
            self.actions.append(action)
            return ActionResult.failed("internal server error", permanent=False)
        return await super().execute(action)


def edits_of(platform: RecordingPlatform, message_id: str) -> list[EditMessage]:
    return [a for a in platform.of_type(EditMessage) if a.message_id == message_id]


def shown(content) -> str:
    return " ".join([content.text.plain() if content.text else "",
                     *(f"{f.name}: {f.value.plain()}" for f in content.fields)])


async def test_a_cards_excerpt_is_erased_from_the_queue_once_past_retention(make_bot):
    platform = FlakyEdits()
    bot = await make_bot(RETENTION, platform=platform)
    await bot.post(INSULT)
    [card] = platform.of_type(Post)
    card_id = platform.answered(card)
    assert INSULT in shown(card.content)
    await bot.app.services.flush_pending()  # the card's reference reaches the store

    await bot.app.services.wakeups.advance_to(T0 + timedelta(days=29))
    assert edits_of(platform, card_id) == []  # within the retention period: untouched

    platform.down = True
    await bot.app.services.wakeups.advance_to(T0 + timedelta(days=31))  # the nightly purge, then a refused edit
    [flag] = bot.flags()
    assert flag["excerpt"] is None and flag["card_redacted_at"] is None
    platform.down = False
    await bot.app.services.wakeups.advance_to(T0 + timedelta(days=31, hours=2))  # the next hourly sweep
    *_, redrawn = edits_of(platform, card_id)
    text = shown(redrawn.content)
    assert INSULT not in text and "CONNARD" not in text
    assert "Excerpt: erased after 30 days, as the retention period says" in text
    assert any(b for b in redrawn.content.buttons)  # still a working card: decisions can be taken
    assert bot.flags()[0]["card_redacted_at"] is not None
    done = len(edits_of(platform, card_id))
    await bot.app.services.wakeups.advance_to(T0 + timedelta(days=40))
    assert len(edits_of(platform, card_id)) == done  # once


async def test_a_digests_examples_are_erased_once_its_period_is_past_retention(make_bot):
    platform = RecordingPlatform()
    bot = await make_bot(f"{RETENTION}\n{SHADOW_CAPS}", platform=platform)
    await bot.post("WHY DOES NOBODY EVER ANSWER HERE")
    await bot.app.services.wakeups.advance_to(T0.replace(hour=23) + timedelta(minutes=1))
    [digest] = digests_in(platform)
    assert "WHY DOES NOBODY" in shown(digest.content)
    digest_id = platform.answered(digest)

    await bot.app.services.wakeups.advance_to(T0 + timedelta(days=32))
    [redrawn] = edits_of(platform, digest_id)
    assert "WHY DOES NOBODY" not in shown(redrawn.content)
    assert redrawn.content.title == digest.content.title  # the counts stay
    [row] = [r for r in observations.digests(bot.store.db, "demo") if r["status"] == "posted"]
    assert row["redacted_at"] is not None
