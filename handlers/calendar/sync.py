"""Imports that are safe to re-run, and the calendar written back in the import format.

Each row has a stable key stored with the post (`import_key`): the file's `key` column when it has one, else a
digest of where and when the row publishes (targets, time or recurrence, campaign), so that re-importing the same
file finds the posts it made. A row is then *new*, *unchanged*, *changed* (a post not published yet is updated
in place) or *changed but already published* (left as it is: what went out cannot be re-sent). `export` writes
the community's posts with their keys in the same columns, so export → import is lossless and says "unchanged".
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils
import yaml

from handlers.calendar import posts as ledger
from handlers.calendar.lifecycle import EDITABLE, Status, submitted_status
from handlers.calendar.posts import CalendarPost, PostDraft

KEY_FIELD = "key"
COLUMNS = ("key", "at", "to", "body", "campaign", "pillar", "cron", "until", "count", "discord", "slack",
           "attachments", "utm")
ACTIVE = frozenset({Status.DRAFT, Status.PENDING, Status.SCHEDULED, Status.SENDING, Status.MISSED, Status.FAILED,
                    Status.EXPIRED})


class RowChange(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    PUBLISHED = "published"  # changed, but the post already went out: left as it is


def row_key(fields: dict[str, str]) -> str:
    """The row's identity across imports: its `key` column, else where and when it publishes."""
    explicit = fields.get(KEY_FIELD, "").strip()
    if explicit:
        return explicit
    slot = "\x1f".join(" ".join(fields.get(name, "").split()).casefold()
                       for name in ("to", "at", "every", "cron", "campaign"))
    return "auto-" + hashlib.sha256(slot.encode("utf-8")).hexdigest()[:16]


def _shape(body: str, targets, cron, until, max_count, variants, attachments, campaign, pillar, utm,
           publish_at) -> tuple:
    return (body, tuple(sorted(str(t) for t in targets)), cron, until, max_count, tuple(sorted(variants.items())),
            tuple(attachments), campaign or None, pillar or None, bool(utm), None if cron else publish_at)


def draft_shape(draft: PostDraft) -> tuple:
    return _shape(draft.body, draft.targets, draft.cron, draft.until, draft.max_count, draft.variants,
                  draft.attachments, draft.campaign, draft.pillar, draft.utm, draft.publish_at)


def post_shape(post: CalendarPost) -> tuple:
    return _shape(post.body, post.targets, post.cron, post.until, post.max_count, post.variants, post.attachments,
                  post.campaign, post.pillar, post.utm, post.publish_at)


def find_by_key(db: sqlite_utils.Database, community: str, key: str) -> CalendarPost | None:
    row = db.execute("SELECT id FROM calendar_posts WHERE community = ? AND import_key = ? ORDER BY id DESC LIMIT 1",
                     [community, key]).fetchone()
    if row is None and (own := re.fullmatch(r"post-(\d+)", key)):  # exported from a post made by a command
        post = ledger.get_post(db, int(own.group(1)))
        return post if post is not None and post.community == community else None
    return ledger.get_post(db, row[0]) if row else None


@dataclass(frozen=True)
class Planned:
    key: str
    change: RowChange
    post_id: int | None


def plan(db: sqlite_utils.Database, community: str, key: str, draft: PostDraft) -> Planned:
    existing = find_by_key(db, community, key)
    if existing is None or existing.status is Status.CANCELLED:
        return Planned(key, RowChange.NEW, None)
    if post_shape(existing) == draft_shape(draft):
        return Planned(key, RowChange.UNCHANGED, existing.id)
    if existing.status in EDITABLE:
        return Planned(key, RowChange.CHANGED, existing.id)
    return Planned(key, RowChange.PUBLISHED, existing.id)


def apply(db: sqlite_utils.Database, planned: Planned, draft: PostDraft, approval_required: bool,
          now: datetime) -> int | None:
    """Carry out one planned row; returns the post id created or updated (None when nothing was done)."""
    if planned.change is RowChange.NEW:
        with db.atomic():  # the post and its import key together: a re-import never finds it keyless
            post_id = ledger.create_post(db, draft, submitted_status(approval_required), now)
            db.execute("UPDATE calendar_posts SET import_key = ? WHERE id = ?", [planned.key, post_id])
        return post_id
    if planned.change is not RowChange.CHANGED or planned.post_id is None:
        return None
    post = ledger.get_post(db, planned.post_id)
    if post is None:
        return None
    ledger.update_content(db, post.id, {
        "body": draft.body, "variants": draft.variants, "attachments": list(draft.attachments),
        "campaign": draft.campaign, "pillar": draft.pillar, "utm": int(draft.utm),
    }, draft.targets)
    status = post.status
    if status not in {Status.DRAFT}:  # a changed post is submitted again, as a command would
        status = submitted_status(approval_required)
    ledger.transition(db, post.id, status, draft.author, now, action="import", publish_at=draft.publish_at,
                      next_due_at=draft.publish_at if status is not Status.DRAFT else None, cron=draft.cron,
                      until=draft.until, max_count=draft.max_count, occurrences_done=0,
                      approved_by=post.approved_by if status is Status.SCHEDULED else None)
    return post.id


# -- export -----------------------------------------------------------------------------------------------------
def _local(instant: datetime | None, zone: str) -> str:
    if instant is None:
        return ""
    local = instant.astimezone(ZoneInfo(zone))
    if (local.hour, local.minute, local.second) == (23, 59, 59):  # an end date: the whole day
        return f"{local:%Y-%m-%d}"
    return f"{local:%Y-%m-%d %H:%M}"


def export_rows(db: sqlite_utils.Database, community: str) -> list[dict[str, str]]:
    """Every post not cancelled nor published, in the import format, oldest first."""
    ids = [r[0] for r in db.execute(
        f"SELECT id FROM calendar_posts WHERE community = ? AND status IN ({','.join('?' * len(ACTIVE))}) "
        "ORDER BY COALESCE(next_due_at, publish_at, created_at), id", [community, *(s.value for s in ACTIVE)])]
    rows = []
    for post_id in ids:
        post = ledger.get_post(db, post_id)
        if post is None:
            continue
        key = db.execute("SELECT import_key FROM calendar_posts WHERE id = ?", [post_id]).fetchone()[0]
        rows.append({
            "key": key or f"post-{post.id}",
            "at": "" if post.cron else _local(post.publish_at, post.timezone),
            "to": ",".join(str(t) for t in post.targets),
            "body": post.body,
            "campaign": post.campaign or "",
            "pillar": post.pillar or "",
            "cron": post.cron or "",
            "until": _local(post.until, post.timezone),
            "count": str(post.max_count) if post.max_count else "",
            "discord": post.variants.get("discord", ""),
            "slack": post.variants.get("slack", ""),
            "attachments": " ".join(post.attachments),
            "utm": "yes" if post.utm else "no",
        })
    return rows


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    elif suffix in {".yml", ".yaml"}:
        kept = [{k: v for k, v in row.items() if v != ""} for row in rows]
        path.write_text(yaml.safe_dump({"posts": kept}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    else:
        raise ValueError(f"{path}: use a .csv, .yml or .yaml file")
