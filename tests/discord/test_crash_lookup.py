"""After a crash between the send and the ledger's `published`, the real discord.py client finds the post in the
fake's history (which, like Discord's, never returns nonces) by author, time and text; it never takes a
member's copy of the text, another post's message, or a message already attributed to another delivery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.actions import Content, Field, FindPost, Post
from bot.text import Markup, Text
from tests.fakes.discord_fake import user

CHANNEL = "760"


def post(text: str) -> Content:
    return Content(text=Text.of(Markup(text)))


async def find(harness, text: str, key: str, taken: frozenset[str] = frozenset(), content: Content | None = None):
    since = datetime.now(UTC) - timedelta(minutes=5)
    return await harness.platform.execute(FindPost(channel_id=CHANNEL, idempotency_key=key, since=since,
                                                   content=content or post(text), taken=taken))


def member_says(fake, text: str) -> None:
    """A member's message, straight into the channel's history (as one typed in Discord's own client)."""
    stored = fake._stored(CHANNEL, {"content": text}, user("55", "mallory"))
    stored["_sent"] = fake.now()
    fake.channel_messages.setdefault(CHANNEL, []).append(stored)


async def test_a_sent_post_is_found_by_its_text_though_history_hides_its_nonce(harness):
    member_says(harness.fake, "Spring sale starts now")  # the same words, but not ours
    other = await harness.platform.execute(Post(channel_id=CHANNEL, content=post("Another post"),
                                                idempotency_key="cal-1"))
    sent = await harness.platform.execute(Post(channel_id=CHANNEL, content=post("  Spring sale starts now "),
                                               idempotency_key="cal-2"))

    found = await find(harness, "Spring sale starts now", "cal-2")
    missing = await find(harness, "Summer sale", "cal-3")

    assert "nonce" not in harness.fake._history(CHANNEL, {})[0]
    assert (found.ok, found.message_id) == (True, sent.message_id) and found.message_id != other.message_id
    assert (missing.ok, missing.permanent, missing.error) == (False, True, "not found")


async def test_identical_posts_are_each_claimed_by_one_delivery(harness):
    first = await harness.platform.execute(Post(channel_id=CHANNEL, content=post("Daily tip"), idempotency_key="d1"))
    second = await harness.platform.execute(Post(channel_id=CHANNEL, content=post("Daily tip"),
                                                 idempotency_key="d2"))

    one = await find(harness, "Daily tip", "d1")
    other = await find(harness, "Daily tip", "d2", taken=frozenset({one.message_id}))
    none_left = await find(harness, "Daily tip", "d3", taken=frozenset({first.message_id, second.message_id}))

    assert {one.message_id, other.message_id} == {first.message_id, second.message_id}
    assert (none_left.ok, none_left.permanent) == (False, True)  # both copies are attributed: send it


async def test_a_card_is_found_by_its_embed(harness):
    card = Content(text=Text.of("Body"), title=Text.of("Title"), fields=(Field("When", Text.of("Friday")),),
                   footer=Text.of("Footer"))
    sent = await harness.platform.execute(Post(channel_id=CHANNEL, content=card, idempotency_key="c1"))
    changed = Content(text=Text.of("Body"), title=Text.of("Title"), fields=(Field("When", Text.of("Monday")),),
                      footer=Text.of("Footer"))

    found = await find(harness, "", "c1", content=card)
    not_it = await find(harness, "", "c2", content=changed)

    assert (found.ok, found.message_id) == (True, sent.message_id)
    assert (not_it.ok, not_it.permanent) == (False, True)


async def test_without_the_posts_text_the_answer_stays_open(harness):
    await harness.platform.execute(Post(channel_id=CHANNEL, content=post("Some post"), idempotency_key="k1"))
    since = datetime.now(UTC) - timedelta(minutes=5)

    unsure = await harness.platform.execute(FindPost(channel_id=CHANNEL, idempotency_key="k1", since=since))

    assert (unsure.ok, unsure.permanent) == (False, False)  # no guess, no duplicate: the CMs decide
