"""`/inbox`: the team's list of the feedback inbox. What is still waiting comes oldest first with its age and
kind, filters and pages read as the help says, members' words stay inert and are never copied from channels,
and every page put together is exactly the naive filter-and-sort of the table (Hypothesis)."""

from __future__ import annotations

import re

import sqlite_utils
from hypothesis import given
from hypothesis import strategies as st

from config.feedback import KINDS
from handlers.feedback import inbox
from handlers.feedback.listing import PAGE_SIZE, STATES, age_key, excerpt
from handlers.feedback.migrations import ITEMS, migrations
from tests.feedback.conftest import Session


def flat(printed: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", printed)


LONG = "L’export plante   quand on clique deux fois sur <@everyone> **Enregistrer** sans attendre la fin"


async def test_the_inbox_lists_what_waits_oldest_first_with_age_kind_and_an_excerpt(session: Session):
    await session.play(f'''
        cmd alice #general /feedback
        submit alice fb:new kind=bug "text={LONG}"
        clock +3h
        say bob #feedback Le nouveau tableau de bord est génial
        clock +50m
        cmd carol #general /feedback
        submit carol fb:new kind=idée "text=Un mode sombre"
    ''')
    out = flat(await session.play("cmd claire[cm] /inbox"))
    assert "Boîte à retours, non clos : 3 retours" in out
    lines = [line.strip() for line in out.splitlines() if line.strip().startswith("n° ")]
    assert [line.split(" · ")[0] for line in lines] == ["n° 1", "n° 2", "n° 3"]  # oldest first
    assert lines[0].startswith("n° 1 · 🐞 Bogue · à traiter · reçu il y a 3 heures · de alice · « L’export plante")
    assert lines[0].endswith("deux fois sur <@everyone> *… »")  # an excerpt on one line, never the whole text
    assert "de bob" in lines[1] and "Ouvrir le message" in lines[1] and "génial" not in out  # a link, no copy
    assert lines[2].startswith("n° 3 · 💡 Idée · à traiter · reçu il y a 0 minute")

    out = flat(await session.play("cmd claire /inbox kind=bug\ncmd claire /inbox state=done"))
    assert "Boîte à retours, non clos · 🐞 Bogue : 1 retour" in out and "n° 2" not in out
    assert "Rien dans la boîte (clos)." in out


async def test_decisions_move_feedback_between_states_and_pages_say_how_to_go_on(session: Session):
    for n in range(12):
        await session.play(f'cmd m{n} #general /feedback\nsubmit m{n} fb:new kind=idea "text=Idée {n}"\nclock +1d')
    card = session.rows("SELECT card_message_id FROM feedback_items WHERE id = 1")[0][0]
    await session.play(f"click claire[cm] {card} Clore")
    out = flat(await session.play("cmd claire[cm] /inbox"))
    assert "non clos : 11 retours" in out and "n° 1 ·" not in out
    assert "reçu il y a 11 jours" in out and "Page 1 sur 2. La suite : /inbox page=2" in out
    assert len(re.findall(r"n° \d+ ·", out)) == PAGE_SIZE
    out = flat(await session.play("cmd claire /inbox page=2"))
    assert re.findall(r"n° (\d+) ·", out) == ["12"] and "Page 2 sur 2." in out
    out = flat(await session.play("cmd claire /inbox page=9\ncmd claire /inbox state=done"))
    assert "Il n’y a que 2 pages : demandez une page de 1 à 2." in out
    assert "clos : 1 retour" in out and "n° 1 · 💡 Idée · clos" in out
    out = flat(await session.play("cmd claire /inbox state=all kind=idea page=1"))
    assert "tous · 💡 Idée : 12 retours" in out and "La suite : /inbox kind=idea state=all page=2" in out
    out = flat(await session.play("cmd alice /inbox"))
    assert "réservée à" in out and "n° " not in out  # members never see the inbox


def test_ages_read_in_the_largest_natural_unit():
    assert age_key(0) == ("feedback.list.age_minutes", {"minutes": 0})
    assert age_key(119 * 60) == ("feedback.list.age_minutes", {"minutes": 119})
    assert age_key(2 * 3600) == ("feedback.list.age_hours", {"hours": 2})
    assert age_key(47 * 3600 + 3599) == ("feedback.list.age_hours", {"hours": 47})
    assert age_key(48 * 3600) == ("feedback.list.age_days", {"days": 2})
    assert age_key(-5) == ("feedback.list.age_minutes", {"minutes": 0})  # a clock step back never shows "-1"
    assert excerpt("a\n\nb   c") == "a b c" and len(excerpt("x" * 500)) == 60


ITEM = st.tuples(st.sampled_from(("open", "acknowledged", "done")), st.sampled_from((*KINDS, "unsorted")),
                 st.integers(0, 50), st.integers(0, 50), st.sampled_from(("acme", "other")))


@given(items=st.lists(ITEM, max_size=40), state=st.sampled_from(tuple(STATES)),
       kind=st.none() | st.sampled_from((*KINDS, "unsorted")), size=st.integers(1, 7))
def test_every_page_put_together_is_the_naive_filter_and_sort(items, state, kind, size):
    db = sqlite_utils.Database(memory=True)
    migrations.apply(db)
    for status, item_kind, created, closed, community in items:
        db[ITEMS].insert({"community": community, "platform": "console", "source": "command", "kind": item_kind,
                          "created_at": created, "status": status, "closed_at": closed if status == "done" else None})
    rows = list(db.query(f"SELECT id, community, kind, status, created_at, closed_at FROM {ITEMS}"))
    wanted = [r for r in rows if r["community"] == "acme" and r["status"] in STATES[state]
              and (kind is None or r["kind"] == kind)]
    if state == "done":
        wanted.sort(key=lambda r: (-(r["closed_at"] if r["closed_at"] is not None else r["created_at"]), -r["id"]))
    else:
        wanted.sort(key=lambda r: (r["created_at"], r["id"]))
    seen: list[int] = []
    page = 0
    while True:
        found, total = inbox.listed(db, "acme", STATES[state], kind, page * size, size)
        assert total == len(wanted)
        if not found:
            break
        assert len(found) <= size
        seen += [item.id for item in found]
        page += 1
    assert seen == [r["id"] for r in wanted]
