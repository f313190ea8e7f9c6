"""Moving the posts read ahead to `sending` at their instant (`bulk.start_seen`) moves exactly the posts still as
they were read, writes one history line for each, and leaves the others untouched, whatever changed in between:
checked against a naive reference, one post at a time, on generated changes."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.calendar import bulk
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import SYSTEM, Actor, PostDraft, Target, create_post, stamp, transition, update_content
from schedules.calendar import occurrence
from tests.calendar.conftest import START

DUE = START + timedelta(minutes=1)
NOW = DUE + timedelta(seconds=1)
CHANGES = ("none", "edited", "rescheduled", "cancelled", "counted")  # what happened to a post after its read


def _posts(db, changes: list[str]) -> list[bulk.Seen]:
    """One post per change, read ahead; then each one changed as asked (after its read)."""
    ids = [create_post(db, PostDraft(community="demo", author=Actor("console", "sam"), body=f"Post {index}",
                                     targets=(Target("console", "news"),), timezone="Europe/Paris", publish_at=DUE,
                                     utm=False), Status.SCHEDULED, START) for index in range(len(changes))]
    seen = [read.seen for read in occurrence.read_ahead(db, ids, DUE)]
    for post_id, change in zip(ids, changes, strict=True):
        if change == "edited":
            update_content(db, post_id, {"body": "changed"}, None)
        elif change == "rescheduled":
            db.execute("UPDATE calendar_posts SET next_due_at = ? WHERE id = ?", [stamp(DUE + timedelta(hours=1)),
                                                                                 post_id])
        elif change == "cancelled":
            transition(db, post_id, Status.CANCELLED, SYSTEM, START, action="cancel")
        elif change == "counted":
            db.execute("UPDATE calendar_posts SET occurrences_done = occurrences_done + 1 WHERE id = ?", [post_id])
    return seen


def _still_as_read(db, one: bulk.Seen) -> bool:
    row = db.execute("SELECT status, revision, next_due_at, occurrences_done FROM calendar_posts WHERE id = ?",
                     [one.post_id]).fetchone()
    return row == (Status.SCHEDULED.value, one.revision, stamp(one.next_due_at), one.occurrences_done)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(CHANGES), min_size=1, max_size=40))
def test_start_seen_moves_exactly_the_posts_unchanged_since_their_read(tmp_path_factory, changes):
    from bot.store import Store
    from bot.store.migrations import apply_all
    from handlers.calendar.migrations import migrations

    store = Store.open(tmp_path_factory.mktemp("seen") / "cal.db")
    apply_all(store.db, [migrations])
    db = store.db
    seen = _posts(db, changes)
    expected = {one.post_id for one in seen if _still_as_read(db, one)}  # the reference, post by post
    before = {row[0]: row[1:] for row in db.execute("SELECT id, status, updated_at FROM calendar_posts")}
    with db.atomic():
        moved = bulk.start_seen(db, seen, SYSTEM, NOW)
    assert moved == expected == {one.post_id for one, change in zip(seen, changes, strict=True) if change == "none"}
    after = {row[0]: row[1:] for row in db.execute("SELECT id, status, updated_at FROM calendar_posts")}
    for post_id, row in after.items():
        assert row == ((Status.SENDING.value, stamp(NOW)) if post_id in moved else before[post_id])
    history = db.execute("SELECT post_id, community, at, actor_platform, actor_id, from_status, to_status, note"
                         " FROM calendar_history WHERE action = 'send' ORDER BY post_id").fetchall()
    assert history == [(post_id, "demo", stamp(NOW), SYSTEM.platform, SYSTEM.member_id, "scheduled", "sending", "")
                       for post_id in sorted(moved)]
    store.close()
