"""The traffic tables, one function per schema change.

`traffic_visits` holds what the web analytics counted: visits and conversions per local day, utm source,
medium and campaign (no visitor, no member: aggregates only). `traffic_days` says which days are known and
where from (`origin`: ga4, matomo or plausible; `via`: file or api), so a report can tell "no traffic" from
"no data". `traffic_invites` are the tracked invite links, one per campaign and source; `traffic_joins` the
source each arrival is attributed to (a member id, so it is personal data: forget-me erases it).
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("traffic")

VISITS = "traffic_visits"
DAYS = "traffic_days"
INVITES = "traffic_invites"
JOINS = "traffic_joins"


@migrations()
def m001_visits(db: sqlite_utils.Database) -> None:
    db.table(VISITS).create(
        {"community": str, "day": str, "source": str, "medium": str, "campaign": str, "visits": int,
         "conversions": int},
        pk=("community", "day", "source", "medium", "campaign"),
        not_null={"visits"},
    )
    db.table(DAYS).create(
        {"community": str, "day": str, "origin": str, "via": str, "loaded_at": str},
        pk=("community", "day"),
        not_null={"origin", "via", "loaded_at"},
    )


@migrations()
def m002_invites(db: sqlite_utils.Database) -> None:
    db.table(INVITES).create(
        {"platform": str, "code": str, "community": str, "space_id": str, "campaign": str, "source": str,
         "channel_id": str, "url": str, "created_by": str, "created_at": str, "deleted_at": str},
        pk=("platform", "code"),
        not_null={"community", "campaign", "source", "created_at"},
    )
    db.execute(f"CREATE INDEX idx_{INVITES}_campaign ON {INVITES} (community, campaign, source)")
    db.table(JOINS).create(
        {"id": int, "community": str, "platform": str, "member_id": str, "joined_at": int, "code": str,
         "campaign": str, "source": str, "attribution": str},
        pk="id",
        not_null={"community", "platform", "member_id", "joined_at", "attribution"},
    )
    db.execute(f"CREATE INDEX idx_{JOINS}_at ON {JOINS} (community, joined_at)")
    db.execute(f"CREATE INDEX idx_{JOINS}_member ON {JOINS} (community, platform, member_id)")
