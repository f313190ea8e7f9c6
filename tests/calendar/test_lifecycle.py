from datetime import timedelta

import pytest

from handlers.calendar.lifecycle import Status, TransitionRefused, can_transition, check_transition
from handlers.calendar.posts import (
    Actor,
    PostDraft,
    Target,
    create_post,
    get_post,
    transition,
)

SMM = Actor("console", "sam")
CM = Actor("console", "carla")


def _draft(clock, **extra):
    values = dict(community="demo", author=SMM, body="Hello", targets=(Target("console", "news"),),
                  timezone="Europe/Paris", publish_at=clock.now() + timedelta(hours=2))
    values.update(extra)
    return PostDraft(**values)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (Status.DRAFT, Status.PENDING),
        (Status.PENDING, Status.SCHEDULED),
        (Status.PENDING, Status.EXPIRED),
        (Status.SCHEDULED, Status.SENDING),
        (Status.SENDING, Status.PUBLISHED),
        (Status.SENDING, Status.FAILED),
        (Status.SENDING, Status.SCHEDULED),
        (Status.MISSED, Status.SENDING),
        (Status.SCHEDULED, Status.CANCELLED),
    ],
)
def test_allowed_transitions(current, wanted):
    check_transition(current, wanted)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (Status.PUBLISHED, Status.SCHEDULED),
        (Status.CANCELLED, Status.SCHEDULED),
        (Status.DRAFT, Status.SENDING),
        (Status.PENDING, Status.SENDING),
        (Status.SENDING, Status.CANCELLED),
        (Status.EXPIRED, Status.SENDING),
        (Status.PUBLISHED, Status.CANCELLED),
    ],
)
def test_refused_transitions(current, wanted):
    assert not can_transition(current, wanted)
    with pytest.raises(TransitionRefused):
        check_transition(current, wanted)


def test_transition_records_who_and_when(db, clock):
    post_id = create_post(db, _draft(clock), Status.PENDING, clock.now())
    transition(db, post_id, Status.SCHEDULED, CM, clock.now(), action="approve", approved_by=CM.member_id)
    post = get_post(db, post_id)
    assert post.status is Status.SCHEDULED and post.approved_by == "carla"
    history = list(db.query("SELECT actor_id, action, from_status, to_status FROM calendar_history ORDER BY id"))
    assert [(h["actor_id"], h["action"], h["from_status"], h["to_status"]) for h in history] == [
        ("sam", "create", None, "pending_approval"),
        ("carla", "approve", "pending_approval", "scheduled"),
    ]


def test_refused_transition_changes_nothing(db, clock):
    post_id = create_post(db, _draft(clock), Status.SCHEDULED, clock.now())
    transition(db, post_id, Status.CANCELLED, SMM, clock.now(), action="cancel")
    with pytest.raises(TransitionRefused):
        transition(db, post_id, Status.SCHEDULED, CM, clock.now(), action="approve")
    assert get_post(db, post_id).status is Status.CANCELLED
    assert db["calendar_history"].count == 2


def test_expected_status_is_compare_and_set(db, clock):
    post_id = create_post(db, _draft(clock), Status.PENDING, clock.now())
    transition(db, post_id, Status.SCHEDULED, CM, clock.now(), action="approve", expect={Status.PENDING})
    with pytest.raises(TransitionRefused):  # a second click on "approve" approves nothing
        transition(db, post_id, Status.SCHEDULED, CM, clock.now(), action="approve", expect={Status.PENDING})


def test_variant_wins_for_its_platform(db, clock):
    post_id = create_post(db, _draft(clock, variants={"discord": "**Hello**"}), Status.SCHEDULED, clock.now())
    post = get_post(db, post_id)
    assert post.text_for("discord") == "**Hello**"
    assert post.text_for("slack") == "Hello"
