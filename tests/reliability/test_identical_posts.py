"""Posts with the same text in the same channel, stuck in `sending` after a crash on Discord, some of them sent:
the start-up reconciliation (the real calendar, discord.py against the fake) ends with exactly one message per
post, each attributed to one post, whatever the mix. Discord recognises a post by author, time and text, so
identical posts can only be told apart by the ledger's own attributions (`FindPost.taken`); the naive
reference is a count: as many messages as posts, as many distinct message ids in the ledger as messages.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.store import Store
from tests.fakes.discord_fake import FakeDiscord, user
from tests.reliability.discord_restart import NEWS, STRATEGY, claim_stuck_post, restart_after


def crashed_mid_delivery(sent: list[bool]):
    """What the kills left: every post claimed (`sending`), those marked sent already on Discord."""
    def prepare(store: Store, fake: FakeDiscord, now: datetime) -> None:
        for was_sent in sent:
            claim_stuck_post(store, now, "Daily tip")
            if was_sent:  # the platform took it; the kill came before `published`
                fake._send(NEWS, {"content": "Daily tip"}, user(fake.bot_id, "cmbot", bot=True))
    return prepare


async def restart(sent: list[bool]) -> None:
    after = await restart_after(crashed_mid_delivery(sent))
    messages = [m["id"] for m in after.channels.get(NEWS, [])]
    assert len(messages) == len(sent)  # none lost, none doubled
    assert sorted(status for status, _ in after.ledger) == ["published"] * len(sent)
    assert sorted(message_id for _, message_id in after.ledger) == sorted(messages)  # each message is one post's
    assert STRATEGY not in after.channels  # nothing was left for the CMs


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sent=st.lists(st.booleans(), min_size=1, max_size=4))
@example(sent=[True, False, True])
def test_identical_posts_after_a_crash_end_as_one_message_each(sent):
    asyncio.run(restart(sent))
