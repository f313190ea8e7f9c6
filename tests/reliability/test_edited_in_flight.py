"""A post edited while one of its deliveries was in flight, then a crash: on Discord the post is recognised by
its text, so a lookup with the new text would miss the message the bot did send and post it a second time.
The real calendar restarts against the Discord fake (real discord.py): sent before the edit, the row is left to
the CMs and nothing is posted again; not sent, the edited post goes out once; sent and not edited, it is found.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar import posts as ledger
from handlers.calendar.lifecycle import Status
from handlers.calendar.migrations import migrations
from handlers.calendar.posts import Actor, PostDraft, Target
from tests.fakes.discord_fake import FakeDiscord, user
from tests.reliability.discord_restart import NEWS, STRATEGY, Restarted, claim_stuck_post, restart_after


async def crashed_mid_send(*, sent: bool, edit: str | None) -> Restarted:
    """A post claimed (`sending`), maybe already on Discord, then maybe edited while the bot was down."""
    def prepare(store: Store, fake: FakeDiscord, now: datetime) -> None:
        post_id = claim_stuck_post(store, now, "Launch day")
        if sent:  # the platform took it; the kill came before `published`
            fake._send(NEWS, {"content": "Launch day"}, user(fake.bot_id, "cmbot", bot=True))
        if edit is not None:  # e.g. a calendar import run while the bot was down
            ledger.update_content(store.db, post_id, {"body": edit}, None)
    return await restart_after(prepare)


@pytest.mark.asyncio
async def test_a_post_sent_then_edited_before_the_restart_is_not_sent_again():
    after = await crashed_mid_send(sent=True, edit="Launch day, now at 6 pm")
    assert after.texts(NEWS) == ["Launch day"]  # the message that went out, and no second one with the new text
    assert [status for status, _ in after.ledger] == ["uncertain"]
    assert len(after.texts(STRATEGY)) == 1  # the CMs are asked to decide


@pytest.mark.asyncio
async def test_a_post_not_sent_then_edited_goes_out_once_with_its_new_text():
    after = await crashed_mid_send(sent=False, edit="Launch day, now at 6 pm")
    assert after.texts(NEWS) == ["Launch day, now at 6 pm"]
    assert [status for status, _ in after.ledger] == ["published"]
    assert after.texts(STRATEGY) == []


@pytest.mark.asyncio
async def test_a_post_sent_and_left_alone_is_found_by_its_text():
    after = await crashed_mid_send(sent=True, edit=None)
    assert after.texts(NEWS) == ["Launch day"]
    assert after.ledger[0][0] == "published" and after.ledger[0][1] == after.channels[NEWS][0]["id"]
    assert after.texts(STRATEGY) == []


def test_only_content_edits_of_an_in_flight_delivery_mark_it(tmp_path):
    """The mark comes from edits, never from the claim, the send or a status change."""
    store = Store.open(tmp_path / "bot.db")
    apply_all(store.db, [migrations])
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    target = Target("discord", NEWS)
    draft = PostDraft(community="brand", author=Actor("discord", "42"), body="Tip", targets=(target,),
                      timezone="Europe/Paris", publish_at=now)
    post_id = ledger.create_post(store.db, draft, Status.SCHEDULED, now - timedelta(hours=1))
    post = ledger.get_post(store.db, post_id)
    assert post is not None

    def marks() -> list[int]:
        return [r[0] for r in store.db.execute("SELECT revised_while_sending FROM calendar_deliveries")]

    ledger.transition(store.db, post_id, Status.SENDING, ledger.SYSTEM, now, action="send")
    delivery = ledger.claim_delivery(store.db, post, now, target, now, late=False)
    assert delivery is not None and marks() == [0]
    ledger.update_content(store.db, post_id, {"pillar": "tips"}, None)
    assert marks() == [1]
    ledger.finish_delivery(store.db, delivery.id, "uncertain", now, error="interrupted")
    assert ledger.reclaim_delivery(store.db, delivery.id, ("uncertain",), now, late=True) is not None
    assert marks() == [0]  # a decided resend renders the post as it is now
    ledger.finish_delivery(store.db, delivery.id, "published", now, message_id="9")
    ledger.update_content(store.db, post_id, {"body": "Tip, edited"}, None)
    assert marks() == [0]  # only rows in flight are marked
    store.close()
