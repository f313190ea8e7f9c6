"""A small community, hand-built, whose every figure for 2026-W47 is worked out in the tests.

Community "acme" (Europe/Paris, English) on Discord (help channel help-d, feedback channel fb-d) and Slack (help
channel help-s). W47 is Monday 16 to Sunday 22 November 2026; the report is built Monday 23 at 10:00 Paris.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlite_utils

from config.loader import parse_settings
from config.settings import Settings
from handlers.engagement.log import PublishedPosts, Row, write_rows

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS).astimezone(UTC)

ACME_TOML = """
[bot]
database = "cmbot.db"

[[communities]]
id = "acme"
name = "Acme"
locale = "en"
timezone = "Europe/Paris"

[communities.discord]
space_id = "G1"
roles = { cm = ["role-cm"], smm = ["role-smm"] }
channels = { strategy = "strat-d", help = ["help-d"], feedback = ["fb-d"] }

[communities.slack]
space_id = "T1"
roles = { cm = ["UCM"] }
channels = { strategy = "strat-s", help = ["help-s"] }
"""


def acme_settings(extra: str = "") -> Settings:
    return parse_settings(ACME_TOML + extra, "acme.toml")


def nov(day: int, hour: int, minute: int = 0) -> int:
    """Epoch seconds of a Paris wall-clock time in November 2026."""
    return int(datetime(2026, 11, day, hour, minute, tzinfo=PARIS).timestamp())


def row(platform: str, member: str, kind: str, at: int, channel: str = "", message_id: str | None = None,
        target: str | None = None) -> Row:
    help_row = 1 if channel in ("help-d", "help-s") and kind in ("message", "reply") else 0
    return ("acme", platform, channel, member, kind, at, message_id, target, help_row, None)


def members(db: sqlite_utils.Database) -> None:
    """13 known members; d6 leaves on Saturday 21 November, so 12 are present at the week's end."""
    for platform, names in (("discord", ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "dcm"]),
                            ("slack", ["s1", "s2", "s3"])):
        for name in names:
            left = datetime.fromtimestamp(nov(21, 12), UTC).isoformat() if name == "d6" else None
            db["members"].insert({"community": "acme", "platform": platform, "member_id": name,
                                  "display_name": name.upper(), "joined_at": "2026-01-01T00:00:00+00:00",
                                  "left_at": left, "opted_out": 0})


def calendar(db: sqlite_utils.Database) -> None:
    """Post 1 (campaign launch, pillar news) published on Discord Tuesday 17 at 10:00 as message p1; post 2
    scheduled for next week; post 3 a draft for next week (not counted)."""
    stamp = lambda epoch: datetime.fromtimestamp(epoch, UTC).isoformat(timespec="microseconds")  # noqa: E731
    base = {"community": "acme", "author_platform": "discord", "author_id": "smm", "body": "Big launch today",
            "timezone": "Europe/Paris", "campaign": "launch", "pillar": "news"}
    db["calendar_posts"].insert({**base, "id": 1, "status": "published", "published_at": stamp(nov(17, 10))})
    db["calendar_posts"].insert({**base, "id": 2, "status": "scheduled", "next_due_at": stamp(nov(25, 9))})
    db["calendar_posts"].insert({**base, "id": 3, "status": "draft", "next_due_at": stamp(nov(25, 9))})
    db["calendar_deliveries"].insert({
        "post_id": 1, "community": "acme", "due_at": stamp(nov(17, 10)), "platform": "discord",
        "channel_id": "announce", "idempotency_key": "k1", "status": "published", "message_id": "p1",
        "finished_at": stamp(nov(17, 10)),
    })


def events() -> list[Row]:
    d, s = "discord", "slack"
    return [
        # --- W47 ---
        row(d, "d1", "join", nov(16, 10)),
        row(d, "d1", "message", nov(16, 11), "general", "m100"),
        row(d, "d2", "join", nov(17, 10)),
        row(d, "d2", "reaction", nov(17, 12), "general", None, "m100"),
        row(d, "d3", "message", nov(18, 9), "help-d", "q1"),
        row(d, "d4", "reply", nov(18, 9, 30), "help-d", "r1", "q1"),
        row(d, "d3", "message", nov(19, 10), "help-d", "q2"),
        row(d, "d5", "message", nov(22, 20), "help-d", "q3"),
        row(d, "d4", "reply", nov(23, 8), "help-d", "r2", "q3"),  # W48, 12 h after q3
        row(d, "d4", "message", nov(20, 15), "fb-d", "f1"),
        row(d, "d6", "leave", nov(21, 12)),
        row(d, "dcm", "reaction", nov(20, 16), "general", None, "m100"),
        row(d, "dcm", "feedback_mark", nov(20, 16), "general", None, "m100"),
        row(d, "d4", "reply", nov(17, 11), "announce", "r3", "p1"),  # the scheduled post, within 24 h
        row(d, "d3", "reaction", nov(17, 12), "announce", None, "p1"),  # within 24 h
        row(d, "d4", "reaction", nov(19, 12), "announce", None, "p1"),  # within 7 days
        row(s, "s1", "join", nov(16, 9)),
        row(s, "s1", "message", nov(16, 9, 30), "general-s", "1.1"),
        row(s, "s2", "message", nov(17, 14), "help-s", "1.2"),
        row(s, "s1", "reply", nov(17, 16), "help-s", "1.3", "1.2"),
        row(s, "s3", "reaction", nov(18, 10), "general-s", None, "1.1"),
        # --- W46 (9-15 November) ---
        row(d, "d3", "message", nov(9, 10), "general", "m50"),
        row(d, "d5", "join", nov(10, 10)),
        row(d, "d7", "join", nov(11, 10)),
        row(s, "s2", "message", nov(11, 10), "general-s", "0.9"),
        # --- the regulars: d8 active W41-W43 then silent; d9 only two weeks; d3 active W41-W45 and still here ---
        *[row(d, "d8", "message", nov(1, 10) - 86400 * 7 * k, "general", f"o8{k}") for k in (1, 2, 3)],
        *[row(d, "d9", "message", nov(1, 10) - 86400 * 7 * k, "general", f"o9{k}") for k in (1, 2)],
        *[row(d, "d3", "reaction", nov(1, 10) - 86400 * 7 * k, "general", None, "x") for k in range(-1, 4)],
    ]


def inbox(db: sqlite_utils.Database) -> None:
    """The feedback inbox: in W47, f1 (posted in fb-d) and m100 (marked) on Discord, an idea from s1 on Slack
    acknowledged after 2 h and closed after 24 h, a complaint from d2 still open; in W46, a bug from d3 still
    open (the oldest). f1 was acknowledged after 1 h."""
    from handlers.feedback import inbox as items
    from handlers.feedback.migrations import migrations

    migrations.apply(db)  # the stores of other test folders were made without the inbox's tables

    def take(platform, member, source, kind, at, channel=None, message=None):
        draft = items.Draft("acme", platform, "G1" if platform == "discord" else "T1", member, member, source, kind,
                            channel, at, text="…" if source == "command" else None, message_id=message)
        return items.record(db, draft)[0]

    d, s = "discord", "slack"
    f1 = take(d, "d4", "channel", "unsorted", nov(20, 15), "fb-d", "f1")
    take(d, "d1", "mark", "unsorted", nov(20, 16), "general", "m100")
    idea = take(s, "s1", "command", "idea", nov(17, 10), "general-s")
    take(d, "d2", "command", "complaint", nov(21, 9), "general")
    take(d, "d3", "command", "bug", nov(12, 10), "general")
    items.decide(db, f1, "ack", "dcm", "Claire", nov(20, 16))
    items.decide(db, idea, "ack", "UCM", "Claire", nov(17, 12))
    items.decide(db, idea, "done", "UCM", "Claire", nov(18, 10))


def load(db: sqlite_utils.Database) -> None:
    members(db)
    inbox(db)
    calendar(db)
    write_rows(db, events(), PublishedPosts())
