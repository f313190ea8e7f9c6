"""Polls on the console, end to end: the real app, every shipped feature, the console's lines and SQLite."""

from __future__ import annotations

import re

from tests.polls.conftest import ConsoleBot


def message_id(output: str, marker: str) -> str:
    """The console id (m12) of the first message printed after `marker`."""
    tail = output[output.index(marker):]
    return re.search(r"\((m\d+)\)", tail).group(1)  # type: ignore[union-attr]


async def test_a_poll_is_published_voted_on_and_closed_with_its_results_once(console_bot):
    bot: ConsoleBot = await console_bot()
    out = await bot.lines('cmd sam[smm] #general /poll new question="Which day for the live?" '
                          'answers="Monday | Thursday | Saturday" duration=2h')
    assert "Poll #1 created. Post #1 is published." in out
    poll = message_id(out, "📊 Poll #1: Which day for the live?")
    out = await bot.lines(f"""
        click alice {poll} Thursday
        click bob {poll} Monday
        click bob {poll} Thursday
        click carol {poll} Saturday
        click carol {poll} Saturday
    """)
    assert "Your vote for “Thursday” is counted." in out
    assert "Your vote now goes to “Thursday”." in out
    assert "Your vote for “Saturday” is withdrawn." in out
    assert out.count(" edited m") == 1  # clicks within seconds: the card is redrawn once, then at the period's end
    out = await bot.lines("clock +5s")
    assert out.count(" edited m") == 1 and "Thursday — 2 votes (100%)" in out
    out = await bot.lines("clock +2h")
    assert out.count("📊 Results of poll #1") == 1
    results = out[out.index("📊 Results of poll #1"):]
    assert "*Thursday* — 2 votes (100%)" in results and "Most chosen: Thursday" in results
    assert "2 members voted" in results
    out = await bot.lines(f"click dave {poll} Monday")
    assert "has no button" in out  # the closed card has no buttons left
    assert bot.db.execute("SELECT status FROM polls").fetchall() == [("closed",)]
    assert bot.db.execute("SELECT count(*) FROM poll_results WHERE status = 'posted'").fetchone() == (1,)
    # a restart changes nothing: the results are never posted twice
    bot = await bot.restart()
    out = await bot.lines("clock +1d")
    assert "Results of poll" not in out


async def test_a_scheduled_poll_waits_for_approval_then_closes_after_a_restart(console_bot):
    bot: ConsoleBot = await console_bot("fr", "[communities.calendar]\napproval_required = true")
    out = await bot.lines('cmd sam[smm] /poll new question="Un live ?" answers="Oui|Non" to=#news')
    assert "Le sondage n’a pas été créé" in out and "«\u00a0at\u00a0»" in out  # approval needs a time
    out = await bot.lines('cmd sam /poll new question="Un live ?" answers="Oui|Non" to=#news '
                          'at="2026-11-23 12:00" duration=1h campaign=lancement')
    assert "Sondage n\u00a0°" not in out and "Sondage n°\u00a01 créé" in out
    assert "attend la validation" in out
    out = await bot.lines("cmd claire[cm] /post approve 1")
    assert "validée" in out or "programmée" in out
    out = await bot.lines("clock 2026-11-23T12:00:00+01:00")
    assert "📊 Sondage n°\u00a01\u00a0: Un live ?" in out
    poll = message_id(out, "📊 Sondage n°\u00a01")
    await bot.lines(f"click alice {poll} Oui")
    bot = await bot.restart()  # the closing wake-up is rebuilt from the store
    out = await bot.lines("clock +1h")
    assert out.count("Résultats du sondage n°\u00a01") == 1
    assert "Réponse la plus choisie\u00a0: Oui" in out
    post = bot.db.execute("SELECT status, kind, kind_ref FROM calendar_posts").fetchone()
    assert post == ("published", "poll", "1")


async def test_only_staff_create_polls_and_bad_polls_are_refused_clearly(console_bot):
    bot: ConsoleBot = await console_bot()
    out = await bot.lines('cmd alice /poll new question="Hi" answers="a|b"')
    assert "reserved for" in out
    out = await bot.lines('cmd sam[smm] #general /poll new question="" answers="a|a|" duration=3s')
    assert "The question is empty." in out or "required" in out
    out = await bot.lines('cmd sam #general /poll new question="Q?" answers="a|A" duration=40d')
    assert "The answer “a” is given twice." in out and "at most 768 hours" in out
    out = await bot.lines('cmd sam #general /poll new question="Q?" answers="one" duration=soon')
    assert "there is 1" in out and "could not read the duration “soon”" in out
    assert bot.db.execute("SELECT count(*) FROM polls").fetchone() == (0,)
    assert bot.db.execute("SELECT count(*) FROM calendar_posts").fetchone() == (0,)


async def test_a_cm_closes_a_poll_early_and_lists_polls(console_bot):
    bot: ConsoleBot = await console_bot()
    out = await bot.lines('cmd claire[cm] #general /poll new question="Pizza?" answers="Yes|No" multiple=yes')
    poll = message_id(out, "📊 Poll #1")
    out = await bot.lines(f"""
        click alice {poll} Yes
        click alice {poll} No
        cmd claire /poll results 1
    """)
    assert "Choose as many answers as you like" in out
    assert "Yes — 1 vote (50%)" in out and "1 member voted" in out
    out = await bot.lines("cmd claire /poll close 1")
    assert "Poll #1 is closed" in out and out.count("📊 Results of poll #1") == 1
    assert "Tie between: Yes · No" in out
    out = await bot.lines("cmd claire /poll close 1\ncmd claire /poll list")
    assert "Poll #1 was already closed." in out and "#1 · closed · Pizza?" in out
    assert "Results of poll" not in out


async def test_the_weekly_report_shows_each_poll_and_the_votes_by_campaign(console_bot):
    bot: ConsoleBot = await console_bot()
    out = await bot.lines('cmd sam[smm] #general /poll new question="Which colour? @everyone" '
                          'answers="Red | Blue" duration=1h campaign=launch')
    poll = message_id(out, "📊 Poll #1")
    await bot.lines(f"click alice {poll} Red\nclick bob {poll} Red\nclick carol {poll} Blue\nclock +1h")
    out = await bot.lines('cmd sam #general /poll new question="Tea?" answers="Yes|No" duration=2h')
    await bot.lines(f"click alice {message_id(out, '📊 Poll #2')} No\nclock +2h")
    out = await bot.lines("cmd sam /report week=2026-W48")
    assert "Polls ended: 2" in out and "Poll votes: 4" in out and "Poll voters: 4" in out
    assert "Which colour? @everyone — Red 66.7%, Blue 33.3%: 3" in out and "Tea? — Yes 0%, No 100%: 1" in out
    assert "launch: 3" in out and "no campaign: 1" in out  # never a bare « — »
