"""`/post …`: the SMM drafts and schedules, the CM approves, both list and look.

Each command reads its options, asks the `Desk` to act and answers in the community's locale. When a post
starts awaiting approval, its preview with approve / reject / edit buttons goes to the strategy channel (or
the moderation channel) of the platform the command came from.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from bot.actions import Action, Answer, Content, DirectMessage, ModalInput, OpenModal
from bot.commands import CommandSpec, Invocation, OptionKind, OptionSpec
from bot.i18n import LOCALES, Catalogue
from bot.outbox import Outbox
from bot.platform import Capability
from bot.roles import Role
from bot.store import Store
from bot.text import Text, join
from config.settings import Community
from handlers.calendar import posts as ledger
from handlers.calendar.desk import Desk, Outcome
from handlers.calendar.drafting import read_content, read_draft, read_schedule
from handlers.calendar.lifecycle import UPCOMING, Status
from handlers.calendar.pillars import pillar_name
from handlers.calendar.posts import Actor, CalendarPost
from handlers.calendar.preview import outcome_text, preview_content, when_text

STAFF = frozenset({Role.SMM, Role.CM})
DRAFT_MODAL = "cal:draft"


def _opt(name: str, kind: OptionKind = OptionKind.STRING, required: bool = False, **extra) -> OptionSpec:
    return OptionSpec(name, f"calendar.option.{name}", kind, required, **extra)


ID = _opt("id", OptionKind.INTEGER, required=True)
CONTENT_OPTIONS = (
    _opt("body", OptionKind.TEXT), _opt("to"), _opt("discord", OptionKind.TEXT), _opt("slack", OptionKind.TEXT),
    _opt("attachments"), _opt("campaign"), _opt("pillar"), _opt("utm", OptionKind.BOOLEAN),
)
SCHEDULE_OPTIONS = (_opt("at"), _opt("every"), _opt("cron"), _opt("until"), _opt("count", OptionKind.INTEGER))


def _folded(word: str) -> str:
    """Case and accents set aside, so « Programmee » and « programmée » name the same status."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold().strip()) if not unicodedata.combining(c))


def status_choices(catalogue: Catalogue, locale: str) -> list[str]:
    """The words `/post list status=…` accepts, in the community's language."""
    words = [catalogue.string(locale, "calendar.filter.upcoming"), catalogue.string(locale, "calendar.filter.all")]
    return words + [catalogue.string(locale, f"calendar.status.{s.value}") for s in Status]


def status_filter(word: str, catalogue: Catalogue, locale: str) -> frozenset[Status] | None:
    """The statuses a filter word names: a display name in either language or the internal id; None if unknown."""
    wanted = _folded(word)
    if not wanted:
        return UPCOMING
    for lang in LOCALES:
        if wanted in {"upcoming", _folded(catalogue.string(lang, "calendar.filter.upcoming"))}:
            return UPCOMING
        if wanted in {"all", _folded(catalogue.string(lang, "calendar.filter.all"))}:
            return frozenset(Status)
        for status in Status:
            if wanted in {status.value, _folded(catalogue.string(lang, f"calendar.status.{status.value}"))}:
                return frozenset({status})
    return None


def actor_of(invocation: Invocation) -> Actor:
    return Actor(invocation.event.platform.value, invocation.event.member.id, invocation.event.member.display_name)


def problems_text(outcome: Outcome, catalogue: Catalogue, locale: str) -> Text:
    lines: list[Text | str] = [outcome_text(catalogue, locale, outcome.key, outcome.values)]
    lines += [Text.of("• ", catalogue.text(locale, p.key, **p.values)) for p in outcome.problems]
    return join(lines)


def outcome_actions(invocation: Invocation, outcome: Outcome, *, with_preview: bool = True) -> list[Action]:
    community, catalogue = invocation.community, invocation.catalogue
    if outcome.problems:
        return [invocation.answer(problems_text(outcome, catalogue, community.locale))]
    text = outcome_text(catalogue, community.locale, outcome.key, outcome.values)
    actions: list[Action] = []
    if outcome.post is not None and with_preview:
        card = preview_content(outcome.post, community, catalogue)
        actions.append(Answer(interaction=invocation.event.interaction, content=Content(
            text=text, title=card.title, fields=card.fields, attachment_urls=card.attachment_urls)))
    else:
        actions.append(invocation.answer(text))
    return actions


def rejection_notice(outcome: Outcome, invocation: Invocation) -> list[Action]:
    """Tell the author why their post went back to draft (on the platform they wrote it from)."""
    post = outcome.post
    if not outcome.ok or post is None or post.author.platform != invocation.event.platform.value:
        return []
    text = invocation.say("calendar.notice.rejected", id=str(post.id), reason=post.rejected_reason or "",
                          who=invocation.event.member.display_name)
    return [DirectMessage(member_id=post.author.member_id, content=Content(text=text))]


def draft_modal(invocation: Invocation, catalogue: Catalogue) -> OpenModal:
    locale = invocation.locale
    label = catalogue.string

    def field(name: str, multiline: bool = False, required: bool = False) -> ModalInput:
        default = str(invocation.options.get(name, ""))
        return ModalInput(name, label(locale, f"calendar.option.{name}"), multiline, required, default,
                          max_length=4000 if multiline else 200)

    return OpenModal(interaction=invocation.event.interaction, custom_id=DRAFT_MODAL,
                     title=label(locale, "calendar.modal.draft_title"),
                     inputs=(field("body", True, True), field("at"), field("to"), field("every"), field("campaign")))


def list_line(post: CalendarPost, community: Community, catalogue: Catalogue) -> Text:
    locale = community.locale
    status = catalogue.text(locale, f"calendar.status.{post.status.value}")
    targets = ", ".join(str(t) for t in post.targets)
    snippet = post.body.replace("\n", " ")
    snippet = snippet[:60] + ("…" if len(snippet) > 60 else "")
    pillar = pillar_name(post.pillar, community.calendar.pillar_labels, catalogue, locale) if post.pillar else None
    tags = " ".join(f"[{tag}]" for tag in (post.campaign, pillar) if tag)
    return Text.of(catalogue.text(locale, "calendar.answer.list_number", id=str(post.id)), " · ", status, " · ",
                   when_text(post, catalogue, locale), f" · {' '.join(filter(None, (targets, tags)))} · {snippet}")


def list_text(found: list[CalendarPost], community: Community, catalogue: Catalogue) -> Text:
    """The calendar as lines (the `/post list` answer and `cmbot posts list`)."""
    if not found:
        return catalogue.text(community.locale, "calendar.answer.list_empty")
    header = catalogue.text(community.locale, "calendar.answer.list_header", count=len(found))
    return join([header, *(list_line(p, community, catalogue) for p in found)])


def enabled_only(run):
    """Communities that switched the calendar off get a clear answer instead of the command."""

    async def guarded(invocation: Invocation) -> Sequence[Action]:
        if not invocation.community.calendar.enabled:
            return [invocation.answer("calendar.answer.disabled")]
        return await run(invocation)

    return guarded


class CalendarCommands:
    def __init__(self, desk: Desk, store: Store, outbox: Outbox) -> None:
        self.desk = desk
        self.store = store
        self.outbox = outbox

    def specs(self) -> list[CommandSpec]:
        def spec(path, key, run, allowed, options=(), slow=False) -> CommandSpec:
            return CommandSpec(path, key, enabled_only(run), allowed, options, slow)

        return [
            spec(("post", "draft"), "calendar.command.draft", self.draft, STAFF, CONTENT_OPTIONS + SCHEDULE_OPTIONS),
            spec(("post", "list"), "calendar.command.list", self.list, STAFF,
                 (_opt("status"), _opt("campaign"), _opt("pillar"), _opt("limit", OptionKind.INTEGER))),
            spec(("post", "show"), "calendar.command.show", self.show, STAFF, (ID,)),
            spec(("post", "edit"), "calendar.command.edit", self.edit, STAFF, (ID, *CONTENT_OPTIONS)),
            spec(("post", "reschedule"), "calendar.command.reschedule", self.reschedule, STAFF,
                 (ID, *SCHEDULE_OPTIONS)),
            spec(("post", "approve"), "calendar.command.approve", self.approve, STAFF, (ID,)),
            spec(("post", "reject"), "calendar.command.reject", self.reject, STAFF,
                 (ID, _opt("reason", OptionKind.TEXT, required=True, max_length=500))),
            spec(("post", "cancel"), "calendar.command.cancel", self.cancel, STAFF, (ID,)),
            spec(("post", "now"), "calendar.command.now", self.now, STAFF, (ID,), slow=True),
        ]

    async def draft(self, invocation: Invocation) -> Sequence[Action]:
        platform = invocation.event.platform
        if "body" not in invocation.options and self.outbox.can(platform, Capability.MODALS):
            return [draft_modal(invocation, invocation.catalogue)]
        return await self.create_from(invocation.options, invocation)

    async def create_from(self, fields, invocation: Invocation) -> list[Action]:
        community = invocation.community
        draft, problems = read_draft(fields, community=community.id, author=actor_of(invocation),
                                     zone=community.timezone, default_platform=invocation.event.platform.value,
                                     now=self.desk.clock.now(), locale=community.locale)
        if draft is None:
            return outcome_actions(invocation, Outcome(False, "calendar.answer.invalid", problems=tuple(problems)))
        return outcome_actions(invocation, await self.desk.create(draft, community))

    async def list(self, invocation: Invocation) -> Sequence[Action]:
        options = invocation.options
        status_name = str(options.get("status", "") or "")
        statuses = status_filter(status_name, invocation.catalogue, invocation.locale)
        if statuses is None:
            names = ", ".join(status_choices(invocation.catalogue, invocation.locale))
            return [invocation.answer("calendar.answer.bad_status", value=status_name, choices=names)]
        limit = max(1, min(int(options.get("limit", 20)), 50))
        campaign, pillar = options.get("campaign"), options.get("pillar")
        found = await self.store.run(lambda db: ledger.list_posts(
            db, invocation.community.id, statuses, campaign=str(campaign) if campaign else None,
            pillar=str(pillar) if pillar else None, limit=limit))
        return [invocation.answer(list_text(found, invocation.community, invocation.catalogue))]

    async def show(self, invocation: Invocation) -> Sequence[Action]:
        post_id = int(invocation.options["id"])
        post = await self.store.run(lambda db: ledger.get_post(db, post_id))
        if post is None or post.community != invocation.community.id:
            return [invocation.answer("calendar.answer.not_found", id=str(post_id))]
        return [Answer(interaction=invocation.event.interaction,
                       content=preview_content(post, invocation.community, invocation.catalogue))]

    async def edit(self, invocation: Invocation) -> Sequence[Action]:
        fields = {k: v for k, v in invocation.options.items() if k != "id"}
        content, problems = read_content(fields, invocation.event.platform.value)
        if problems or not content:
            problems = problems or []
            return outcome_actions(invocation, Outcome(False, "calendar.answer.nothing_to_edit"
                                                       if not problems else "calendar.answer.invalid",
                                                       problems=tuple(problems)))
        outcome = await self.desk.edit(int(invocation.options["id"]), actor_of(invocation), invocation.community,
                                       content)
        return outcome_actions(invocation, outcome)

    async def reschedule(self, invocation: Invocation) -> Sequence[Action]:
        fields = {k: v for k, v in invocation.options.items() if k != "id"}
        schedule, problems = read_schedule(fields, invocation.community.timezone, now=self.desk.clock.now(),
                                           locale=invocation.locale)
        if problems:
            return outcome_actions(invocation, Outcome(False, "calendar.answer.invalid", problems=tuple(problems)))
        outcome = await self.desk.reschedule(int(invocation.options["id"]), actor_of(invocation),
                                             invocation.community, schedule)
        return outcome_actions(invocation, outcome)

    async def approve(self, invocation: Invocation) -> Sequence[Action]:
        outcome = await self.desk.approve(int(invocation.options["id"]), actor_of(invocation), invocation.community)
        return outcome_actions(invocation, outcome, with_preview=False)

    async def reject(self, invocation: Invocation) -> Sequence[Action]:
        outcome = await self.desk.reject(int(invocation.options["id"]), actor_of(invocation), invocation.community,
                                         str(invocation.options["reason"]))
        return outcome_actions(invocation, outcome, with_preview=False) + rejection_notice(outcome, invocation)

    async def cancel(self, invocation: Invocation) -> Sequence[Action]:
        outcome = await self.desk.cancel(int(invocation.options["id"]), actor_of(invocation), invocation.community)
        return outcome_actions(invocation, outcome, with_preview=False)

    async def now(self, invocation: Invocation) -> Sequence[Action]:
        outcome = await self.desk.publish_now(int(invocation.options["id"]), actor_of(invocation),
                                              invocation.community)
        return outcome_actions(invocation, outcome, with_preview=False)
