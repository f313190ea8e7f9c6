"""The survey tables' owner: every read and write of `surveys`, `survey_recipients`, `survey_answers` and
`survey_optouts` goes through here (the report and the clock work ask these functions, never the tables).

Times are UTC epoch seconds. Each function takes the sqlite-utils database and runs on the store's thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sqlite_utils

from handlers.privacy.accounts import Account, accounts_of
from handlers.surveys.migrations import ANSWERS, OPTOUTS, RECIPIENTS, SURVEYS

KINDS = ("nps", "csat")
REPEATS = ("month", "quarter")  # how often a survey may come back: the usual rhythms of NPS and CSAT programmes
SCALES = {"nps": (0, 10), "csat": (1, 5)}


@dataclass(frozen=True, slots=True)
class Survey:
    id: int
    community: str
    kind: str
    question: str
    delivery: str  # channel | dm
    platform: str
    channel_id: str | None
    message_id: str | None
    status: str  # scheduled | open | closed
    starts_at: int
    closes_at: int
    created_by: str
    every: str | None = None  # month | quarter: it comes back; None: once
    series_start: int | None = None  # the first start of a recurring series, the next starts are counted from

    @property
    def scale(self) -> tuple[int, int]:
        return SCALES[self.kind]


@dataclass(frozen=True, slots=True)
class NewSurvey:
    community: str
    kind: str
    question: str
    delivery: str
    platform: str
    channel_id: str | None
    starts_at: int
    closes_at: int
    created_by: str
    created_at: int
    every: str | None = None
    series_start: int | None = None

    def following(self, starts_at: int, created_at: int) -> NewSurvey:
        """The same survey again from `starts_at`, open as long."""
        return replace(self, starts_at=starts_at, closes_at=starts_at + self.closes_at - self.starts_at,
                       created_at=created_at)


@dataclass(frozen=True, slots=True)
class Recipient:
    survey_id: int
    platform: str
    member_id: str


_COLUMNS = ("id, community, kind, question, delivery, platform, channel_id, message_id, status, starts_at, "
            "closes_at, created_by, every, series_start")


def _survey(row: tuple) -> Survey:
    return Survey(*row)


def create(db: sqlite_utils.Database, new: NewSurvey, status: str) -> Survey:
    with db.atomic():
        survey_id = _insert(db, new, status)
    found = get(db, survey_id)
    assert found is not None
    return found


def _insert(db: sqlite_utils.Database, new: NewSurvey, status: str) -> int:
    cursor = db.execute(
        f"INSERT INTO {SURVEYS} (community, kind, question, delivery, platform, channel_id, status, starts_at,"
        " closes_at, created_by, created_at, every, series_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [new.community, new.kind, new.question, new.delivery, new.platform, new.channel_id, status,
         new.starts_at, new.closes_at, new.created_by, new.created_at, new.every,
         new.series_start if new.series_start is not None or new.every is None else new.starts_at],
    )
    return int(cursor.lastrowid or 0)


def as_new(survey: Survey, created_at: int) -> NewSurvey:
    """A survey's settings, to schedule it again (its channel post, status and answers are its own)."""
    channel = survey.channel_id if survey.delivery == "channel" else None
    return NewSurvey(community=survey.community, kind=survey.kind, question=survey.question,
                     delivery=survey.delivery, platform=survey.platform, channel_id=channel,
                     starts_at=survey.starts_at, closes_at=survey.closes_at, created_by=survey.created_by,
                     created_at=created_at, every=survey.every, series_start=survey.series_start)


def get(db: sqlite_utils.Database, survey_id: int) -> Survey | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM {SURVEYS} WHERE id = ?", [survey_id]).fetchone()
    return _survey(row) if row else None


def of_community(db: sqlite_utils.Database, community: str, limit: int = 10) -> list[Survey]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM {SURVEYS} WHERE community = ? ORDER BY id DESC LIMIT ?",
                      [community, limit]).fetchall()
    return [_survey(r) for r in rows]


def with_status(db: sqlite_utils.Database, status: str) -> list[Survey]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM {SURVEYS} WHERE status = ? ORDER BY id", [status]).fetchall()
    return [_survey(r) for r in rows]


@dataclass(frozen=True, slots=True)
class TickView:
    """What the minute tick needs to know before doing anything, in one read: whether any DM waits to be sent
    or edited closed, and the next start and close (epoch seconds; None when no survey is scheduled or open)."""

    dms_waiting: bool
    next_start: int | None
    next_close: int | None

    def idle_until(self, now: int) -> int | None:
        """None when the tick has work now; else the epoch second before which it has none (0: never)."""
        due = [t for t in (self.next_start, self.next_close) if t is not None]
        if self.dms_waiting or any(t <= now for t in due):
            return None
        return min(due, default=0)


def tick_view(db: sqlite_utils.Database) -> TickView:
    (start,) = db.execute(f"SELECT min(starts_at) FROM {SURVEYS} WHERE status = 'scheduled'").fetchone()
    (close,) = db.execute(f"SELECT min(closes_at) FROM {SURVEYS} WHERE status = 'open'").fetchone()
    waiting = db.execute(
        f"SELECT EXISTS (SELECT 1 FROM {RECIPIENTS} WHERE status = 'pending') OR EXISTS (SELECT 1 FROM {RECIPIENTS} r"
        f" JOIN {SURVEYS} s ON s.id = r.survey_id WHERE s.status = 'closed' AND r.status = 'sent'"
        " AND r.message_id IS NOT NULL AND r.channel_id IS NOT NULL AND r.closed_edit_at IS NULL)").fetchone()[0]
    return TickView(bool(waiting), start, close)


def open_survey(db: sqlite_utils.Database, survey_id: int, following: NewSurvey | None = None) -> bool:
    """scheduled -> open, once (a second start of the same survey does nothing). A recurring survey's next one
    (`following`) is written, scheduled, in the same transaction: exactly one per opening, restarts included."""
    with db.atomic():
        opened = db.execute(f"UPDATE {SURVEYS} SET status = 'open' WHERE id = ? AND status = 'scheduled'",
                            [survey_id]).rowcount == 1
        if opened and following is not None:
            _insert(db, following, "scheduled")
    return opened


def set_message(db: sqlite_utils.Database, survey_id: int, channel_id: str | None, message_id: str | None) -> None:
    with db.atomic():
        db.execute(f"UPDATE {SURVEYS} SET channel_id = coalesce(?, channel_id), message_id = ? WHERE id = ?",
                   [channel_id, message_id, survey_id])


def close(db: sqlite_utils.Database, survey_id: int, now: int) -> bool:
    """Close a survey once: no more answers or changes; DMs not sent yet are skipped. False if already closed."""
    with db.atomic():
        closed = db.execute(
            f"UPDATE {SURVEYS} SET status = 'closed', closes_at = min(closes_at, ?) WHERE id = ?"
            " AND status != 'closed'",
            [now, survey_id],
        ).rowcount == 1
        if closed:
            db.execute(f"UPDATE {RECIPIENTS} SET status = 'skipped' WHERE survey_id = ? AND status = 'pending'",
                       [survey_id])
    return closed


# -- recipients: the DM queue and the "never twice in the period" memory --------------------------------------

def recently_asked(db: sqlite_utils.Database, community: str, platform: str, since: int) -> set[str]:
    """Members queued or sent a survey at or after `since` (a failed or skipped DM did not reach them)."""
    rows = db.execute(
        f"SELECT DISTINCT member_id FROM {RECIPIENTS} WHERE community = ? AND platform = ? AND queued_at >= ?"
        " AND status IN ('pending', 'sending', 'sent')",
        [community, platform, since],
    ).fetchall()
    return {r[0] for r in rows}


def last_asked(db: sqlite_utils.Database, community: str, platform: str) -> dict[str, int]:
    """When each member of `platform` was last queued a survey (as far as the DM memory goes back)."""
    rows = db.execute(f"SELECT member_id, max(queued_at) FROM {RECIPIENTS} WHERE community = ? AND platform = ?"
                      " GROUP BY member_id", [community, platform]).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def queue(db: sqlite_utils.Database, survey: Survey, accounts: list[tuple[str, str]], now: int) -> int:
    """Queue the DMs of a survey to `accounts` ((platform, member id): a survey asks on every platform)."""
    with db.atomic():
        db.conn.executemany(
            f"INSERT OR IGNORE INTO {RECIPIENTS} (survey_id, community, platform, member_id, status, queued_at)"
            " VALUES (?, ?, ?, ?, 'pending', ?)",
            [(survey.id, survey.community, platform, member_id, now) for platform, member_id in accounts],
        )
    return len(accounts)


def claim_pending(db: sqlite_utils.Database, survey_id: int, limit: int) -> list[Recipient]:
    """Take up to `limit` pending DMs of a survey and mark them `sending` (a crash leaves them `sending`, counted
    as sent at the next start: a member is never asked twice on a guess)."""
    with db.atomic():
        rows = db.execute(
            f"SELECT survey_id, platform, member_id FROM {RECIPIENTS} WHERE survey_id = ? AND status = 'pending'"
            " ORDER BY queued_at, member_id LIMIT ?", [survey_id, limit],
        ).fetchall()
        db.conn.executemany(f"UPDATE {RECIPIENTS} SET status = 'sending' WHERE survey_id = ? AND platform = ?"
                       " AND member_id = ?", rows)
    return [Recipient(*r) for r in rows]


def finish_send(db: sqlite_utils.Database, recipient: Recipient, ok: bool, now: int, channel_id: str | None,
                message_id: str | None) -> None:
    with db.atomic():
        db.execute(
            f"UPDATE {RECIPIENTS} SET status = ?, sent_at = ?, channel_id = ?, message_id = ? WHERE survey_id = ?"
            " AND platform = ? AND member_id = ?",
            ["sent" if ok else "failed", now, channel_id, message_id, recipient.survey_id, recipient.platform,
             recipient.member_id],
        )


def settle_interrupted(db: sqlite_utils.Database) -> int:
    """At start: DMs left `sending` by a crash may have gone out; count them as sent."""
    with db.atomic():
        return db.execute(f"UPDATE {RECIPIENTS} SET status = 'sent' WHERE status = 'sending'").rowcount


def sent_since(db: sqlite_utils.Database, community: str, since: int) -> int:
    """DMs tried (sent or refused) at or after `since`: what the rate limit has already spent."""
    (count,) = db.execute(f"SELECT count(*) FROM {RECIPIENTS} WHERE community = ? AND sent_at >= ?",
                          [community, since]).fetchone()
    return int(count)


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A survey DM (or its fallback post in a channel) that went out: where it is, to edit it once closed."""

    survey_id: int
    platform: str
    member_id: str
    channel_id: str
    message_id: str


def closed_unedited(db: sqlite_utils.Database, community: str, limit: int) -> list[SentMessage]:
    """Up to `limit` DMs of the community's closed surveys still showing their buttons, oldest first."""
    rows = db.execute(
        f"SELECT r.survey_id, r.platform, r.member_id, r.channel_id, r.message_id FROM {RECIPIENTS} r"
        f" JOIN {SURVEYS} s ON s.id = r.survey_id WHERE r.community = ? AND s.status = 'closed'"
        " AND r.status = 'sent' AND r.message_id IS NOT NULL AND r.channel_id IS NOT NULL"
        " AND r.closed_edit_at IS NULL ORDER BY r.sent_at, r.member_id LIMIT ?", [community, limit],
    ).fetchall()
    return [SentMessage(*r) for r in rows]


def mark_closed_edit(db: sqlite_utils.Database, message: SentMessage, now: int) -> None:
    with db.atomic():
        db.execute(f"UPDATE {RECIPIENTS} SET closed_edit_at = ? WHERE survey_id = ? AND platform = ?"
                   " AND member_id = ?", [now, message.survey_id, message.platform, message.member_id])


def edited_since(db: sqlite_utils.Database, community: str, since: int) -> int:
    """DMs edited (closed) at or after `since`: they spend the same per-minute budget as sending."""
    (count,) = db.execute(f"SELECT count(*) FROM {RECIPIENTS} WHERE community = ? AND closed_edit_at >= ?",
                          [community, since]).fetchone()
    return int(count)


def recipient_counts(db: sqlite_utils.Database, survey_id: int) -> dict[str, int]:
    rows = db.execute(f"SELECT status, count(*) FROM {RECIPIENTS} WHERE survey_id = ? GROUP BY status",
                      [survey_id]).fetchall()
    return {status: count for status, count in rows}


def was_sent_to(db: sqlite_utils.Database, survey_id: int, platform: str, member_id: str) -> bool:
    row = db.execute(f"SELECT 1 FROM {RECIPIENTS} WHERE survey_id = ? AND platform = ? AND member_id = ?",
                     [survey_id, platform, member_id]).fetchone()
    return row is not None


# -- answers --------------------------------------------------------------------------------------------------

def record_answer(db: sqlite_utils.Database, survey: Survey, platform: str, member_id: str, score: int,
                  now: int) -> bool:
    """One answer per member and survey: a new click replaces the score (until the survey closes). Returns
    True for a first answer, False for a change."""
    with db.atomic():
        before = db.execute(f"SELECT 1 FROM {ANSWERS} WHERE survey_id = ? AND platform = ? AND member_id = ?",
                            [survey.id, platform, member_id]).fetchone()
        db.execute(
            f"INSERT INTO {ANSWERS} (survey_id, community, platform, member_id, score, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (survey_id, platform, member_id) DO UPDATE SET"
            " score = excluded.score, answered_at = excluded.answered_at",
            [survey.id, survey.community, platform, member_id, score, now],
        )
    return before is None


def answer_of(db: sqlite_utils.Database, survey_id: int, platform: str, member_id: str) -> tuple[int, str] | None:
    row = db.execute(f"SELECT score, coalesce(comment, '') FROM {ANSWERS} WHERE survey_id = ? AND platform = ?"
                     " AND member_id = ?", [survey_id, platform, member_id]).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def record_comment(db: sqlite_utils.Database, survey_id: int, platform: str, member_id: str, comment: str,
                   now: int) -> bool:
    """Attach (or replace, or with an empty text remove) the comment of an existing answer."""
    with db.atomic():
        return db.execute(
            f"UPDATE {ANSWERS} SET comment = ?, commented_at = ? WHERE survey_id = ? AND platform = ?"
            " AND member_id = ?",
            [comment or None, now if comment else None, survey_id, platform, member_id],
        ).rowcount == 1


def scores_of(db: sqlite_utils.Database, survey_id: int) -> list[int]:
    return [r[0] for r in db.execute(f"SELECT score FROM {ANSWERS} WHERE survey_id = ?", [survey_id])]


def comments_of(db: sqlite_utils.Database, survey_id: int) -> list[tuple[int, str]]:
    """(score, comment) pairs, newest first (a card too long for the platform loses the oldest), with no member
    id: what the staff may read."""
    rows = db.execute(f"SELECT score, comment FROM {ANSWERS} WHERE survey_id = ? AND comment IS NOT NULL"
                      " ORDER BY commented_at DESC, rowid DESC", [survey_id]).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


def available(db: sqlite_utils.Database) -> bool:
    """Whether this database has the survey tables (a build or a test without the surveys feature has not)."""
    return db[ANSWERS].exists()


def week_scores(db: sqlite_utils.Database, community: str, kind: str, start: int, end: int,
                platform: str | None = None) -> list[int]:
    """The scores of `kind` answered (or last changed) in [start, end), for the report: aggregates only."""
    where, params = ("", []) if platform is None else (" AND a.platform = ?", [platform])
    rows = db.execute(
        f"SELECT a.score FROM {ANSWERS} a JOIN {SURVEYS} s ON s.id = a.survey_id WHERE a.community = ?"
        f" AND s.kind = ? AND a.answered_at >= ? AND a.answered_at < ?{where}",
        [community, kind, start, end, *params],
    ).fetchall()
    return [int(r[0]) for r in rows]


# -- opt-outs -------------------------------------------------------------------------------------------------

def set_opt_out(db: sqlite_utils.Database, community: str, platform: str, member_id: str, opted_out: bool,
                now: int) -> None:
    with db.atomic():
        if opted_out:
            db.execute(f"INSERT OR IGNORE INTO {OPTOUTS} (community, platform, member_id, at) VALUES (?, ?, ?, ?)",
                       [community, platform, member_id, now])
        else:
            db.execute(f"DELETE FROM {OPTOUTS} WHERE community = ? AND platform = ? AND member_id = ?",
                       [community, platform, member_id])


def set_opt_out_linked(db: sqlite_utils.Database, community: str, platform: str, member_id: str, opted_out: bool,
                       now: int) -> None:
    """Opt a member out (or back in) on this account and every account linked to it: one person, one choice."""
    for account in accounts_of(db, community, Account(platform, member_id)):
        set_opt_out(db, community, account.platform, account.member_id, opted_out, now)


def opted_out(db: sqlite_utils.Database, community: str, platform: str) -> set[str]:
    rows = db.execute(f"SELECT member_id FROM {OPTOUTS} WHERE community = ? AND platform = ?",
                      [community, platform]).fetchall()
    return {r[0] for r in rows}


def is_opted_out(db: sqlite_utils.Database, community: str, platform: str, member_id: str) -> bool:
    return member_id in opted_out(db, community, platform)


# -- retention ------------------------------------------------------------------------------------------------

def purge(db: sqlite_utils.Database, community: str, comments_before: int, answers_before: int,
          recipients_before: int) -> tuple[int, int, int]:
    """Erase comments older than `comments_before`, answers older than `answers_before` and the DM memory
    older than `recipients_before` (all epoch seconds). Returns how many of each."""
    with db.atomic():
        comments = db.execute(
            f"UPDATE {ANSWERS} SET comment = NULL, commented_at = NULL WHERE community = ? AND comment IS NOT NULL"
            " AND coalesce(commented_at, answered_at) < ?", [community, comments_before]).rowcount
        answers = db.execute(f"DELETE FROM {ANSWERS} WHERE community = ? AND answered_at < ?",
                             [community, answers_before]).rowcount
        recipients = db.execute(f"DELETE FROM {RECIPIENTS} WHERE community = ? AND queued_at < ?"
                                " AND status NOT IN ('pending', 'sending')", [community, recipients_before]).rowcount
    return comments, answers, recipients
