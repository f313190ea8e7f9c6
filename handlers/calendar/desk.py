"""What SMMs and CMs can do to a post, whatever the entry point (slash command, button, modal).

Each operation checks the rules (lifecycle, approval, no self-approval), writes the store, keeps the wake-up in
step, and returns an `Outcome`: a catalogue key and its values, which commands and buttons turn into an
answer in the community's locale. Delivery itself is injected (`deliver_now`), so handlers never import the
scheduling side.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.outbox import Outbox
from bot.post_kinds import PostKinds
from bot.store import Store
from config.settings import Community
from handlers.calendar import posts as ledger
from handlers.calendar.cards import ReviewCards
from handlers.calendar.lifecycle import EDITABLE, Status, TransitionRefused, submitted_status
from handlers.calendar.posts import Actor, CalendarPost, PostDraft
from handlers.calendar.validation import Problem, channel_problems, first_occurrence, validate_draft

Schedule = Callable[[int, datetime | None], None]
DeliverNow = Callable[[int], Awaitable[None]]


@dataclass(frozen=True)
class Outcome:
    ok: bool
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    post: CalendarPost | None = None
    problems: tuple[Problem, ...] = ()
    needs_review: bool = False  # the post now awaits approval: send the preview to the CMs


def refused(key: str, **values: object) -> Outcome:
    return Outcome(False, key, values)


def draft_of(post: CalendarPost) -> PostDraft:
    return PostDraft(community=post.community, author=post.author, body=post.body, targets=post.targets,
                     timezone=post.timezone, publish_at=post.publish_at, cron=post.cron, until=post.until,
                     max_count=post.max_count, variants=dict(post.variants), attachments=post.attachments,
                     campaign=post.campaign, pillar=post.pillar, utm=post.utm, kind=post.kind,
                     kind_ref=post.kind_ref)


class Desk:
    def __init__(self, store: Store, clock: Clock, outbox: Outbox, schedule: Schedule,
                 deliver_now: DeliverNow, cards: ReviewCards | None = None, kinds: PostKinds | None = None) -> None:
        self.store = store
        self.kinds = kinds or PostKinds()  # a poll hears when its post is withdrawn or rescheduled
        self.clock = clock
        self.outbox = outbox
        self.schedule = schedule
        self.deliver_now = deliver_now
        self.cards = cards

    async def _decided(self, outcome: Outcome, community: Community, decision: str, actor: Actor) -> Outcome:
        """Close the post's open approval cards (they show the decision), then post a new one if it needs review."""
        if self.cards is not None and outcome.ok and outcome.post is not None:
            await self.cards.follow(outcome.post, community, decision, actor.shown, self.clock.now())
        return await self._review(outcome, community, actor)

    async def _review(self, outcome: Outcome, community: Community, actor: Actor) -> Outcome:
        if self.cards is not None and outcome.ok and outcome.needs_review and outcome.post is not None:
            await self.cards.post(outcome.post, community, actor.platform, self.clock.now())
        return outcome

    async def _get(self, post_id: int, community: Community) -> CalendarPost | None:
        post = await self.store.run(lambda db: ledger.get_post(db, post_id))
        return post if post is not None and post.community == community.id else None

    async def _problems(self, draft: PostDraft, community: Community, *, need_time: bool) -> list[Problem]:
        problems = validate_draft(draft, community, self.clock.now(), need_time=need_time)
        return problems + await channel_problems(self.outbox, draft.targets)

    def _due(self, draft: PostDraft) -> datetime | None:
        return first_occurrence(draft, self.clock.now())

    async def create(self, draft: PostDraft, community: Community) -> Outcome:
        problems = await self._problems(draft, community, need_time=False)
        if problems:
            return Outcome(False, "calendar.answer.invalid", problems=tuple(problems))
        due = self._due(draft)
        status = Status.DRAFT if due is None else submitted_status(community.calendar.approval_required)
        now = self.clock.now()
        draft = replace(draft, publish_at=due)
        post_id = await self.store.run(lambda db: ledger.create_post(db, draft, status, now))
        self.schedule(post_id, due if status is not Status.DRAFT else None)
        post = await self._get(post_id, community)
        outcome = Outcome(True, f"calendar.answer.created_{status.value}", {"id": str(post_id)}, post,
                          needs_review=status is Status.PENDING)
        return await self._review(outcome, community, draft.author)

    async def approve(self, post_id: int, actor: Actor, community: Community) -> Outcome:
        post = await self._get(post_id, community)
        if post is None:
            return refused("calendar.answer.not_found", id=str(post_id))
        if post.author == actor:
            return refused("calendar.answer.self_approval", id=str(post_id))
        if post.status is not Status.PENDING:
            return refused("calendar.answer.not_pending", id=str(post_id), status=post.status)
        now = self.clock.now()
        if post.next_due_at is not None and post.next_due_at <= now:
            return refused("calendar.answer.too_late", id=str(post_id))
        try:
            await self.store.run(lambda db: ledger.transition(
                db, post_id, Status.SCHEDULED, actor, now, action="approve", expect={Status.PENDING},
                approved_by=actor.member_id, approved_platform=actor.platform, approved_at=now,
                rejected_reason=None))
        except TransitionRefused as error:
            return refused("calendar.answer.not_pending", id=str(post_id), status=error.current)
        self.schedule(post_id, post.next_due_at)
        outcome = Outcome(True, "calendar.answer.approved", {"id": str(post_id)}, await self._get(post_id, community))
        return await self._decided(outcome, community, "approved", actor)

    async def reject(self, post_id: int, actor: Actor, community: Community, reason: str) -> Outcome:
        post = await self._get(post_id, community)
        if post is None:
            return refused("calendar.answer.not_found", id=str(post_id))
        if post.author == actor:
            return refused("calendar.answer.self_approval", id=str(post_id))
        if not reason.strip():
            return refused("calendar.answer.reason_missing")
        try:
            await self.store.run(lambda db: ledger.transition(
                db, post_id, Status.DRAFT, actor, self.clock.now(), action="reject", note=reason,
                expect={Status.PENDING}, rejected_reason=reason.strip(), next_due_at=None))
        except TransitionRefused as error:
            return refused("calendar.answer.not_pending", id=str(post_id), status=error.current)
        self.schedule(post_id, None)
        await self.kinds.withdraw(post.kind, post.kind_ref, "rejected")
        outcome = Outcome(True, "calendar.answer.rejected", {"id": str(post_id), "reason": reason.strip()},
                          await self._get(post_id, community))
        return await self._decided(outcome, community, "rejected", actor)

    async def cancel(self, post_id: int, actor: Actor, community: Community) -> Outcome:
        post = await self._get(post_id, community)
        if post is None:
            return refused("calendar.answer.not_found", id=str(post_id))
        try:
            await self.store.run(lambda db: ledger.transition(
                db, post_id, Status.CANCELLED, actor, self.clock.now(), action="cancel", next_due_at=None))
        except TransitionRefused as error:
            return refused("calendar.answer.refused_status", id=str(post_id), status=error.current)
        await self.store.run(lambda db: ledger.skip_missed(db, post_id, self.clock.now()))
        self.schedule(post_id, None)
        await self.kinds.withdraw(post.kind, post.kind_ref, "cancelled")
        outcome = Outcome(True, "calendar.answer.cancelled", {"id": str(post_id)}, await self._get(post_id, community))
        return await self._decided(outcome, community, "cancelled", actor)

    async def edit(self, post_id: int, actor: Actor, community: Community, content: dict[str, Any]) -> Outcome:
        """Change what a post says or where it goes; an approved post needs approving again."""
        post = await self._get(post_id, community)
        if post is None:
            return refused("calendar.answer.not_found", id=str(post_id))
        if post.status not in EDITABLE:
            return refused("calendar.answer.refused_status", id=str(post_id), status=post.status)
        if post.kind != "message":  # a poll's words belong to the poll: cancel it and create another
            return refused("calendar.answer.kind_locked", id=str(post_id))
        merged = dict(content)
        if "variants" in merged:
            merged["variants"] = {**post.variants, **merged["variants"]}  # type: ignore[dict-item]
        draft = replace(draft_of(post), **merged)
        problems = validate_draft(draft, community, self.clock.now(), need_time=False)
        problems = [p for p in problems if not p.key.startswith("calendar.invalid.time")]
        problems += await channel_problems(self.outbox, draft.targets)
        if problems:
            return Outcome(False, "calendar.answer.invalid", problems=tuple(problems))
        columns = {k: v for k, v in merged.items() if k != "targets"}
        if "utm" in columns:
            columns["utm"] = int(bool(columns["utm"]))
        targets = draft.targets if "targets" in merged else None
        await self.store.run(lambda db: ledger.update_content(db, post_id, columns, targets))
        review = community.calendar.approval_required and post.status is Status.SCHEDULED
        if review:
            await self.store.run(lambda db: ledger.transition(
                db, post_id, Status.PENDING, actor, self.clock.now(), action="edit", approved_by=None,
                approved_at=None))
        elif post.status in {Status.DRAFT, Status.PENDING, Status.SCHEDULED}:  # recorded in the history
            await self.store.run(lambda db: ledger.transition(
                db, post_id, post.status, actor, self.clock.now(), action="edit"))
        key = "calendar.answer.edited_draft" if post.status is Status.DRAFT else "calendar.answer.edited"
        outcome = Outcome(True, key, {"id": str(post_id)}, await self._get(post_id, community),
                          needs_review=review or post.status is Status.PENDING)
        return await self._decided(outcome, community, "edited", actor)

    async def reschedule(self, post_id: int, actor: Actor, community: Community,
                         schedule: dict[str, Any]) -> Outcome:
        post = await self._get(post_id, community)
        if post is None:
            return refused("calendar.answer.not_found", id=str(post_id))
        if post.status not in EDITABLE:
            return refused("calendar.answer.refused_status", id=str(post_id), status=post.status)
        if "cron" in schedule:  # a new recurrence replaces the old end as well
            draft = replace(draft_of(post), until=None, max_count=None, **schedule)
        else:
            draft = replace(draft_of(post), cron=None, until=None, max_count=None, **schedule)
        problems = await self._problems(draft, community, need_time=True)
        if problems:
            return Outcome(False, "calendar.answer.invalid", problems=tuple(problems))
        due = self._due(draft)
        approved = post.approved_by is not None
        status = Status.SCHEDULED if approved else submitted_status(community.calendar.approval_required)
        now = self.clock.now()
        await self.store.run(lambda db: ledger.transition(
            db, post_id, status, actor, now, action="reschedule", publish_at=due, next_due_at=due, cron=draft.cron,
            until=draft.until, max_count=draft.max_count, occurrences_done=0))
        await self.store.run(lambda db: ledger.skip_missed(db, post_id, now))
        self.schedule(post_id, due)
        await self.kinds.resubmit(post.kind, post.kind_ref)
        outcome = Outcome(True, f"calendar.answer.rescheduled_{status.value}", {"id": str(post_id)},
                          await self._get(post_id, community), needs_review=status is Status.PENDING)
        return await self._decided(outcome, community, "edited", actor)

    async def publish_now(self, post_id: int, actor: Actor, community: Community) -> Outcome:
        post = await self._get(post_id, community)
        if post is None:
            return refused("calendar.answer.not_found", id=str(post_id))
        if post.recurring:
            return refused("calendar.answer.now_recurring", id=str(post_id))
        needs_approval = community.calendar.approval_required and post.approved_by is None
        if post.status not in EDITABLE or post.status is Status.PENDING or needs_approval:
            return refused("calendar.answer.refused_status", id=str(post_id), status=post.status)
        draft = draft_of(post)
        problems = [p for p in await self._problems(draft, community, need_time=False)
                    if not p.key.startswith("calendar.invalid.time")]
        if problems:
            return Outcome(False, "calendar.answer.invalid", problems=tuple(problems))
        now = self.clock.now()
        await self.store.run(lambda db: ledger.transition(
            db, post_id, Status.SCHEDULED, actor, now, action="now", publish_at=now, next_due_at=now))
        await self.store.run(lambda db: ledger.skip_missed(db, post_id, now))
        await self.deliver_now(post_id)
        after = await self._get(post_id, community)
        key = "calendar.answer.published" if after and after.status is Status.PUBLISHED else "calendar.answer.failed"
        return Outcome(after is not None and after.status is Status.PUBLISHED, key, {"id": str(post_id)}, after)
