"""The whole bot on the console: a member who answers others for weeks is proposed on Monday, a CM accepts, the
member gets the role and a thank-you, `/ambassadors` lists them, and a CM removes them."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.console import ConsolePlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups

# the console's own lines are in the console's language, the bot's in the community's
GRANTED = r"\(bob (reçoit le rôle ambassador|is given the ambassador role)\)"
REVOKED = r"\(bob (perd le rôle ambassador|loses the ambassador role)\)"
ID = re.compile(r"\((m\d+)\)\s*$", re.MULTILINE)


def flat(printed: str) -> str:
    """The console's lines with one plain space before double punctuation (field lines and catalogue lines
    differ only there), so assertions read the words."""
    return re.sub(r"[\u00a0\u202f ]*([:!?])", r" \1", printed)


class Session:
    def __init__(self, console: ConsolePlatform, out: io.StringIO) -> None:
        self.console = console
        self.out = out

    async def line(self, text: str) -> str:
        """Feed one line; return what the console printed for it."""
        before = len(self.out.getvalue())
        await self.console.feed(text + "\n")
        return flat(self.out.getvalue()[before:])

    async def message(self, text: str) -> str:
        """Feed a line that posts a message; return the message's id."""
        return ID.findall(await self.line(text))[-1]


async def start(settings, tmp_path, at: datetime):
    settings = settings.model_copy(update={"bot": settings.bot.model_copy(update={"database": tmp_path / "c.db"})})
    clock = SimulatedClock(at)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(tmp_path / "c.db"), clock, wakeups, shipped_features())
    out = io.StringIO()
    console = ConsolePlatform("console", clock, app.services.commands, wakeups.run_due, stdin=io.StringIO(), stdout=out)
    app.attach([console])
    await app.start()
    return app, Session(console, out)


async def helpful_weeks(session: Session) -> str:
    """bob answers alice first in weeks 46 and 47; Monday of week 48 at 10:00 the card proposes him (the clock
    passes it on the way to Tuesday). Returns what was printed."""
    printed = await session.line("join alice") + await session.line("join bob")
    for day in ("2026-11-10", "2026-11-17", "2026-11-24"):
        printed += await session.line(f"clock {day}T10:00:00+01:00")
        question = await session.message("say alice #help Comment installer le module ?")
        answer = await session.message(f"reply bob {question} Avec la commande install")
        await session.line(f"react alice {answer} 👍")
    return printed


async def test_a_helpful_member_is_proposed_accepted_listed_and_removed(settings, tmp_path):
    app, session = await start(settings, tmp_path, datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    printed = await helpful_weeks(session)
    assert "[#strategy]" in printed and "Proposition d’ambassadeur : bob" in printed
    assert "Premières réponses : 2" in printed and "Semaines actives : 2 sur 4" in printed
    assert "Réponses appréciées : 2" in printed and "Score d’entraide : 18" in printed
    assert "Proposition d’ambassadeur : alice" not in printed  # she asked, she did not help
    # the next Monday bob is still waiting for a decision: he is not proposed twice
    assert "Proposition d’ambassadeur" not in await session.line("clock 2026-11-30T10:00:00+01:00")
    card = re.findall(r"Proposition d’ambassadeur : bob.*?\((m\d+)\)", printed, re.S)[-1]

    refused = await session.line(f"click alice {card} Accepter")
    assert "Seuls les community managers" in refused and not re.search(GRANTED, refused)

    accepted = await session.line(f"click dave[cm] {card} Accepter")
    assert re.search(GRANTED, accepted)
    assert re.search(r"(MP|DM) → bob", accepted) and "merci !" in accepted  # the thank-you, by direct message
    assert "bob est maintenant ambassadeur." in accepted and "rôle donné" in accepted
    assert "Ambassadeur nommé par dave" in accepted  # the card follows the decision

    again = await session.line(f"click erin[cm] {card} Accepter")
    assert "no button" in again and not re.search(GRANTED, again)  # the decided card has no buttons left

    listed = await session.line("cmd dave /ambassadors")
    assert "1 ambassadeur" in listed and "bob" in listed and "premières réponses 3" in listed

    removed = await session.line("cmd dave /ambassadors remove=bob")
    assert "bob n’est plus ambassadeur." in removed and re.search(REVOKED, removed)
    assert "Aucun ambassadeur" in await session.line("cmd dave /ambassadors")
    await app.stop()

    db = Store.open(tmp_path / "c.db").db
    assert db.execute("SELECT status FROM ambassador_candidates").fetchall() == [("accepted",)]
    assert db.execute("SELECT count(*) FROM ambassador_rounds WHERE status = 'posted'").fetchone()[0] >= 1


async def test_the_weekly_card_is_posted_once_across_a_restart(settings, tmp_path):
    app, session = await start(settings, tmp_path, datetime(2026, 11, 2, 8, 0, tzinfo=UTC))
    first = await helpful_weeks(session)
    await app.stop()
    app, session = await start(settings, tmp_path, datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    later = await session.line("clock +2h")
    await app.stop()
    assert first.count("Proposition d’ambassadeur") == 1
    assert "Proposition d’ambassadeur" not in later
