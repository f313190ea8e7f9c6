"""The monthly thank-you: drafted into the calendar on the first of the month, waiting for a CM's approval, with
the past month's figures of mutual help; exactly once per month across restarts; published once approved."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.store import Store
from tests.ambassadors.test_console_e2e import helpful_weeks, start


def thank_you_posts(tmp_path) -> list[tuple]:
    db = Store.open(tmp_path / "c.db").db
    return db.execute("SELECT id, status, body, campaign FROM calendar_posts ORDER BY id").fetchall()


async def test_the_thank_you_is_drafted_once_a_month_and_published_once_approved(settings, tmp_path):
    # started on 9 November: more than a week after the 1st, so no November draft is caught up
    app, session = await start(settings, tmp_path, datetime(2026, 11, 9, 8, 0, tzinfo=UTC))
    await helpful_weeks(session)  # bob answers alice three times in November
    printed = await session.line("clock 2026-12-01T09:30:00+01:00")
    review = re.findall(r"\((m\d+)\)", printed.split("Merci à vous", 1)[1])[0]  # the card in the staff channel
    [(_, status, body, campaign)] = thank_you_posts(tmp_path)
    assert status == "pending_approval" and campaign == "merci-2026-12"
    assert "Merci à vous, membres de Demo\u00a0! En novembre" in body
    assert "3 questions ont reçu une réponse et 1 membre a aidé les autres" in body
    assert "alice" not in body and "bob" not in body  # totals only, never a name
    approved = await session.line(f"click dave[cm] {review} Valider")
    assert "programmée" in approved
    await app.stop()

    # a crash between the calendar's write and the ledger's: the restart finds the post again, drafts nothing
    db = Store.open(tmp_path / "c.db").db
    with db.conn:
        db.execute("DELETE FROM ambassador_thanks")
    # a restart the same month drafts nothing more; the approved draft goes out on the 4th, once
    app, session = await start(settings, tmp_path, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    assert db.execute("SELECT month FROM ambassador_thanks").fetchall() == [("2026-12",)]
    question = await session.message("say alice #help Où trouver la documentation ?")
    await session.message(f"reply bob {question} Dans le wiki")  # December's help, for January's thanks
    published = await session.line("clock 2026-12-04T11:05:00+01:00")
    assert published.count("Merci à vous, membres de Demo") == 1 and "[#welcome] cmbot : Merci à vous" in published
    await session.line("clock 2026-12-20T10:00:00+01:00")
    await app.stop()
    assert [row[1] for row in thank_you_posts(tmp_path)] == ["published"]

    # January: a new draft, about December
    app, session = await start(settings, tmp_path, datetime(2027, 1, 1, 8, 30, tzinfo=UTC))
    await app.stop()
    posts = thank_you_posts(tmp_path)
    assert [p[3] for p in posts] == ["merci-2026-12", "merci-2027-01"] and "En décembre" in posts[1][2]


async def test_a_month_without_mutual_help_is_not_thanked(settings, tmp_path):
    app, session = await start(settings, tmp_path, datetime(2026, 11, 9, 8, 0, tzinfo=UTC))
    await session.line("join alice")
    await session.message("say alice #general Bonjour !")  # activity, but nobody answers anybody
    printed = await session.line("clock 2026-12-01T09:30:00+01:00")
    await app.stop()
    assert "Merci à vous" not in printed and thank_you_posts(tmp_path) == []
