"""Who is proposed: helpful members across linked accounts, never staff, the sanctioned, the opted out, nor someone
already an ambassador, waiting for a decision or told "Not now" recently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.store import Store
from bot.store.migrations import apply_all
from handlers.ambassadors import records
from handlers.ambassadors.migrations import migrations as ambassador_migrations
from handlers.engagement.migrations import migrations as engagement_migrations
from handlers.feedback.migrations import migrations as feedback_migrations
from handlers.moderation.migrations import moderation as moderation_migrations
from handlers.privacy.accounts import Account, link
from handlers.privacy.migrations import migrations as privacy_migrations
from schedules.ambassadors.selection import choose, score
from tests.report.dataset import acme_settings

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday: the look-back is weeks 45 to 48
WEEK = 7 * 86_400
MONDAY_W48 = int(datetime(2026, 11, 23, 12, 0, tzinfo=UTC).timestamp())


@pytest.fixture
def db(tmp_path):
    store = Store.open(tmp_path / "cmbot.db")
    apply_all(store.db, [engagement_migrations, moderation_migrations, privacy_migrations, ambassador_migrations])
    yield store.db
    store.close()


@pytest.fixture
def acme():
    return acme_settings().communities[0]


class Log:
    """Writes engagement rows the way the log does (ids and times only)."""

    def __init__(self, db) -> None:
        self.db = db
        self.next_id = 0

    def add(self, platform: str, member: str, kind: str, at: int, channel: str = "general",
            target: str | None = None) -> str:
        self.next_id += 1
        message_id = f"x{self.next_id}" if kind in ("message", "reply") else None
        help_row = int(channel.startswith("help") and kind in ("message", "reply"))
        self.db.execute(
            "INSERT INTO engagement_events (community, platform, channel_id, member_id, kind, at, message_id,"
            " target_id, help) VALUES ('acme', ?, ?, ?, ?, ?, ?, ?, ?)",
            [platform, channel, member, kind, at, message_id, target, help_row])
        self.db.conn.commit()
        return message_id or ""

    def helps(self, platform: str, helper: str, weeks: int, asker: str = "asker") -> None:
        """`helper` answers a question first in each of the last `weeks` weeks; the asker reacts."""
        channel = "help-d" if platform == "discord" else "help-s"
        for week in range(weeks):
            at = MONDAY_W48 - week * WEEK
            question = self.add(platform, asker, "message", at, channel)
            answer = self.add(platform, helper, "reply", at + 60, channel, question)
            self.add(platform, asker, "reaction", at + 120, channel, answer)


def names(picks):
    return [account for account, _ in picks]


def test_helpers_are_ranked_by_helpfulness_and_askers_are_not_proposed(db, acme):
    log = Log(db)
    log.helps("discord", "d1", 4)
    log.helps("discord", "d2", 2)
    for week in range(4):  # d3 talks a lot and helps nobody
        for n in range(20):
            log.add("discord", "d3", "message", MONDAY_W48 - week * WEEK + n)
    week, picks = choose(db, acme, NOW)
    assert week == "2026-W48"
    assert names(picks) == [("discord", "d1"), ("discord", "d2")]
    figures = dict(picks)[("discord", "d1")]
    assert (figures.first_responses, figures.helpful_replies, figures.active_weeks) == (4, 4, 4)
    assert figures.score == score(4, 4, 0, 4) == 36


def test_linked_accounts_add_up_to_one_candidate(db, acme):
    log = Log(db)
    log.helps("discord", "d1", 1)
    log.helps("slack", "s1", 1, asker="s9")
    assert choose(db, acme, NOW)[1] == []  # one week each: not regular enough apart
    log.helps("slack", "s1", 2, asker="s9")  # s1 now helps in weeks 47 and 48
    link(db, "acme", Account("discord", "d1"), Account("slack", "s1"), NOW)
    [(account, figures)] = choose(db, acme, NOW)[1]
    assert account == ("discord", "d1")  # named after the person's first account
    assert figures.first_responses == 4 and figures.active_weeks == 2  # 1 on Discord, 3 on Slack


def test_staff_opted_out_sanctioned_and_undecided_members_are_never_proposed(db, acme):
    log = Log(db)
    for member in ("staff", "quiet", "troll", "waiting", "snoozed", "old-snooze", "d1"):
        log.helps("discord", member, 3)
    db.execute("INSERT INTO engagement_staff VALUES ('acme', 'discord', 'staff', 1, 0)")
    db["members"].insert({"community": "acme", "platform": "discord", "member_id": "quiet", "opted_out": 1})
    db.execute(
        "INSERT INTO moderation_flags (community, platform, space_id, channel_id, message_id, member_id, severity,"
        " rules, shadow, source, excerpt, link, created_at, status, auto_action) VALUES ('acme', 'discord', 'g',"
        " 'general', 'm', 'troll', 'high', 'terms', 0, 'rules', '', '', ?, 'warned', 'flag')",
        [(NOW - timedelta(days=10)).isoformat()])
    records.add_candidates(db, "acme", "2026-W47", [(("discord", m), records.Figures(1, 1, 0, 2, 10))
                                                    for m in ("waiting", "snoozed", "old-snooze")], NOW)
    ids = {r[1]: r[0] for r in db.execute("SELECT id, member_id FROM ambassador_candidates")}
    assert records.decide(db, ids["snoozed"], records.DECLINED, ("discord", "cm"), NOW - timedelta(weeks=2))
    assert records.decide(db, ids["old-snooze"], records.DECLINED, ("discord", "cm"), NOW - timedelta(weeks=13))
    db.conn.commit()
    assert sorted(names(choose(db, acme, NOW)[1])) == [("discord", "d1"), ("discord", "old-snooze")]
    records.appoint(db, "acme", [("discord", "d1")], ("discord", "cm"), NOW)
    assert names(choose(db, acme, NOW)[1]) == [("discord", "old-snooze")]


def test_at_most_the_configured_number_of_candidates_best_first(db, acme):
    log = Log(db)
    for n in range(6):
        log.helps("discord", f"h{n}", 2 + n % 3)
    picks = choose(db, acme, NOW)[1]
    assert len(picks) == acme.ambassadors.candidates == 3
    scores = [f.score for _, f in picks]
    assert scores == sorted(scores, reverse=True)


def test_feedback_given_is_read_from_the_feedback_inbox(db, acme):
    apply_all(db, [feedback_migrations])
    log = Log(db)
    log.helps("discord", "d1", 2)
    for source in ("command", "channel", "mark"):  # /feedback, a feedback channel, a CM's 📝 mark
        db["feedback_items"].insert({"community": "acme", "platform": "discord", "member_id": "d1",
                                     "source": source, "kind": "idea", "created_at": MONDAY_W48, "status": "open"})
    db["feedback_items"].insert({"community": "acme", "platform": "discord", "member_id": "d1", "source": "command",
                                 "kind": "idea", "created_at": MONDAY_W48 - 8 * WEEK, "status": "open"})  # too old
    db.conn.commit()
    [(_, figures)] = choose(db, acme, NOW)[1]
    assert figures.feedback == 3 and figures.score == score(2, 2, 3, 2)
