"""`/privacy` through the dispatcher: forget-me, export, opt-out, links between accounts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.actions import ActionResult, DirectMessage
from bot.features.privacy import feature as privacy_feature
from bot.features.welcome import feature as welcome_feature
from handlers.privacy import commands as privacy_commands
from tests.privacy.conftest import command

FEATURES = [welcome_feature, privacy_feature]


@pytest.fixture
async def harness(make_harness):
    return await make_harness("followup = true", features=FEATURES)


def rows_naming(db, member_id: str) -> dict[str, int]:
    """Every row of every table with a column whose value is exactly `member_id`."""
    found = {}
    for table in db.table_names():
        for column in db[table].columns_dict:
            count = db.execute(f"SELECT count(*) FROM [{table}] WHERE [{column}] = ?", [member_id]).fetchone()[0]
            if count:
                found[f"{table}.{column}"] = count
    return found


async def test_forget_me_asks_first_then_erases_every_row_of_the_member(harness):
    await harness.join("ann")
    await harness.join("bob")
    await harness.say("ann")
    [question] = await command(harness, "ann", "privacy forget-me")
    # what goes, in the member's words, never a table name
    assert "this would erase: your member record (display name, join and leave dates) (1), your welcome" in question
    assert "welcome_welcomes" not in question and "engagement_" not in question and "confirm=yes" in question
    assert rows_naming(harness.store.db, "ann")  # nothing erased yet

    [done] = await command(harness, "ann", "privacy forget-me confirm=yes")
    assert done.startswith("Done, erased: your member record") and "your welcome" in done
    assert rows_naming(harness.store.db, "ann") == {}
    assert rows_naming(harness.store.db, "bob") != {}  # the others are untouched
    assert harness.store.db["seen_events"].count == 1  # bob's join; ann's is gone


async def test_an_opted_out_member_who_is_forgotten_stays_opted_out(harness):
    await harness.join("ann")
    [answer] = await command(harness, "ann", "privacy opt-out")
    assert "no longer counted" in answer
    assert harness.app.services.optouts.is_opted_out("demo", "console", "ann")
    await command(harness, "ann", "privacy forget-me confirm=yes")
    [row] = harness.store.db["members"].rows
    assert row == {"community": "demo", "platform": "console", "member_id": "ann", "display_name": None,
                   "joined_at": None, "left_at": None, "opted_out": 1}
    await command(harness, "ann", "privacy opt-in")
    assert not harness.app.services.optouts.is_opted_out("demo", "console", "ann")


async def test_export_sends_the_members_rows_as_a_json_file_by_dm(harness):
    await harness.join("ann", "Ann")
    await harness.join("bob", "Bob")
    [answer] = await command(harness, "ann", "privacy export")
    assert answer == "Sent: check your direct messages (file cmbot-export-demo-2026-11-23.json)."
    [dm] = harness.platform.of_type(DirectMessage)
    assert dm.member_id == "ann" and dm.fallback_channel_id is None  # never posted in a channel
    text = dm.content.text.plain()
    assert text.startswith("Here is everything cmbot keeps about you: your member record") and "{" not in text
    [attached] = dm.content.files
    assert attached.filename == "cmbot-export-demo-2026-11-23.json" and attached.mime_type == "application/json"
    document = json.loads(attached.data.decode("utf-8"))
    assert document["accounts"] == ["console:ann"]
    members = document["tables"]["members"]
    assert [dict(zip(members["columns"], row, strict=True))["display_name"] for row in members["rows"]] == ["Ann"]
    assert b"bob" not in attached.data.lower()


async def test_a_large_export_is_one_whole_file(harness):
    for _day in range(40):  # forty joins of the same member: forty welcome rows
        await harness.join("ann", "Ann " + "x" * 30)
        await harness.leave("ann")
        harness.clock.advance(timedelta(days=1))
    await command(harness, "ann", "privacy export")
    [dm] = harness.platform.of_type(DirectMessage)
    [attached] = dm.content.files
    assert len(json.loads(attached.data)["tables"]["welcome_welcomes"]["rows"]) == 40


async def test_an_export_too_large_for_a_file_gets_a_summary(make_harness, monkeypatch):
    harness = await make_harness(features=FEATURES)
    for _day in range(3):
        await harness.join("ann")
        harness.clock.advance(timedelta(days=1))
    monkeypatch.setattr(privacy_commands, "MIB", 100)  # 8 "MiB" of 100 bytes: smaller than this document
    [answer] = await command(harness, "ann", "privacy export")
    [dm] = harness.platform.of_type(DirectMessage)
    assert dm.content.files == () and "your welcome" in dm.content.text.plain()
    assert "Ask an admin" in dm.content.text.plain() and "a summary" in answer


async def test_closed_dms_get_an_answer_and_nothing_in_a_channel(harness):
    await harness.join("ann")
    original = harness.platform.execute

    async def closed(action):
        if isinstance(action, DirectMessage):
            return ActionResult.failed("closed", permanent=True)
        return await original(action)

    harness.platform.execute = closed
    [answer] = await command(harness, "ann", "privacy export")
    assert "could not send your data by direct message" in answer


async def test_a_link_needs_a_code_from_the_other_account(harness):
    await harness.join("ann")
    await harness.join("ann-alt")
    await harness.join("mallory")
    [issued] = await command(harness, "ann", "privacy link")
    code = issued.split("Your code: ")[1].split(".")[0]
    [refused] = await command(harness, "ann", f"privacy link code={code}")
    assert "unknown, expired" in refused  # one's own code links nothing
    [linked] = await command(harness, "ann-alt", f"privacy link code={code.lower()}")
    assert "console:ann, console:ann-alt" in linked
    [reused] = await command(harness, "mallory", f"privacy link code={code}")
    assert "unknown, expired" in reused  # a code works once

    [done] = await command(harness, "ann-alt", "privacy forget-me confirm=yes")
    assert rows_naming(harness.store.db, "ann") == {} and rows_naming(harness.store.db, "ann-alt") == {}
    assert rows_naming(harness.store.db, "mallory") != {}
    assert "Done, erased:" in done and "the links between your accounts (2)" in done


async def test_a_link_code_expires(harness):
    [issued] = await command(harness, "ann", "privacy link")
    code = issued.split("Your code: ")[1].split(".")[0]
    harness.clock.advance(timedelta(minutes=16))
    [late] = await command(harness, "bob", f"privacy link code={code}")
    assert "expired" in late
    [answer] = await command(harness, "bob", "privacy unlink")
    assert "not linked" in answer
