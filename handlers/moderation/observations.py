"""Observations: flags raised only by rules or models in shadow mode, kept out of the moderators' queue.

A shadow rule acts on nothing; its flags are there to be measured. Posted one card each in the moderation
channel they bury the flags moderators must act on, so they go where `moderation.observations` says: a periodic
digest (the default: how many, by rule and model, and a few examples with links), one card each in a channel
of their own (`channels.observations`, where the buttons let moderators measure the rule), or nowhere but the
store (`moderation stats`). The flag is always written first; only where it is announced changes.

This module holds the routing, the digest's ledger (one row per community, platform and period, written as
`pending` when the period ends, `sending` just before the platform call and `posted` after it, so a failed post
is retried, a period is never summed twice, and a crash between the post and its mark is settled by looking the
post up by its key, never by posting it again) and the digest's content. Functions taking a database run on
the store's thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import sqlite_utils

from bot.actions import Content, Field
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.store.instants import utc_text
from bot.text import Link, Text
from config.settings import Community
from handlers.moderation.cards import rule_label

TABLE = "moderation_observation_digests"
PENDING, SENDING, POSTED, EMPTY = "pending", "sending", "posted", "empty"
SEVERITY_ORDER = "CASE f.severity WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END"
_MODEL = re.compile(r"^(abuse|spam|community) model\b")
CATCH_UP_LIMIT = timedelta(days=7)  # a digest after a long stop covers at most the last week


# -- routing ---------------------------------------------------------------------------------------------------
def card_channel(community: Community, platform: PlatformName) -> str | None:
    """Where an observation's own card goes: the observations channel when cards are asked for, else nowhere
    (the digest or the statistics show it). Never the moderation channel."""
    space = community.space(platform.value)
    if space is None or community.moderation.observations.delivery != "cards":
        return None
    return space.channels.observations


def digest_channel(community: Community, platform: PlatformName) -> str | None:
    """Where a platform's digest goes, or None when it has none (observations off, or sent as cards)."""
    space = community.space(platform.value)
    delivery = community.moderation.observations.delivery
    if space is None or delivery == "none" or (delivery == "cards" and space.channels.observations):
        return None
    return space.channels.observations or space.channels.moderation


def period_end(now: datetime, tz: tzinfo, hours: int) -> datetime:
    """The latest digest boundary at or before `now`: local hours that are multiples of `hours` (00:00 for a
    daily digest, 00:00, 06:00, 12:00 and 18:00 for every six hours), in UTC."""
    local = now.astimezone(tz)
    boundary = local.replace(hour=local.hour - local.hour % hours, minute=0, second=0, microsecond=0)
    return boundary.astimezone(UTC)


# -- the digest's ledger -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Period:
    community: str
    platform: str
    start: datetime
    end: datetime
    attempted_at: datetime | None = None  # set while `sending`: the post may be on the platform already

    @property
    def key(self) -> str:
        """The digest's idempotency key: the platform keeps it with the post, so the post can be found again."""
        return f"digest:{self.community}:{self.platform}:{utc_text(self.end)}"


def claim_periods(db: sqlite_utils.Database, community: str, platform: str, end: datetime,
                  hours: int) -> list[Period]:
    """The periods to send now, oldest first: those a failed post left `pending`, those a crash left `sending`
    (with the instant of the attempt), and the one ending at `end` if it is not in the ledger yet (written
    `pending` here, in the same transaction). The new period starts where the last one ended (at most a week
    back), or `hours` before `end` for the first digest ever."""
    last = db.execute(f"SELECT max(period_end) FROM {TABLE} WHERE community = ? AND platform = ?",
                      [community, platform]).fetchone()[0]
    if last is None or datetime.fromisoformat(last) < end:
        start = end - timedelta(hours=hours)
        if last is not None:
            start = max(datetime.fromisoformat(last), end - CATCH_UP_LIMIT)
        db.execute(f"INSERT INTO {TABLE} (community, platform, period_start, period_end, status)"
                   " VALUES (?, ?, ?, ?, ?)", [community, platform, utc_text(start), utc_text(end), PENDING])
        db.conn.commit()
    rows = db.execute(f"SELECT period_start, period_end, status, attempted_at FROM {TABLE} WHERE community = ?"
                      " AND platform = ? AND status IN (?, ?) ORDER BY period_end",
                      [community, platform, PENDING, SENDING]).fetchall()
    return [Period(community, platform, datetime.fromisoformat(start), datetime.fromisoformat(stop),
                   datetime.fromisoformat(attempted) if status == SENDING and attempted else None)
            for start, stop, status, attempted in rows]


def mark_sending(db: sqlite_utils.Database, period: Period, at: datetime) -> None:
    """Written (and committed) before the platform call: from here on the post may exist."""
    db.execute(f"UPDATE {TABLE} SET status = ?, attempted_at = ? WHERE community = ? AND platform = ?"
               " AND period_end = ?", [SENDING, utc_text(at), period.community, period.platform, utc_text(period.end)])
    db.conn.commit()


def release_period(db: sqlite_utils.Database, period: Period) -> None:
    """The platform refused the post: it does not exist, so the period goes back to `pending`."""
    db.execute(f"UPDATE {TABLE} SET status = ?, attempted_at = NULL WHERE community = ? AND platform = ?"
               " AND period_end = ?", [PENDING, period.community, period.platform, utc_text(period.end)])
    db.conn.commit()


def finish_period(db: sqlite_utils.Database, period: Period, status: str, at: datetime,
                  channel_id: str | None = None, message_id: str | None = None) -> None:
    db.execute(f"UPDATE {TABLE} SET status = ?, sent_at = ?, channel_id = ?, message_id = ?"
               " WHERE community = ? AND platform = ? AND period_end = ?",
               [status, utc_text(at), channel_id, message_id, period.community, period.platform, utc_text(period.end)])
    db.conn.commit()


@dataclass(frozen=True, slots=True)
class Posted:
    """A digest on the platform, to redraw once its examples' excerpts are erased."""

    period: Period
    channel_id: str
    message_id: str


def digests_to_redact(db: sqlite_utils.Database, community: str, before: datetime, limit: int) -> list[Posted]:
    """Posted digests whose whole period is older than `before` (so every excerpt they showed is erased) and that
    were not redrawn since: the oldest first, at most `limit`."""
    rows = db.execute(
        f"SELECT platform, period_start, period_end, channel_id, message_id FROM {TABLE} WHERE community = ?"
        " AND status = ? AND period_end <= ? AND message_id IS NOT NULL AND channel_id IS NOT NULL"
        " AND redacted_at IS NULL ORDER BY period_end LIMIT ?", [community, POSTED, utc_text(before), limit]).fetchall()
    return [Posted(Period(community, platform, datetime.fromisoformat(start), datetime.fromisoformat(end)),
                   channel, message) for platform, start, end, channel, message in rows]


def mark_digest_redacted(db: sqlite_utils.Database, period: Period, at: datetime) -> None:
    db.execute(f"UPDATE {TABLE} SET redacted_at = ? WHERE community = ? AND platform = ? AND period_end = ?",
               [utc_text(at), period.community, period.platform, utc_text(period.end)])
    db.conn.commit()


def digests(db: sqlite_utils.Database, community: str) -> list[dict[str, Any]]:
    return list(db.query(f"SELECT * FROM {TABLE} WHERE community = ? ORDER BY period_end, platform", [community]))


# -- what a period holds -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Example:
    flag_id: int
    severity: str
    rules: tuple[str, ...]
    excerpt: str
    link: str


@dataclass(frozen=True, slots=True)
class Summary:
    count: int
    by_source: tuple[tuple[str, int], ...]  # (rule, or "classifier:<model>", flags), most first
    examples: tuple[Example, ...]


def summarise(db: sqlite_utils.Database, period: Period, examples: int, kept_since: datetime) -> Summary:
    """The observations raised in the period on its platform: flags still in shadow (a flag a live rule joined
    since went to the moderators' queue), counted by rule and model, and the most severe few whose excerpt is
    still kept (`kept_since`: the retention period)."""
    window = [period.community, period.platform, utc_text(period.start), utc_text(period.end)]
    where = "f.community = ? AND f.platform = ? AND f.created_at >= ? AND f.created_at < ? AND f.shadow = 1"
    count = db.execute(f"SELECT count(*) FROM moderation_flags f WHERE {where}", window).fetchone()[0]
    if not count:
        return Summary(0, (), ())
    tally: dict[str, int] = {}
    for rule, detail in db.execute(
        f"SELECT r.rule, r.detail FROM moderation_flag_rules r JOIN moderation_flags f ON f.id = r.flag_id"
        f" WHERE {where} AND r.shadow = 1", window,
    ).fetchall():
        model = _MODEL.match(detail or "") if rule == "classifier" else None
        source = f"classifier:{model.group(1)}" if model else rule
        tally[source] = tally.get(source, 0) + 1
    picked = db.execute(
        f"SELECT f.id, f.severity, f.rules, f.excerpt, f.link FROM moderation_flags f WHERE {where}"
        f" AND f.excerpt IS NOT NULL AND f.created_at >= ? ORDER BY {SEVERITY_ORDER} DESC, f.created_at DESC,"
        " f.id DESC LIMIT ?", [*window, utc_text(kept_since), examples],
    ).fetchall() if examples else []
    return Summary(
        int(count),
        tuple(sorted(tally.items(), key=lambda item: (-item[1], item[0]))),
        tuple(Example(int(i), severity, tuple(rules.split(",")), excerpt, link or "")
              for i, severity, rules, excerpt, link in picked),
    )


# -- the digest as moderators read it --------------------------------------------------------------------------
def source_label(catalogue: Catalogue, locale: str, source: str) -> str:
    if source.startswith("classifier:"):
        return catalogue.string(locale, f"moderation.observations.model_{source.split(':', 1)[1]}")
    return rule_label(catalogue, locale, source)


def digest_content(summary: Summary, period: Period, catalogue: Catalogue, locale: str, tz: tzinfo) -> Content:
    """Counts by rule and model, then one field per example (its excerpt and a link), then how to measure."""
    def say(key: str, **values: Any) -> Text:
        return catalogue.text(locale, f"moderation.observations.{key}", **values)

    title = say("title", count=summary.count)
    lines = [say("source_line", source=source_label(catalogue, locale, source), count=n)
             for source, n in summary.by_source]
    body = Text.of(say("period", start=period.start.astimezone(tz), end=period.end.astimezone(tz)))
    fields = [Field(say("field_sources").plain(), _lines(lines), inline=False)]
    separator = catalogue.string(locale, "moderation.rules_separator")
    for example in summary.examples:
        rules = separator.join(rule_label(catalogue, locale, r) for r in example.rules)
        name = say("example_name", id=example.flag_id, severity=catalogue.text(
            locale, f"moderation.severity_{example.severity}"), rules=rules).plain()
        value = say("example_excerpt", excerpt=example.excerpt)
        if example.link:
            value = Text.of(value, "\n", Link(example.link, catalogue.string(locale, "moderation.open_message")))
        fields.append(Field(name, value, inline=False))
    return Content(text=body, title=title, fields=tuple(fields), footer=say("footer"))


def _lines(lines: list[Text]) -> Text:
    parts: list[Text | str] = []
    for index, line in enumerate(lines):
        if index:
            parts.append("\n")
        parts.append(line)
    return Text.of(*parts)
