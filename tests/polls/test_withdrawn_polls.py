"""A poll whose calendar post will not go out says so: cancelled, rejected or expired, `/poll list` shows it
withdrawn and why (never "waiting" forever), `/poll close` explains it, and rescheduling the post brings the poll
back to waiting, then open once published. The failed path runs at the wire in `test_slack_polls.py`."""

from __future__ import annotations

from datetime import timedelta

from tests.polls.conftest import ConsoleBot
from tests.polls.test_console_polls import message_id

APPROVAL = "[communities.calendar]\napproval_required = true"


def status(bot: ConsoleBot) -> tuple:
    return bot.db.execute("SELECT status, withdrawn_reason FROM polls").fetchone()


async def test_a_cancelled_poll_is_listed_as_withdrawn_and_cannot_be_closed(console_bot):
    bot: ConsoleBot = await console_bot()
    out = await bot.lines('cmd sam[smm] /poll new question="A live?" answers="Yes|No" to=#news '
                          'at="2026-11-23 12:00"')
    assert "Poll #1 created" in out
    out = await bot.lines("cmd sam /poll list")
    assert "#1 · waiting to be published · A live?" in out
    out = await bot.lines("cmd claire[cm] /post cancel 1")
    assert "cancelled" in out
    assert status(bot) == ("withdrawn", "cancelled")
    out = await bot.lines("cmd sam /poll list\ncmd sam /poll close 1")
    assert "#1 · withdrawn · A live? · its calendar post #1 was cancelled on" in out
    assert "waiting to be published" not in out
    assert "Poll #1 was withdrawn: its calendar post #1 was cancelled on" in out
    out = await bot.lines("clock 2026-11-23T12:00:00+01:00")  # its old time passes: nothing goes out
    assert "📊 Poll #1" not in out
    assert status(bot) == ("withdrawn", "cancelled")


async def test_a_rejected_poll_is_withdrawn_then_waits_again_when_rescheduled_and_opens(console_bot):
    bot: ConsoleBot = await console_bot("fr", APPROVAL)
    await bot.lines('cmd sam[smm] /poll new question="Un live ?" answers="Oui|Non" to=#news '
                    'at="2026-11-23 12:00"')
    out = await bot.lines('cmd claire[cm] /post reject 1 reason="Pas cette semaine"')
    assert status(bot) == ("withdrawn", "rejected")
    out = await bot.lines("cmd sam /poll list")
    assert "n°\u00a01 · retiré · Un live ? · sa publication n°\u00a01 du calendrier a été refusée le" in out
    assert "reprogrammez-la pour la soumettre de nouveau" in out
    out = await bot.lines('cmd sam /post reschedule 1 at="2026-11-24 12:00"')
    assert status(bot) == ("waiting", None)
    out = await bot.lines("cmd sam /poll list")
    assert "n°\u00a01 · en attente de publication · Un live ?" in out
    await bot.lines("cmd claire /post approve 1")
    out = await bot.lines("clock 2026-11-24T12:00:00+01:00")
    assert "📊 Sondage n°\u00a01\u00a0: Un live ?" in out
    assert status(bot) == ("open", None)


async def test_a_poll_nobody_approved_in_time_is_withdrawn_as_expired(console_bot):
    bot: ConsoleBot = await console_bot("en", APPROVAL)
    await bot.lines('cmd sam[smm] /poll new question="Pizza?" answers="Yes|No" to=#news at="2026-11-23 12:00"')
    out = await bot.lines("clock 2026-11-23T12:00:00+01:00")
    assert "📊 Poll #1" not in out
    assert status(bot) == ("withdrawn", "expired")
    out = await bot.lines("cmd sam /poll list")
    assert "#1 · withdrawn · Pizza? · its calendar post #1 expired without approval on" in out
    assert "reschedule it to ask again" in out


async def test_a_withdrawn_poll_stays_withdrawn_across_a_restart_and_an_open_poll_is_never_withdrawn(console_bot):
    bot: ConsoleBot = await console_bot()
    out = await bot.lines('cmd claire[cm] #general /poll new question="Now?" answers="Yes|No"')
    await bot.lines(f"click alice {message_id(out, '📊 Poll #1')} Yes")
    await bot.lines('cmd claire /poll new question="Later?" answers="Yes|No" to=#news at="2026-11-24 12:00"')
    await bot.lines("cmd claire /post cancel 2")
    kind = bot.app.services.post_kinds
    await kind.withdraw("poll", "1", "failed")  # a late failure on another platform: the open poll stays open
    bot = await bot.restart()
    rows = bot.db.execute("SELECT id, status, withdrawn_reason FROM polls ORDER BY id").fetchall()
    assert rows == [(1, "open", None), (2, "withdrawn", "cancelled")]
    out = await bot.lines("cmd claire[cm] /poll list")
    assert "#1 · open · Now? · ends" in out and "1 voter" in out and "#2 · withdrawn · Later?" in out


async def test_a_poll_whose_missed_post_is_skipped_is_withdrawn(console_bot):
    """The bot was down past the grace period: a CM chose Skip on the missed-post notice."""
    bot: ConsoleBot = await console_bot()
    await bot.lines('cmd sam[smm] /poll new question="Quiz?" answers="Yes|No" to=#news at="2026-11-23 12:00"')
    await bot.stop()
    bot.clock.advance(timedelta(hours=6))  # down from before noon until well past the hour's grace
    bot = await bot.restart()
    notice = message_id(bot.out.getvalue(), "[Skip]")  # the missed-post notice, posted at start
    out = await bot.lines("cmd claire[cm] /poll list")
    assert "#1 · waiting to be published" in out
    await bot.lines(f"click claire {notice} Skip")
    assert status(bot) == ("withdrawn", "skipped")
    out = await bot.lines("cmd claire /poll list")
    assert "#1 · withdrawn · Quiz? · its calendar post #1, missed while the bot was down, was skipped on" in out
