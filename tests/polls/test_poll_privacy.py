"""Votes are personal data: export shows them, forget-me erases them, opting out erases them when the poll ends,
and the rest go `polls.vote_retention_days` after; the results, anonymous counts, stay."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.polls.conftest import ConsoleBot
from tests.privacy.test_privacy_commands import rows_naming


async def open_poll(bot: ConsoleBot) -> str:
    out = await bot.lines('cmd sam[smm] #general /poll new question="Tea or coffee?" answers="Tea|Coffee" '
                          'duration=1h')
    return re.search(r"\((m\d+)\)", out[out.index("📊 Poll #1"):]).group(1)  # type: ignore[union-attr]


async def test_export_shows_a_members_votes_and_forget_me_erases_them(console_bot):
    bot: ConsoleBot = await console_bot()
    poll = await open_poll(bot)
    await bot.lines(f"click zed4242 {poll} Tea\nclick yan {poll} Coffee\ndms zed4242 open")
    out = await bot.lines("cmd zed4242 /privacy export")
    assert "your poll votes (1)" in out  # the DM says what is kept, in words
    [path] = re.findall(r"\[file: (.+?\.json)\]", out)  # the console writes the export file and prints its path
    exported = json.loads(Path(path).read_text(encoding="utf-8"))
    assert [dict(zip(exported["tables"]["poll_votes"]["columns"], row, strict=True))["answer"]
            for row in exported["tables"]["poll_votes"]["rows"]] == [0]  # the first answer, Tea
    out = await bot.lines("cmd zed4242 /privacy forget-me confirm=yes")
    assert rows_naming(bot.db, "zed4242") == {}
    out = await bot.lines("cmd sam /poll results 1")
    assert "Tea — 0 votes" in out and "Coffee — 1 vote (100%)" in out
    # the author of a poll is anonymised, the poll stays
    await bot.lines("cmd sam /privacy forget-me confirm=yes")
    assert bot.db.execute("SELECT author_id, question FROM polls").fetchone() == ("forgotten", "Tea or coffee?")


async def test_opted_out_votes_go_when_the_poll_ends_the_others_after_the_retention(console_bot):
    bot: ConsoleBot = await console_bot(extra="[communities.polls]\nvote_retention_days = 2")
    poll = await open_poll(bot)
    await bot.lines(f"cmd olga /privacy opt-out\nclick olga {poll} Tea\nclick yan {poll} Coffee")
    assert bot.db.execute("SELECT count(*) FROM poll_votes").fetchone() == (2,)
    out = await bot.lines("clock +1h")
    assert "*Tea* — 1 vote (50%)" in out  # her vote counted
    assert [r[0] for r in bot.db.execute("SELECT member_id FROM poll_votes")] == ["yan"]
    await bot.lines("clock +1d")
    assert bot.db.execute("SELECT count(*) FROM poll_votes").fetchone() == (1,)
    await bot.lines("clock +1d")
    assert bot.db.execute("SELECT count(*) FROM poll_votes").fetchone() == (1,)  # not quite 2 days yet
    await bot.lines("clock +1d")  # the daily purge after the second day
    assert bot.db.execute("SELECT count(*) FROM poll_votes").fetchone() == (0,)
    counts = bot.db.execute("SELECT final_counts, final_voters FROM poll_messages").fetchone()
    assert (json.loads(counts[0]), counts[1]) == ([1, 1], 2)
