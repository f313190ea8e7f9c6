"""With every shipped feature running, forget-me leaves no row naming the member in any table.

This is the cross-feature guarantee: a feature that stores a member id without declaring the table in its
`personal_data` makes this test fail. My tables hold no message content either.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlite_utils

from bot.events import ChannelRef, Member, PlatformName, ReactionAdded
from tests.privacy.conftest import command
from tests.privacy.test_privacy_commands import rows_naming

MEMBER = "zed7781"
CONTENT_COLUMNS = {"text", "content", "body", "message", "excerpt"}


@pytest.fixture
def all_features():
    try:
        from bot.features import shipped_features

        return shipped_features()
    except ImportError as error:  # a feature being written by someone else does not import yet
        pytest.skip(f"shipped features do not import: {error}")


async def test_forget_me_leaves_no_row_of_the_member_in_any_table(make_harness, all_features):
    first = await make_harness("followup = true", features=all_features)
    for member in (MEMBER, "other"):
        await first.join(member)
        await first.say(member, "hello https://example.com")
    await first.app.services.dispatcher.dispatch(ReactionAdded(
        platform=PlatformName.CONSOLE, space_id="console", event_id="r1", at=first.clock.now(),
        channel=ChannelRef("general"), member=Member(MEMBER, MEMBER), message_id="m1", emoji="👍",
    ))
    await first.leave(MEMBER)
    first.clock.advance(timedelta(hours=1))
    await first.join(MEMBER)
    await command(first, MEMBER, "privacy link")
    await first.stop()  # buffered writers flush on stop

    second = await make_harness(features=all_features, clock=first.clock)
    assert rows_naming(second.store.db, MEMBER)
    [done] = await command(second, MEMBER, "privacy forget-me confirm=yes")
    assert "erased" in done
    assert rows_naming(second.store.db, MEMBER) == {}
    assert rows_naming(second.store.db, "other") != {}


async def test_welcome_and_privacy_tables_hold_no_content(make_harness):
    from bot.features.privacy import feature as privacy_feature
    from bot.features.welcome import feature as welcome_feature

    harness = await make_harness(features=[welcome_feature, privacy_feature])
    db = harness.store.db
    mine = [t for t in db.table_names() if t.startswith(("welcome_", "privacy_")) or t == "members"]
    assert len(mine) == 6
    for table in mine:
        assert not set(db[table].columns_dict) & CONTENT_COLUMNS, table


async def test_forget_me_also_erases_what_was_still_buffered(make_harness, all_features, tmp_path):
    harness = await make_harness(features=all_features, db_name="buffered.db")
    await harness.join(MEMBER)
    await harness.say(MEMBER, "still in the engagement writer's buffer")
    [done] = await command(harness, MEMBER, "privacy forget-me confirm=yes")
    assert "erased" in done
    await harness.stop()  # a flush after the erasure must find nothing of the member left to write
    assert rows_naming(sqlite_utils.Database(tmp_path / "buffered.db"), MEMBER) == {}
