"""How feedback reaches the inbox: `/feedback` (a modal: kind and text), a message posted in a feedback
channel, or a message a CM marks with the feedback reaction.

`/feedback` is a member's deliberate act of writing to the brand: it is taken whoever sends it, opted out or
not, and its words are kept (for `feedback.text_days`). The two other doors take a message the member wrote for
the community, so they keep only a link to it, and they skip members who opted out of being counted. In a
feedback channel only top-level messages by members count (a reply is conversation, and the team's own posts
are not feedback).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.actions import Action, Answer, Content, ModalInput, OpenModal
from bot.commands import CommandSpec, Invocation, OptionSpec
from bot.events import MessagePosted, ModalSubmitted, ReactionAdded
from bot.handling import Step
from bot.i18n import Catalogue
from bot.optouts import OptOuts
from bot.roles import Role, may, roles_of
from bot.store import Store
from config.feedback import KINDS
from config.settings import Community
from handlers.feedback import inbox
from handlers.feedback.cards import kind_label
from handlers.feedback.show import Cards
from handlers.moderation.cards import message_link

log = logging.getLogger(__name__)
NEW_MODAL = "fb:new"
STAFF = frozenset({Role.SMM, Role.CM, Role.ADMIN})
MARKERS = frozenset({Role.CM, Role.ADMIN})
# Slack names reactions (`memo`) where Discord and the console give the emoji (📝): the usual marks, both ways.
SLACK_NAMES = {"📝": "memo", "💡": "bulb", "📌": "pushpin", "📥": "inbox_tray", "⭐": "star", "✅": "white_check_mark",
               "🗒️": "spiral_note_pad", "📣": "mega"}


def is_mark(emoji: str, configured: str) -> bool:
    """Whether a reaction is the configured feedback mark, written as the emoji or by its Slack name (`:memo:`)."""
    wanted = configured.strip(":")
    return emoji.strip(":") in {wanted, SLACK_NAMES.get(wanted, wanted)}


def storable(text: str) -> str:
    """A member's words as they can be stored and shown: no lone surrogates, no control characters but line
    breaks and tabs, no blank edges."""
    cleaned = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return "".join(c if c.isprintable() or c in "\n\t" else " " for c in cleaned).strip()


class Intake:
    def __init__(self, store: Store, catalogue: Catalogue, optouts: OptOuts, cards: Cards) -> None:
        self.store = store
        self.catalogue = catalogue
        self.optouts = optouts
        self.cards = cards
        self._channels: dict[tuple[str, str], frozenset[str]] = {}  # (community, platform) -> feedback channels

    # -- /feedback ----------------------------------------------------------------------------------------------
    def command(self) -> CommandSpec:
        return CommandSpec(
            path=("feedback",), description_key="feedback.command.feedback", run=self.open_form,
            options=(OptionSpec("kind", "feedback.option.kind", choices=KINDS),),
        )

    def form(self, invocation: Invocation) -> OpenModal:
        locale, say = invocation.locale, self.catalogue.string
        choices = tuple((kind, kind_label(self.catalogue, locale, kind)) for kind in KINDS)
        default = str(invocation.options.get("kind", ""))
        return OpenModal(
            interaction=invocation.event.interaction, custom_id=NEW_MODAL, title=say(locale, "feedback.modal.title"),
            inputs=(ModalInput("kind", say(locale, "feedback.modal.kind"), default=default, choices=choices),
                    ModalInput("text", say(locale, "feedback.modal.text"), multiline=True,
                               max_length=invocation.community.feedback.max_length)),
        )

    async def open_form(self, invocation: Invocation) -> Sequence[Action]:
        if not invocation.community.feedback.enabled:
            return [invocation.answer("feedback.answer.disabled")]
        return [self.form(invocation)]

    async def on_modal(self, event: ModalSubmitted, community: Community) -> Sequence[Step]:
        if event.custom_id != NEW_MODAL:
            return []

        def answer(key: str, **values) -> Answer:
            text = self.catalogue.text(community.locale, f"feedback.answer.{key}", **values)
            return Answer(interaction=event.interaction, content=Content(text=text))

        settings = community.feedback
        if not settings.enabled:
            return [answer("disabled")]
        kind = parse_kind(event.values.get("kind") or "", self.catalogue, community.locale)
        text = storable(event.values.get("text") or "")
        if kind is None:
            labels = ", ".join(kind_label(self.catalogue, community.locale, k) for k in KINDS)
            return [answer("kind_unknown", kinds=labels)]
        if not text:
            return [answer("text_missing")]
        if len(text) > settings.max_length:
            return [answer("text_too_long", limit=settings.max_length, length=len(text))]
        draft = inbox.Draft(
            community=community.id, platform=event.platform.value, space_id=event.space_id,
            member_id=event.member.id, member_name=event.member.display_name, source="command", kind=kind,
            channel_id=event.channel.id if event.channel else None, created_at=int(event.at.timestamp()), text=text,
        )
        item, _ = await self.store.run(lambda db: inbox.take(db, draft))
        thanks = answer("received", id=item.id, kind=kind_label(self.catalogue, community.locale, kind))
        return [thanks, *self.cards.post(item, community)]

    # -- feedback channels and the CMs' mark --------------------------------------------------------------------
    def _counted(self, community: Community, platform: str, member_id: str | None) -> bool:
        return community.feedback.enabled and (
            member_id is None or not self.optouts.is_opted_out(community.id, platform, member_id))

    def _feedback_channels(self, community: Community, platform: str) -> frozenset[str]:
        """The community's feedback channels on `platform` (settings are fixed once the bot runs)."""
        space = community.space(platform)
        channels = self._channels[(community.id, platform)] = frozenset(
            space.channels.feedback if space is not None else ())
        return channels

    async def on_message(self, event: MessagePosted, community: Community) -> Sequence[Step]:
        platform = str(event.platform)  # every message asks: `str()` is cheaper than the enum's `.value`
        channels = self._channels.get((community.id, platform))
        if channels is None:
            channels = self._feedback_channels(community, platform)
        if event.channel.id not in channels:
            return []
        if event.reply_to_id or event.thread_id or event.member.is_bot:
            return []
        if may(roles_of(event.member, community, event.platform), STAFF):
            return []
        if not self._counted(community, platform, event.member.id):
            return []
        return await self._take(community, platform, event.space_id, event.channel.id,
                                event.message_id, event.member.id, event.member.display_name, "channel",
                                int(event.at.timestamp()))

    async def on_reaction(self, event: ReactionAdded, community: Community) -> Sequence[Step]:
        if not is_mark(event.emoji, community.engagement.feedback_reaction):
            return []
        if not may(roles_of(event.member, community, event.platform), MARKERS):
            return []
        author = event.message_author_id
        if not self._counted(community, event.platform.value, author):
            return []
        return await self._take(community, event.platform.value, event.space_id, event.channel.id,
                                event.message_id, author, "", "mark", int(event.at.timestamp()))

    async def _take(self, community: Community, platform: str, space_id: str, channel_id: str, message_id: str,
                    member_id: str | None, member_name: str, source: str, at: int) -> list[Step]:
        draft = inbox.Draft(
            community=community.id, platform=platform, space_id=space_id, member_id=member_id,
            member_name=member_name, source=source, kind="unsorted", channel_id=channel_id, created_at=at,
            message_id=message_id, link=message_link(platform, space_id, channel_id, message_id),
        )
        item, created = await self.store.run(lambda db: inbox.take(db, draft))  # one trip: stored and read back
        if not created:
            return []
        log.info("feedback %s taken from a %s in %s on %s", item.id, source, channel_id, platform)
        return self.cards.post(item, community)


def parse_kind(value: str, catalogue: Catalogue, locale: str) -> str | None:
    """A kind from a modal: its id (`idea`) or its name in the community's language (« idée »), any case."""
    wanted = value.strip().casefold()
    for kind in KINDS:
        if wanted in (kind, catalogue.string(locale, f"feedback.kind.{kind}").casefold()):
            return kind
    return None
