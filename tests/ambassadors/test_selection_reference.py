"""Candidate selection equals a naive reference on generated histories.

Hypothesis writes engagement logs over six weeks around the look-back period (questions and answers in help
channels, replies, reactions, feedback channels and marks, on Discord and Slack), links between accounts, staff,
opt-outs and sanctions; the reference below reads `docs/loyalty.md`'s definitions word for word with plain lists
and loops (no SQL, no index, no roll-up), and the chosen candidates and their figures must be the same.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.ambassadors.migrations import migrations as ambassador_migrations
from handlers.engagement.migrations import migrations as engagement_migrations
from handlers.moderation.migrations import moderation as moderation_migrations
from handlers.privacy.accounts import Account, link
from handlers.privacy.migrations import migrations as privacy_migrations
from schedules.ambassadors.selection import choose
from tests.report.dataset import PARIS, acme_settings

NOW = datetime(2026, 11, 30, 10, 30, tzinfo=PARIS)  # Monday: the look-back is weeks 45 to 48
STARTS = [int(datetime(2026, 11, d, tzinfo=PARIS).timestamp()) for d in (2, 9, 16, 23)]
END = int(datetime(2026, 11, 30, tzinfo=PARIS).timestamp())
FIRST = STARTS[0] - 7 * 86_400  # the history starts a week before the look-back, and ends after it
LAST = END + 86_400
ACCOUNTS = {"discord": ("d1", "d2", "d3", "d4"), "slack": ("s1", "s2", "s3")}
CHANNELS = {"discord": ("help-d", "fb-d", "general"), "slack": ("help-s", "general")}
HELP = {("discord", "help-d"), ("slack", "help-s")}
FEEDBACK = {("discord", "fb-d")}
ACME = acme_settings("""
[communities.ambassadors]
min_score = 6
min_active_weeks = 1
candidates = 4
""").communities[0]


@dataclass(frozen=True)
class Row:
    platform: str
    channel: str
    member: str
    kind: str
    at: int
    message_id: str | None
    target: str | None


@dataclass
class World:
    rows: list[Row]
    links: list[tuple[tuple[str, str], tuple[str, str]]]
    staff: set[tuple[str, str]]
    opted_out: set[tuple[str, str]]
    sanctioned: set[tuple[str, str]]


@st.composite
def worlds(draw: st.DrawFn) -> World:
    rows: list[Row] = []
    posted: list[Row] = []
    ids = itertools.count(1)
    for _ in range(draw(st.integers(0, 60))):
        platform = draw(st.sampled_from(("discord", "slack")))
        member = draw(st.sampled_from(ACCOUNTS[platform]))
        at = draw(st.integers(FIRST, LAST))
        kind = draw(st.sampled_from(("message", "message", "reply", "reply", "reaction", "reaction",
                                     "feedback_mark")))
        mine = [p for p in posted if p.platform == platform]
        if kind == "message" or not mine:
            row = Row(platform, draw(st.sampled_from(CHANNELS[platform])), member, "message", at, f"m{next(ids)}",
                      None)
            posted.append(row)
        else:
            target = draw(st.sampled_from(mine))
            at = max(at, target.at) if draw(st.booleans()) else at  # sometimes before it: late or odd delivery
            if kind == "reply":
                row = Row(platform, target.channel, member, "reply", at, f"m{next(ids)}", target.message_id)
                posted.append(row)
            else:
                row = Row(platform, target.channel, member, kind, at, None, target.message_id)
        rows.append(row)
    everyone = [(p, m) for p, ms in ACCOUNTS.items() for m in ms]
    pick = st.sampled_from(everyone)
    links = draw(st.lists(st.tuples(pick, pick).filter(lambda pair: pair[0] != pair[1]), max_size=2))
    return World(rows, links, set(draw(st.lists(pick, max_size=1))), set(draw(st.lists(pick, max_size=1))),
                 set(draw(st.lists(pick, max_size=1))))


# ----------------------------------------------------------------------------------------------- the reference
def groups_of(world: World) -> list[set[tuple[str, str]]]:
    groups: list[set[tuple[str, str]]] = []
    for first, second in world.links:
        merged = {first, second}.union(*[g for g in groups if g & {first, second}])
        groups = [g for g in groups if not g & merged] + [merged]
    return groups


def reference(world: World) -> list[tuple[tuple[str, str], tuple[int, int, int, int, int]]]:
    groups = groups_of(world)

    def who(account):
        group = next((g for g in groups if account in g), {account})
        return min(f"{p}:{m}" for p, m in group)

    inside = [r for r in world.rows if STARTS[0] <= r.at < END]
    first_responses: dict[tuple[str, str], int] = {}
    for q in inside:
        if q.kind != "message" or (q.platform, q.channel) not in HELP:
            continue
        answers = [(r.at, i, r) for i, r in enumerate(inside) if r.kind == "reply" and r.platform == q.platform
                   and r.channel == q.channel and r.target == q.message_id and r.member != q.member and r.at >= q.at]
        if answers:
            responder = min(answers, key=lambda a: (a[0], a[1]))[2]
            key = (responder.platform, responder.member)
            first_responses[key] = first_responses.get(key, 0) + 1
    helpful: dict[tuple[str, str], int] = {}
    for reply in inside:
        if reply.kind == "reply" and any(r.kind == "reaction" and r.platform == reply.platform
                                         and r.target == reply.message_id and r.member != reply.member
                                         for r in inside):
            key = (reply.platform, reply.member)
            helpful[key] = helpful.get(key, 0) + 1
    feedback: dict[tuple[str, str], int] = {}
    for message in inside:
        if message.kind not in ("message", "reply"):
            continue
        marked = any(r.kind == "feedback_mark" and r.platform == message.platform and r.target == message.message_id
                     for r in inside)
        if (message.platform, message.channel) in FEEDBACK or marked:
            key = (message.platform, message.member)
            feedback[key] = feedback.get(key, 0) + 1
    weeks: dict[tuple[str, str], set[int]] = {}
    for r in inside:
        if r.kind in ("message", "reply", "reaction"):
            week = max(i for i, start in enumerate(STARTS) if start <= r.at)
            weeks.setdefault((r.platform, r.member), set()).add(week)
    people: dict[str, dict] = {}
    for account in set(first_responses) | set(helpful) | set(feedback) | set(weeks):
        person = people.setdefault(who(account), {"accounts": set(), "fr": 0, "hr": 0, "fb": 0, "weeks": set()})
        person["accounts"].add(account)
        person["fr"] += first_responses.get(account, 0)
        person["hr"] += helpful.get(account, 0)
        person["fb"] += feedback.get(account, 0)
        person["weeks"] |= weeks.get(account, set())
    excluded = {who(a) for a in world.staff | world.opted_out | world.sanctioned}
    chosen = []
    for identity, p in people.items():
        score = 5 * p["fr"] + 3 * p["hr"] + 2 * p["fb"] + len(p["weeks"])
        if identity in excluded or score < 6 or len(p["weeks"]) < 1 or p["fr"] + p["hr"] == 0:
            continue
        chosen.append((-score, identity, min(p["accounts"]), (p["fr"], p["hr"], p["fb"], len(p["weeks"]), score)))
    chosen.sort(key=lambda c: (c[0], c[1]))
    return [(account, figures) for _, _, account, figures in chosen[:4]]


# ----------------------------------------------------------------------------------------------- production
def production(world: World, tmp_dir) -> list[tuple[tuple[str, str], tuple[int, int, int, int, int]]]:
    store = Store.open(tmp_dir / f"sel-{next(RUNS)}.db")
    db = store.db
    apply_all(db, [engagement_migrations, moderation_migrations, privacy_migrations, ambassador_migrations])
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO engagement_events (community, platform, channel_id, member_id, kind, at, message_id,"
            " target_id, help) VALUES ('acme', ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.platform, r.channel, r.member, r.kind, r.at, r.message_id, r.target,
              int((r.platform, r.channel) in HELP and r.kind in ("message", "reply"))) for r in world.rows])
        for platform, member in world.staff:
            db.execute("INSERT INTO engagement_staff VALUES ('acme', ?, ?, 1, 0)", [platform, member])
        for platform, member in world.opted_out:
            db.execute("INSERT INTO members (community, platform, member_id, opted_out) VALUES ('acme', ?, ?, 1)",
                       [platform, member])
        for platform, member in world.sanctioned:
            db.execute(
                "INSERT INTO moderation_flags (community, platform, space_id, channel_id, message_id, member_id,"
                " severity, rules, shadow, source, excerpt, link, created_at, status, auto_action) VALUES ('acme',"
                " ?, 's', 'general', 'x', ?, 'high', 'terms', 0, 'rules', '', '', ?, 'warned', 'flag')",
                [platform, member, (NOW - timedelta(days=3)).astimezone(UTC).isoformat()])
    for first, second in world.links:
        link(db, "acme", Account(*first), Account(*second), NOW)
    try:
        _, picks = choose(db, ACME, NOW)
    finally:
        store.close()
    return [(account, (f.first_responses, f.helpful_replies, f.feedback, f.active_weeks, f.score))
            for account, f in picks]


RUNS = itertools.count(1)


@given(worlds())
def test_the_candidates_equal_the_naive_reference(tmp_path_factory, world):
    assert production(world, tmp_path_factory.mktemp("sel")) == reference(world)
