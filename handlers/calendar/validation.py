"""Checking a post when it is drafted, not when it is due: every mistake is one sentence naming the field.

Length limits apply to the exact text each platform will receive (its variant or the body, with UTM tags).
Slack shows our post as section blocks, one per paragraph: each at most 3,000 characters, the message at most
40,000. Whether a channel exists and the bot may post there is asked of the adapter when it can tell
(`channel_access`), since only the adapter knows the platform's permissions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from bot.events import PlatformName
from bot.outbox import Outbox
from config.settings import Community
from handlers.calendar.posts import PostDraft, Target
from handlers.calendar.preview import text_for_platform
from handlers.calendar.recurrence import Recurrence, RecurrenceError

DISCORD_CONTENT_LIMIT = 2000
SLACK_SECTION_LIMIT = 3000
SLACK_MESSAGE_LIMIT = 40_000
CONSOLE_LIMIT = 40_000
CAMPAIGN = re.compile(r"^[\w.\-]{1,60}$")
CHANNEL_MENTION = re.compile(r"^<#([^>|]+)(?:\|[^>]*)?>$")  # a channel picked in Discord (<#1>) or Slack (<#C1|x>)


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation error: a catalogue key (`calendar.invalid.*`) and the values its sentence names."""

    key: str
    values: dict[str, str | int] = field(default_factory=dict)


@runtime_checkable
class ChannelAccess(Protocol):
    """Optional adapter method: "ok", "missing" (no such channel) or "forbidden" (cannot post); None: unknown."""

    async def channel_access(self, channel_id: str) -> str | None: ...


def parse_targets(text: str, default_platform: str) -> tuple[Target, ...]:
    """`#news`, `news`, `discord:123,slack:C01` -> targets; a bare channel is on the platform of the caller."""
    targets = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        mention = CHANNEL_MENTION.match(item)
        if mention:
            item = mention.group(1)
        platform, sep, channel = item.partition(":")
        if not sep:
            platform, channel = default_platform, item
        targets.append(Target(platform.strip().lower(), channel.strip().lstrip("#")))
    return tuple(targets)


def rendered_text(draft: PostDraft, platform: str, community: Community) -> str:
    return text_for_platform(draft.body, draft.variants, platform, utm=draft.utm, campaign=draft.campaign,
                             settings=community.calendar.utm)


def length_problems(platform: str, text: str) -> list[Problem]:
    field_name = f"variant {platform}"
    if platform == PlatformName.DISCORD and len(text) > DISCORD_CONTENT_LIMIT:
        return [Problem("calendar.invalid.too_long", {"field": field_name, "platform": platform,
                                                      "length": len(text), "limit": DISCORD_CONTENT_LIMIT})]
    if platform == PlatformName.SLACK:
        if len(text) > SLACK_MESSAGE_LIMIT:
            return [Problem("calendar.invalid.too_long", {"field": field_name, "platform": platform,
                                                          "length": len(text), "limit": SLACK_MESSAGE_LIMIT})]
        longest = max((len(p) for p in text.split("\n\n")), default=0)
        if longest > SLACK_SECTION_LIMIT:
            return [Problem("calendar.invalid.paragraph_too_long",
                            {"field": field_name, "length": longest, "limit": SLACK_SECTION_LIMIT})]
    if platform == PlatformName.CONSOLE and len(text) > CONSOLE_LIMIT:
        return [Problem("calendar.invalid.too_long", {"field": field_name, "platform": platform,
                                                      "length": len(text), "limit": CONSOLE_LIMIT})]
    return []


def first_occurrence(draft: PostDraft, now: datetime) -> datetime | None:
    if draft.cron is None:
        return draft.publish_at
    rule = Recurrence.build(draft.cron, draft.timezone, draft.until, draft.max_count)
    return rule.after(draft.publish_at or now + timedelta(seconds=1), None, 0)


def validate_draft(draft: PostDraft, community: Community, now: datetime, *, need_time: bool) -> list[Problem]:
    """Every problem with the post's content, targets and time (channels on the platform are checked apart)."""
    problems: list[Problem] = []
    settings = community.calendar
    if not draft.body.strip():
        problems.append(Problem("calendar.invalid.body_empty"))
    if not draft.targets:
        problems.append(Problem("calendar.invalid.no_target"))
    for target in draft.targets:
        if target.platform not in {p.value for p in PlatformName} or community.space(target.platform) is None:
            problems.append(Problem("calendar.invalid.platform", {"target": str(target)}))
        elif not target.channel_id:
            problems.append(Problem("calendar.invalid.channel_empty", {"target": str(target)}))
    for platform in dict.fromkeys(t.platform for t in draft.targets):
        problems.extend(length_problems(platform, rendered_text(draft, platform, community)))
    for platform in draft.variants:
        if platform not in {t.platform for t in draft.targets}:
            problems.append(Problem("calendar.invalid.variant_unused", {"platform": platform}))
    for url in draft.attachments:
        if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).netloc:
            problems.append(Problem("calendar.invalid.attachment", {"url": url}))
    if draft.campaign is not None and not CAMPAIGN.match(draft.campaign):
        problems.append(Problem("calendar.invalid.campaign", {"campaign": draft.campaign}))
    if draft.pillar is not None and draft.pillar not in settings.pillars:
        problems.append(Problem("calendar.invalid.pillar",
                                {"pillar": draft.pillar, "pillars": ", ".join(settings.pillars)}))
    problems.extend(time_problems(draft, now, settings.horizon, need_time=need_time))
    return problems


def time_problems(draft: PostDraft, now: datetime, horizon: timedelta, *, need_time: bool) -> list[Problem]:
    if draft.cron is None and draft.publish_at is None:
        return [Problem("calendar.invalid.time_missing")] if need_time else []
    try:
        first = first_occurrence(draft, now)
    except RecurrenceError as error:
        return [Problem(error.key, dict(error.values))]
    if first is None:
        return [Problem("calendar.invalid.recurrence_empty")]
    if first <= now:
        return [Problem("calendar.invalid.time_past")]
    if first > now + horizon:
        return [Problem("calendar.invalid.time_horizon", {"days": horizon.days})]
    return []


async def channel_problems(outbox: Outbox, targets: Iterable[Target]) -> list[Problem]:
    """Ask each running adapter that can tell whether the channel exists and the bot may post there."""
    problems: list[Problem] = []
    for target in targets:
        try:
            platform = outbox.platforms.get(PlatformName(target.platform))
        except ValueError:
            continue
        if platform is None or not isinstance(platform, ChannelAccess):
            continue
        access = await platform.channel_access(target.channel_id)
        if access == "missing":
            problems.append(Problem("calendar.invalid.channel_missing", {"target": str(target)}))
        elif access == "forbidden":
            problems.append(Problem("calendar.invalid.channel_forbidden", {"target": str(target)}))
    return problems
