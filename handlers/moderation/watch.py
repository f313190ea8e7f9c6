"""Watching the community: every posted and edited message through the engine, joins for newcomers and raids.

Engines are built once per community, on first use, from its settings; the hot path builds `MessageFacts`,
runs the rules and touches the store only when something hit, and then does not wait for it: the flag's write
is asked for, and its card comes later, once the flag is committed (`Queue.raise_later`). A message the rules
delete is not seen by the handlers after this one (`STOP`): a deleted scam is not engagement, and does not end
a newcomer's silence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from bot.clock import Clock
from bot.events import MemberJoined, MessageBase, MessageEdited, MessagePosted
from bot.handling import STOP, Step
from config.settings import Community
from handlers.moderation.alerts import Alerts
from handlers.moderation.cards import message_link
from handlers.moderation.engine import Engine, Verdict, build_engine
from handlers.moderation.flags import FlagDraft, RuleHit, excerpt
from handlers.moderation.queue import Queue
from handlers.moderation.rules.base import MessageFacts, Rule
from handlers.moderation.seen_domains import SeenDomainsBook

ClassifierLoader = Callable[[Community, Path | None], Rule | None]


class Engines:
    """One engine per community, built lazily (a community without moderation never pays for its lists)."""

    def __init__(self, base_dir: Path | None = None, classifier: ClassifierLoader | None = None,
                 seen_domains: SeenDomainsBook | None = None) -> None:
        self.base_dir = base_dir
        self.classifier = classifier
        self.seen_domains = seen_domains
        self._built: dict[str, Engine] = {}

    def for_community(self, community: Community) -> Engine:
        engine = self._built.get(community.id)
        if engine is None:
            extra = self.classifier(community, self.base_dir) if self.classifier is not None else None
            seen = self.seen_domains.of(community.id) if self.seen_domains is not None else None
            engine = build_engine(community.moderation, self.base_dir, extra, seen)
            self._built[community.id] = engine
        return engine


def facts_of(event: MessageBase) -> MessageFacts:
    return MessageFacts(
        event.text,
        member_id=event.member.id,
        channel_id=event.channel.id,
        space_id=event.space_id,
        roles=event.member.roles,
        at=event.at,
        joined_at=event.member.joined_at,
        mentioned_user_ids=event.mentioned_user_ids,
        mentioned_role_ids=event.mentioned_role_ids,
        mentions_everyone=event.mentions_everyone,
        edit=isinstance(event, MessageEdited),
    )


def draft_for(event: MessageBase, community: Community, verdict: Verdict) -> FlagDraft:
    acting = verdict.acting_severity
    auto = getattr(community.moderation.actions, acting.label) if acting is not None else "flag"
    hits = tuple(RuleHit(hit.rule, hit.severity.label, hit.rule in verdict.shadow, hit.detail) for hit in verdict.hits)
    platform = event.platform.value  # an enum's value is a property: read once
    return FlagDraft(
        community=community.id,
        platform=platform,
        space_id=event.space_id,
        channel_id=event.channel.id,
        message_id=event.message_id,
        member_id=event.member.id,
        severity=verdict.severity.label,
        hits=hits,
        excerpt=excerpt(event.text),
        link=message_link(platform, event.space_id, event.channel.id, event.message_id),
        created_at=event.at,
        auto_action=auto,
    )


class Watcher:
    def __init__(self, engines: Engines, queue: Queue, alerts: Alerts, clock: Clock) -> None:
        self.engines = engines
        self.queue = queue
        self.alerts = alerts
        self.clock = clock

    async def on_message(self, event: MessagePosted | MessageEdited, community: Community) -> Sequence[Step]:
        """Posts and edits alike: an edit that turns a clean message bad is flagged like a new one."""
        if not community.moderation.enabled:
            return []
        verdict = self.engines.for_community(community).check(facts_of(event))
        if not verdict:
            return []
        draft = draft_for(event, community, verdict)
        later = self.queue.raise_later(draft, community, {event.member.id: event.member.display_name})
        if draft.auto_action in ("delete", "delete_and_timeout"):
            return (later, STOP)  # deleted once the flag is written; the later handlers do not see it
        return (later,)

    async def on_join(self, event: MemberJoined, community: Community) -> Sequence[Step]:
        if not community.moderation.enabled:
            return []
        engine = self.engines.for_community(community)
        if engine.newcomer is not None:
            engine.newcomer.saw_join(event.space_id, event.member.id, event.member.joined_at or event.at)
        return self.alerts.member_joined(event, community)
