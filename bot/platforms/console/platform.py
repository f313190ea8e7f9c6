"""The console platform: the whole bot, with the same handlers and store, driven by lines on stdin.

It simulates one community's space: members, channels, messages with ids (m1, m2, …), buttons, modals and
direct messages, and a simulated clock that moves only on `clock` lines, running whatever scheduled work falls
due. On a terminal it prompts; with a pipe it plays the script and ends at end of input.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from bot.actions import (
    Action,
    ActionResult,
    Answer,
    Button,
    Content,
    DeleteMessage,
    DirectMessage,
    EditMessage,
    FindPost,
    OpenModal,
    Post,
    React,
    ReplyInThread,
    TimeoutMember,
)
from bot.clock import SimulatedClock
from bot.commands import CommandRegistry
from bot.events import (
    ButtonClicked,
    ChannelRef,
    CommandInvoked,
    Event,
    InteractionRef,
    Member,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageReported,
    ModalSubmitted,
    PlatformName,
    ReactionAdded,
    ReactionRemoved,
)
from bot.platform import Capability, EventSink
from bot.platforms.console.render import indent_after_first, render_content
from bot.platforms.console.script import HELP, Line, MemberSpec, ScriptError, parse_line

log = logging.getLogger(__name__)
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


@dataclass(frozen=True)
class PendingInteraction:
    member: str
    channel: str


class ConsolePlatform:
    name = PlatformName.CONSOLE
    capabilities = frozenset(
        {
            Capability.TIMEOUT,
            Capability.MODALS,
            Capability.BUTTONS,
            Capability.EPHEMERAL,
            Capability.THREADS,
            Capability.DIRECT_MESSAGES,
            Capability.DELETE_MESSAGES,
            Capability.IDEMPOTENT_SEND,
        }
    )
    bot_user_id = BOT_NAME

    def __init__(
        self,
        space_id: str,
        clock: SimulatedClock,
        commands: CommandRegistry,
        on_clock_moved: Callable[[], object],
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        timezone_name: str = "UTC",
        advance_clock: Callable[[datetime, Callable[[datetime], None]], Awaitable[None]] | None = None,
    ) -> None:
        self.space_id = space_id
        self.clock = clock
        self.commands = commands
        self.on_clock_moved = on_clock_moved
        self.advance_clock = advance_clock  # steps through each due time on the way (SteppedWakeups.advance_to)
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.timezone_name = timezone_name
        self.done = asyncio.Event()
        self.members: dict[str, Member] = {}
        self.closed_dms: set[str] = set()
        self.messages: OrderedDict[str, ConsoleMessage] = OrderedDict()
        self.interactions: dict[str, PendingInteraction] = {}
        self._message_ids = itertools.count(1)
        self._event_ids = itertools.count(1)
        self._sink: EventSink | None = None
        self._players: dict[str, Callable[[Line], Awaitable[None]]] = {}
        self._pending_clock: datetime | None = None
        self._channels: dict[str, ChannelRef] = {}
        self._departed: set[str] = set()
        self._clock_shown: datetime | None = None
        self._reader: asyncio.Task[None] | None = None

    # -- Platform protocol -------------------------------------------------------------------------------
    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    async def start(self, sink: EventSink) -> None:
        self._sink = sink

    def open_input(self) -> None:
        self._reader = asyncio.create_task(self._read_lines(), name="console-input")

    async def stop(self) -> None:
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def execute(self, action: Action) -> ActionResult:
        handler = getattr(self, f"_do_{type(action).__name__}", None)
        if handler is None:
            return ActionResult.failed(f"the console cannot {type(action).__name__}", permanent=True)
        return handler(action)

    # -- input -------------------------------------------------------------------------------------------
    async def _read_lines(self) -> None:
        interactive = self.stdin.isatty()
        lines: asyncio.Queue[str] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def pump() -> None:
            # A daemon thread of our own: a read blocked on a terminal never holds up shutdown (Ctrl-C).
            while True:
                raw = self.stdin.readline()
                try:
                    loop.call_soon_threadsafe(lines.put_nowait, raw)
                except RuntimeError:  # the loop has closed: the bot is stopping
                    return
                if raw == "":
                    return

        try:
            threading.Thread(target=pump, name="console-stdin", daemon=True).start()
            while True:
                if interactive:
                    self._print("cmbot> ", end="")
                raw = await lines.get()
                if raw == "":
                    break
                if not await self.feed(raw):
                    break
        finally:
            self.done.set()

    async def feed(self, raw: str) -> bool:
        """Play one line; False when the session should end."""
        try:
            line = parse_line(raw)
            if line is None:
                return True
            if line.verb == "quit":
                return False
            if line.verb == "help":
                self._print(HELP)
                return True
            await self._play(line)
        except ScriptError as error:
            self._print(f"console: {error}. Type `help` for the line syntax.")
        return True

    async def _play(self, line: Line) -> None:
        player = self._players.get(line.verb)
        if player is None:
            player = self._players[line.verb] = getattr(self, f"_line_{line.verb}")
        await player(line)

    async def _emit(self, event: Event) -> None:
        assert self._sink is not None, "the console platform was not started"
        await self._sink(event)

    # -- the simulated community ------------------------------------------------------------------------
    def _member(self, spec: MemberSpec) -> Member:
        known = self.members.get(spec.name)
        if known is None or spec.roles is not None:
            roles = spec.roles if spec.roles is not None else frozenset()
            joined = known.joined_at if known else None
            known = Member(id=spec.name, display_name=spec.name, roles=roles, joined_at=joined)
            self.members[spec.name] = known
        return known

    def _base(self) -> dict:
        return {
            "platform": PlatformName.CONSOLE,
            "space_id": self.space_id,
            "event_id": f"c{next(self._event_ids)}",
            "at": self.clock.now(),
        }

    def _message(self, message_id: str) -> ConsoleMessage:
        message = self.messages.get(message_id)
        if message is None or message.deleted:
            raise ScriptError(f"no message {message_id!r} (ids are printed after each message, like m3)")
        return message

    def _new_message_id(self) -> str:
        if len(self.messages) >= MESSAGES_KEPT:
            self.messages.popitem(last=False)
        return f"m{next(self._message_ids)}"

    def _interaction(self, member: str, channel: str) -> InteractionRef:
        token = f"i{next(self._event_ids)}"
        self.interactions[token] = PendingInteraction(member, channel)
        return InteractionRef(PlatformName.CONSOLE, token)

    def _mentions(self, text: str) -> tuple[tuple[str, ...], bool]:
        if "@" not in text:
            return (), False
        words = {w.strip(".,;:!?()") for w in text.split() if w.startswith("@")}
        users = tuple(sorted(w[1:] for w in words if w[1:] in self.members))
        return users, bool(words & {"@everyone", "@here"})

    async def _line_join(self, line: Line) -> None:
        assert line.member is not None
        member = self._member(line.member)
        member = Member(id=member.id, display_name=member.display_name, roles=member.roles,
                        joined_at=self.clock.now())
        self.members[member.id] = member
        self._departed.discard(member.id)
        self._print(f"→ {member.display_name} joined")
        base = self._base()
        base["event_id"] = f"join:{member.id}:{member.joined_at.isoformat()}"
        present = len(self.members) - len(self._departed)
        await self._emit(MemberJoined(member=member, member_count=present, **base))

    async def _line_leave(self, line: Line) -> None:
        assert line.member is not None
        member = self._member(line.member)
        self._departed.add(member.id)
        self._print(f"← {member.display_name} left")
        await self._emit(MemberLeft(member=member, **self._base()))

    async def _post_as_member(self, member: Member, channel: str, text: str, reply_to: str | None) -> None:
        message_id = self._new_message_id()
        self.messages[message_id] = ConsoleMessage(message_id, channel, member.id, text, self.clock.now())
        self._print(f"[#{channel}] {member.display_name}: {text}  ({message_id})")
        users, everyone = self._mentions(text)
        await self._emit(
            MessagePosted(
                platform=PlatformName.CONSOLE,
                space_id=self.space_id,
                event_id=f"c{next(self._event_ids)}",
                at=self.clock.now(),
                channel=self._channel(channel),
                member=member,
                message_id=message_id,
                text=text,
                thread_id=reply_to,
                reply_to_id=reply_to,
                mentioned_user_ids=users,
                mentions_everyone=everyone,
            )
        )

    def _channel(self, name: str) -> ChannelRef:
        ref = self._channels.get(name)
        if ref is None:
            ref = self._channels[name] = ChannelRef(name, name)
        return ref

    async def _line_say(self, line: Line) -> None:
        assert line.member is not None and line.channel is not None
        await self._post_as_member(self._member(line.member), line.channel, line.text, None)

    async def _line_reply(self, line: Line) -> None:
        assert line.member is not None and line.message is not None
        parent = self._message(line.message)
        await self._post_as_member(self._member(line.member), parent.channel, line.text, parent.id)

    async def _line_edit(self, line: Line) -> None:
        assert line.message is not None
        message = self._message(line.message)
        if message.author == BOT_NAME:
            raise ScriptError("only a member's own messages can be edited from the console")
        message.text = line.text
        member = self.members[message.author]
        self._print(f"[#{message.channel}] {member.display_name} edited {message.id}: {line.text}")
        users, everyone = self._mentions(line.text)
        await self._emit(
            MessageEdited(
                channel=ChannelRef(message.channel, message.channel),
                member=member,
                message_id=message.id,
                text=line.text,
                mentioned_user_ids=users,
                mentions_everyone=everyone,
                **self._base(),
            )
        )

    async def _line_delete(self, line: Line) -> None:
        assert line.message is not None
        message = self._message(line.message)
        message.deleted = True
        author = self.members.get(message.author)
        self._print(f"[#{message.channel}] {message.id} deleted")
        await self._emit(
            MessageDeleted(channel=ChannelRef(message.channel, message.channel), message_id=message.id,
                           member=author, **self._base())
        )

    async def _line_react(self, line: Line, removed: bool = False) -> None:
        assert line.member is not None and line.message is not None
        message = self._message(line.message)
        member = self._member(line.member)
        event_type = ReactionRemoved if removed else ReactionAdded
        await self._emit(
            event_type(channel=ChannelRef(message.channel, message.channel), member=member,
                       message_id=message.id, emoji=line.text, **self._base())
        )

    async def _line_unreact(self, line: Line) -> None:
        await self._line_react(line, removed=True)

    async def _line_cmd(self, line: Line) -> None:
        assert line.member is not None and line.channel is not None
        member = self._member(line.member)
        try:
            path, options = self.commands.split_line(line.text)
        except LookupError:
            path, options = tuple(line.text.split()[:2]) or ("",), {}
        except ValueError as error:
            raise ScriptError(str(error)) from None
        await self._emit(
            CommandInvoked(
                channel=ChannelRef(line.channel, line.channel),
                member=member,
                path=path,
                options=options,
                interaction=self._interaction(member.id, line.channel),
                **self._base(),
            )
        )

    async def _line_click(self, line: Line) -> None:
        assert line.member is not None and line.message is not None
        message = self._message(line.message)
        wanted = line.text.strip("[]").casefold()
        button = next(
            (b for b in message.buttons if wanted in {b.label.casefold(), b.custom_id.casefold()}), None
        )
        if button is None:
            labels = ", ".join(b.label for b in message.buttons) or "none"
            raise ScriptError(f"message {message.id} has no button {line.text!r} (buttons: {labels})")
        member = self._member(line.member)
        await self._emit(
            ButtonClicked(
                channel=ChannelRef(message.channel, message.channel),
                member=member,
                custom_id=button.custom_id,
                message_id=message.id,
                interaction=self._interaction(member.id, message.channel),
                **self._base(),
            )
        )

    async def _line_submit(self, line: Line) -> None:
        assert line.member is not None
        member = self._member(line.member)
        await self._emit(
            ModalSubmitted(
                member=member,
                custom_id=line.text,
                values=line.args,
                interaction=self._interaction(member.id, "general"),
                **self._base(),
            )
        )

    async def _line_report(self, line: Line) -> None:
        assert line.member is not None and line.message is not None
        message = self._message(line.message)
        reporter = self._member(line.member)
        reported = self.members.get(message.author) or Member(id=message.author, display_name=message.author,
                                                               is_bot=message.author == BOT_NAME)
        self._print(f"(report of {message.id} sent privately to the moderators)")
        await self._emit(
            MessageReported(
                channel=ChannelRef(message.channel, message.channel),
                member=reporter,
                message_id=message.id,
                reported_member=reported,
                text=message.text,
                interaction=self._interaction(reporter.id, message.channel),
                **self._base(),
            )
        )

    async def _line_dms(self, line: Line) -> None:
        assert line.member is not None
        name = self._member(line.member).id
        if line.text == "closed":
            self.closed_dms.add(name)
        else:
            self.closed_dms.discard(name)
        self._print(f"(direct messages of {name}: {line.text})")

    async def _line_clock(self, line: Line) -> None:
        now = self.clock.now()
        target = now + line.delta if line.delta is not None else _parse_instant(line.text, self.timezone_name)
        if target < now:
            raise ScriptError("time only moves forward")
        if self.advance_clock is not None:
            self._clock_shown = None
            await self.advance_clock(target, self._clock_stopped_at)
            self._pending_clock = None
            if self._clock_shown != target:
                self._show_clock(target)
            return
        self._show_clock(target)
        self.clock.set(target)
        result = self.on_clock_moved()
        if asyncio.iscoroutine(result):
            await result

    # -- output ------------------------------------------------------------------------------------------
    def _clock_stopped_at(self, instant: datetime) -> None:
        """The clock paused on its way for due work: say when, but only if the bot says something then."""
        self._pending_clock = instant

    def _show_clock(self, instant: datetime) -> None:
        self._clock_shown = instant
        local = instant.astimezone(_zone(self.timezone_name))
        self._print(f"(clock: {local:%Y-%m-%d %H:%M} {self.timezone_name})")

    def _print(self, text: str, end: str = "\n") -> None:
        if self._pending_clock is not None:
            pending, self._pending_clock = self._pending_clock, None
            self._show_clock(pending)
        self.stdout.write(text + end)
        self.stdout.flush()

    def _name_of(self, member_id: str) -> str:
        member = self.members.get(member_id)
        return member.display_name if member else member_id

    def _show(self, where: str, content: Content, message_id: str | None = None) -> None:
        prefix = f"[{where}] {BOT_NAME}: "
        suffix = f"  ({message_id})" if message_id else ""
        block = render_content(content, self._name_of)
        self._print(indent_after_first(prefix + block, len(prefix)) + suffix)

    def _store_bot_message(self, channel: str, content: Content, key: str | None = None) -> str:
        message_id = self._new_message_id()
        self.messages[message_id] = ConsoleMessage(
            message_id, channel, BOT_NAME, content.text.plain(), self.clock.now(), content.buttons, key
        )
        return message_id

    def _do_Post(self, action: Post) -> ActionResult:
        if action.idempotency_key:
            for message in self.messages.values():
                if message.idempotency_key == action.idempotency_key and not message.deleted:
                    return ActionResult.done(message.id, message.channel)
        message_id = self._store_bot_message(action.channel_id, action.content, action.idempotency_key)
        self._show(f"#{action.channel_id}", action.content, message_id)
        return ActionResult.done(message_id, action.channel_id)

    def _do_ReplyInThread(self, action: ReplyInThread) -> ActionResult:
        message_id = self._store_bot_message(action.channel_id, action.content)
        self._show(f"#{action.channel_id} › {action.parent_message_id}", action.content, message_id)
        return ActionResult.done(message_id, action.channel_id)

    def _do_DirectMessage(self, action: DirectMessage) -> ActionResult:
        if action.member_id in self.closed_dms:
            if action.fallback_channel_id is None:
                return ActionResult.failed("the member does not accept direct messages", permanent=True)
            return self._do_Post(Post(channel_id=action.fallback_channel_id, content=action.content))
        message_id = self._store_bot_message(f"@{action.member_id}", action.content)
        self._show(f"DM → {self._name_of(action.member_id)}", action.content, message_id)
        return ActionResult.done(message_id, f"@{action.member_id}")

    def _do_DeleteMessage(self, action: DeleteMessage) -> ActionResult:
        message = self.messages.get(action.message_id)
        if message is None or message.deleted:
            return ActionResult.failed(f"unknown message {action.message_id}", permanent=True)
        message.deleted = True
        self._print(f"[#{message.channel}] {BOT_NAME} deleted {message.id}")
        return ActionResult.done(message.id, message.channel)

    def _do_React(self, action: React) -> ActionResult:
        self._print(f"[#{action.channel_id}] {BOT_NAME} reacted {action.emoji} to {action.message_id}")
        return ActionResult.done(action.message_id, action.channel_id)

    def _do_TimeoutMember(self, action: TimeoutMember) -> ActionResult:
        minutes = int(action.duration.total_seconds() // 60)
        self._print(f"({self._name_of(action.member_id)} is timed out for {minutes} min)")
        return ActionResult.done()

    def _do_OpenModal(self, action: OpenModal) -> ActionResult:
        pending = self.interactions.get(action.interaction.token)
        who = pending.member if pending else "?"
        fields = " ".join(f"{i.custom_id}=…" for i in action.inputs)
        self._print(f"[modal → {who}] {action.title}: answer with `submit {who} {action.custom_id} {fields}`")
        return ActionResult.done()

    def _do_Answer(self, action: Answer) -> ActionResult:
        pending = self.interactions.get(action.interaction.token)
        if pending is None:
            return ActionResult.failed("unknown interaction", permanent=True)
        if action.ephemeral:
            self._show(f"only {self._name_of(pending.member)} sees", action.content)
            return ActionResult.done()
        message_id = self._store_bot_message(pending.channel, action.content)
        self._show(f"#{pending.channel}", action.content, message_id)
        return ActionResult.done(message_id, pending.channel)

    def _do_EditMessage(self, action: EditMessage) -> ActionResult:
        message = self.messages.get(action.message_id)
        if message is None or message.deleted:
            return ActionResult.failed(f"unknown message {action.message_id}", permanent=True)
        message.text = action.content.text.plain()
        message.buttons = action.content.buttons
        self._show(f"#{message.channel} edited {message.id}", action.content)
        return ActionResult.done(message.id, message.channel)

    def _do_FindPost(self, action: FindPost) -> ActionResult:
        for message in self.messages.values():
            if message.idempotency_key == action.idempotency_key and message.channel == action.channel_id:
                return ActionResult.done(message.id, message.channel)
        return ActionResult.failed("not found", permanent=True)


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _parse_instant(text: str, timezone_name: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ScriptError(f"{text!r} is not a date and time (example: 2026-12-01T09:00)") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=_zone(timezone_name))
    return instant
