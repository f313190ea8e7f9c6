"""Posts of another feature's kind (a poll) entering the calendar through the same desk as the SMM's posts.

`submit_kind` is what the calendar offers other features (`bot.post_kinds.PostKinds.submit`): the post gets the
same checks, approval and exactly-once delivery as any other. With no publish time it goes out at once when the
community needs no approval; where approval is required, a time must be given, so the CM has time to decide.
"""

from __future__ import annotations

from bot.post_kinds import KindDraft, Submitted
from config.settings import Community
from handlers.calendar.desk import Desk, Outcome
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import Actor, PostDraft, Target


def _submitted(outcome: Outcome) -> Submitted:
    values = {k: (v.value if isinstance(v, Status) else v) for k, v in outcome.values.items()}
    return Submitted(outcome.ok, outcome.key, values, outcome.post.id if outcome.post else None,
                     tuple((p.key, dict(p.values)) for p in outcome.problems))


async def submit_kind(desk: Desk, draft: KindDraft, community: Community) -> Submitted:
    if not community.calendar.enabled:
        return Submitted(False, "calendar.answer.disabled")
    if draft.publish_at is None and community.calendar.approval_required:
        return Submitted(False, "calendar.answer.invalid", problems=(("calendar.invalid.time_missing", {}),))
    author = Actor(draft.author_platform, draft.author_id, draft.author_name)
    post = PostDraft(community=draft.community, author=author, body=draft.summary,
                     targets=tuple(Target(p, c) for p, c in draft.targets), timezone=draft.timezone,
                     publish_at=draft.publish_at, campaign=draft.campaign, utm=False, kind=draft.kind,
                     kind_ref=draft.ref)
    created = await desk.create(post, community)
    if not created.ok or draft.publish_at is not None or created.post is None:
        return _submitted(created)
    return _submitted(await desk.publish_now(created.post.id, author, community))
