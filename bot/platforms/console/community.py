"""The console's simulated community: who is there, what was said (with ids), who may still answer what."""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from bot.actions import Button, Content
from bot.clock import SimulatedClock
from bot.events import InteractionRef, Member, PlatformName
from bot.platforms.console.script import MemberSpec, ScriptError
from bot.platforms.console.world import Changes, MemberRow, MessageRow, Snapshot

BOT_NAME = "cmbot"
MESSAGES_KEPT = 100_000  # older messages can no longer be referenced by id; memory stays bounded


@dataclass(slots=True)
class ConsoleMessage:
    id: str
    channel: str
    author: str
    text: str
    at: datetime
    buttons: tuple[Button, ...] = ()
    idempotency_key: str | None = None
    deleted: bool = False
    seq: int = 0  # the number in the id (m7: 7), the order messages are kept in


@dataclass(frozen=True)
class PendingInteraction:
    member: str
    channel: str


class SimulatedCommunity:
    def __init__(self, clock: SimulatedClock) -> None:
        self.clock = clock
        self.members: dict[str, Member] = {}
        self.departed: set[str] = set()
        self.closed_dms: set[str] = set()
        self.messages: OrderedDict[str, ConsoleMessage] = OrderedDict()
        self.by_key: dict[str, str] = {}  # idempotency key -> message id, for retried posts
        self.interactions: dict[str, PendingInteraction] = {}
        self.open_modals: dict[str, list[str]] = {}  # member id -> ids of the modals the bot opened for them
        self.modal_channels: dict[tuple[str, str], str] = {}  # (member id, modal id) -> where it was opened
        self.last_message = 0
        self._tokens = itertools.count(1)
        self.changes = Changes()  # what the next `snapshot_changes` hands to the store (see world.py)

    # -- persistence (world.py) --------------------------------------------------------------------------
    def changed_member(self, member_id: str) -> None:
        self.changes.members.add(member_id)

    def changed_message(self, message_id: str) -> None:
        self.changes.messages.add(message_id)

    def take_changes(self) -> tuple[list[MemberRow], list[MessageRow]]:
        """The rows to save for what changed since the last call, and a fresh record of changes."""
        changes, self.changes = self.changes, Changes()
        members = [MemberRow(self.members[m], m in self.departed, m in self.closed_dms)
                   for m in sorted(changes.members) if m in self.members]  # fmt: skip
        messages = [
            MessageRow(m.id, m.seq, m.channel, m.author, m.text, m.at, m.buttons, m.idempotency_key, m.deleted)
            for m in (self.messages.get(i) for i in sorted(changes.messages)) if m is not None
        ]
        return members, messages

    def restore(self, snapshot: Snapshot) -> None:
        """Take up the saved world: members with their roles and state, recent messages, the message counter."""
        for row in snapshot.members:
            self.members[row.member.id] = row.member
            if row.departed:
                self.departed.add(row.member.id)
            if row.dms_closed:
                self.closed_dms.add(row.member.id)
        for r in snapshot.messages:
            self.messages[r.id] = ConsoleMessage(r.id, r.channel, r.author, r.text, r.at, r.buttons,
                                                 r.idempotency_key, r.deleted, r.seq)  # fmt: skip
            if r.idempotency_key is not None:
                self.by_key[r.idempotency_key] = r.id
        self.last_message = max(int(snapshot.counters.get("last_message", 0)),
                                max((r.seq for r in snapshot.messages), default=0))  # fmt: skip

    def member(self, spec: MemberSpec) -> Member:
        """The member a line names; roles in brackets replace the ones given before."""
        known = self.members.get(spec.name)
        if known is None or spec.roles is not None:
            roles = spec.roles if spec.roles is not None else frozenset()
            joined = known.joined_at if known else None
            known = Member(id=spec.name, display_name=spec.name, roles=roles, joined_at=joined)
            self.members[spec.name] = known
            self.changed_member(spec.name)
        return known

    def present(self) -> int:
        return len(self.members) - len(self.departed)

    def name_of(self, member_id: str) -> str:
        member = self.members.get(member_id)
        return member.display_name if member else member_id

    def message(self, message_id: str) -> ConsoleMessage:
        message = self.messages.get(message_id)
        if message is None or message.deleted:
            raise ScriptError("no_message", message=message_id)
        return message

    def add_message(self, channel: str, author: str, text: str, buttons: tuple[Button, ...] = (),
                    key: str | None = None) -> str:
        if len(self.messages) >= MESSAGES_KEPT:
            _, oldest = self.messages.popitem(last=False)
            if oldest.idempotency_key is not None:
                self.by_key.pop(oldest.idempotency_key, None)
        self.last_message += 1
        message_id = f"m{self.last_message}"
        self.messages[message_id] = ConsoleMessage(message_id, channel, author, text, self.clock.now(), buttons, key,
                                                   seq=self.last_message)  # fmt: skip
        self.changes.messages.add(message_id)
        self.changes.counters = True
        if key is not None:
            self.by_key[key] = message_id
        return message_id

    def add_bot_message(self, channel: str, content: Content, key: str | None = None) -> str:
        return self.add_message(channel, BOT_NAME, content.text.plain(), content.buttons, key)

    def posted_with(self, key: str) -> ConsoleMessage | None:
        message_id = self.by_key.get(key)
        message = self.messages.get(message_id) if message_id else None
        return message if message is not None and not message.deleted else None

    def interaction(self, member: str, channel: str) -> InteractionRef:
        token = f"i{next(self._tokens)}"
        self.interactions[token] = PendingInteraction(member, channel)
        return InteractionRef(PlatformName.CONSOLE, token)

    def mentions(self, text: str) -> tuple[tuple[str, ...], bool]:
        """The known members a text pings with @name, and whether it tries @everyone / @here."""
        if "@" not in text:
            return (), False
        words = {w.strip(".,;:!?()") for w in text.split() if w.startswith("@")}
        users = tuple(sorted(w[1:] for w in words if w[1:] in self.members))
        return users, bool(words & {"@everyone", "@here"})
