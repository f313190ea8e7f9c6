"""Kinds of calendar post besides the SMM's own message (a poll): how another feature rides on the calendar.

The content calendar owns scheduling, approval and exactly-once delivery. A feature whose messages deserve the
same care (polls) registers a `PostKind` here and submits its posts with `PostKinds.submit`: the calendar keeps
the post (a summary to preview, and `ref`, the feature's own id for it), asks the kind for each platform's
message when it is due, and tells the kind where each one was published. The calendar's front door sets
`submit`; the kinds are looked up when a post is due, so the order in which features install does not matter.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.actions import Content
from config.settings import Community

log = logging.getLogger(__name__)
# Why a kind's post will not go out as things stand: a CM cancelled or rejected it, it expired without a
# decision, or every platform refused it.
Withdrawal = Literal["cancelled", "rejected", "expired", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class Published:
    """One platform message of a kind's post, just published (or found after a crash)."""

    ref: str
    platform: str
    channel_id: str
    message_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PostKind:
    """`content(ref, platform, community)`: the message to send on that platform; `published(...)`: what the
    feature does once it is out (a poll opens and its closing is scheduled). Both must be idempotent: after a
    crash the calendar may ask again for a post it had already sent.

    `withdrawn(ref, why)`: the post will not go out as things stand (cancelled, rejected, expired, failed, skipped), so
    the feature's own record stops saying it waits; `resubmitted(ref)`: a withdrawn post was rescheduled and
    waits again. Both optional, both idempotent."""

    name: str
    content: Callable[[str, str, Community], Awaitable[Content]]
    published: Callable[[Published], Awaitable[None]]
    withdrawn: Callable[[str, Withdrawal], Awaitable[None]] | None = None
    resubmitted: Callable[[str], Awaitable[None]] | None = None


@dataclass(frozen=True, slots=True)
class KindDraft:
    """A post of a kind, as a feature submits it. `summary` is plain text for previews and lists (never sent
    as markup); `targets` are (platform, channel id) pairs; no `publish_at` means as soon as allowed."""

    community: str
    kind: str
    ref: str
    summary: str
    author_platform: str
    author_id: str
    author_name: str
    targets: tuple[tuple[str, str], ...]
    timezone: str
    publish_at: datetime | None = None
    campaign: str | None = None


@dataclass(frozen=True, slots=True)
class Submitted:
    """What the calendar did with a submission: a sentence (catalogue key and values), the post's id when it
    was created, and one (key, values) per problem when it was refused."""

    ok: bool
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    post_id: int | None = None
    problems: tuple[tuple[str, dict[str, Any]], ...] = ()


Submit = Callable[[KindDraft, Community], Awaitable[Submitted]]


class PostKinds:
    def __init__(self) -> None:
        self._kinds: dict[str, PostKind] = {}
        self.submit: Submit | None = None  # set by the calendar's front door

    def register(self, kind: PostKind) -> None:
        if kind.name in self._kinds or kind.name == "message":
            raise ValueError(f"post kind {kind.name!r} is defined twice")
        self._kinds[kind.name] = kind

    def get(self, name: str) -> PostKind | None:
        return self._kinds.get(name)

    async def withdraw(self, name: str, ref: str | None, why: Withdrawal) -> None:
        """Tell a post's kind that it was withdrawn; a failure there never undoes the calendar's decision."""
        kind = self._kinds.get(name)
        if kind is None or kind.withdrawn is None or ref is None:
            return
        try:
            await kind.withdrawn(ref, why)
        except Exception:
            log.exception("the %s %s could not record that its post was %s", name, ref, why)

    async def resubmit(self, name: str, ref: str | None) -> None:
        """Tell a post's kind that its withdrawn post waits to go out again (rescheduled)."""
        kind = self._kinds.get(name)
        if kind is None or kind.resubmitted is None or ref is None:
            return
        try:
            await kind.resubmitted(ref)
        except Exception:
            log.exception("the %s %s could not record that its post was rescheduled", name, ref)

    async def submit_post(self, draft: KindDraft, community: Community) -> Submitted:
        if self.submit is None:  # a build without the calendar: nothing can schedule the post
            return Submitted(False, "calendar.answer.disabled")
        return await self.submit(draft, community)
