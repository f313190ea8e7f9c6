"""A claim worked out when its post was read ahead (`bulk.claim_prepared`) writes the same ledger rows and gives
the same answers as the claim worked out at the instant (`bulk.claim_many`), the naive reference: a key already
in the ledger is never claimed again."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.calendar.bulk import Claim, Prepared, claim_many, claim_prepared
from handlers.calendar.lifecycle import Status
from handlers.calendar.migrations import migrations
from handlers.calendar.posts import Actor, PostDraft, Target, claim_delivery, create_post, get_post
from tests.calendar.conftest import START

DUE = START + timedelta(minutes=1)
LEDGER = ("SELECT post_id, community, due_at, platform, channel_id, idempotency_key, status, attempts, late,"
          " started_at, message_id FROM calendar_deliveries ORDER BY idempotency_key")


def _ledger_after(folder, posts: list[tuple[bool, bool, int]], prepared: bool):
    """Posts (first target already claimed?, late?, targets), claimed one way; the answers and the ledger."""
    store = Store.open(folder / ("prepared.db" if prepared else "reference.db"))
    apply_all(store.db, [migrations])
    db = store.db
    claims = []
    for index, (taken, late, targets) in enumerate(posts):
        draft = PostDraft(community="demo", author=Actor("console", "sam"), body=f"Post {index}",
                          targets=tuple(Target("console", f"c{n}") for n in range(targets)), timezone="Europe/Paris",
                          publish_at=DUE, utm=False)
        post = get_post(db, create_post(db, draft, Status.SCHEDULED, START))
        assert post is not None
        if taken:
            claim_delivery(db, post, DUE, post.targets[0], START, late=False)
        claims.append((post, late))
    now = DUE + timedelta(seconds=3)
    with db.atomic():
        if prepared:
            answers = claim_prepared(db, [(Prepared.of(post, DUE, post.targets[0]), late) for post, late in claims],
                                     now)
        else:
            answers = claim_many(db, [Claim(post, DUE, post.targets[0], late) for post, late in claims], now)
    rows = db.execute(LEDGER).fetchall()
    row_of = dict(db.execute("SELECT idempotency_key, id FROM calendar_deliveries").fetchall())
    store.close()
    assert all(a is None or a.id == row_of[a.idempotency_key] for a in answers)  # each answer names its own row
    return [None if a is None else (a.post_id, a.due_at, a.target, a.idempotency_key, a.status, a.attempts, a.late,
                                    a.started_at) for a in answers], rows


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.integers(min_value=1, max_value=3)), min_size=1,
                max_size=30))
def test_a_claim_prepared_ahead_writes_and_answers_as_the_claim_made_at_the_instant(tmp_path_factory, posts):
    folder = tmp_path_factory.mktemp("claims")
    assert _ledger_after(folder, posts, prepared=True) == _ledger_after(folder, posts, prepared=False)


def test_a_prepared_claim_whose_key_is_taken_answers_none_and_writes_nothing(tmp_path):
    answers, rows = _ledger_after(tmp_path, [(True, False, 1), (False, True, 1)], prepared=True)
    assert answers[0] is None and answers[1] is not None and answers[1][6] is True
    assert len(rows) == 2  # the one claimed before, and the new one


def test_a_post_read_ahead_whose_first_target_is_taken_claims_its_next_one(db):
    from schedules.calendar import occurrence

    draft = PostDraft(community="demo", author=Actor("console", "sam"), body="Two places",
                      targets=(Target("console", "a"), Target("console", "b")), timezone="Europe/Paris",
                      publish_at=DUE, utm=False)
    post_id = create_post(db, draft, Status.SCHEDULED, START)
    (read,) = occurrence.read_ahead(db, [post_id], DUE)
    assert read.first is not None and read.first.target == Target("console", "a")
    claim_delivery(db, read.post, DUE, Target("console", "a"), START, late=False)  # as a crash may leave it
    with db.atomic():
        (begun,) = occurrence.begin_many(db, [(post_id, read)], DUE, START, lambda _: timedelta(hours=1))
    assert begun.ahead and begun.claimed is not None and begun.claimed.target == Target("console", "b")
