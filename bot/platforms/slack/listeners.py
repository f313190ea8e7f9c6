"""What the Slack adapter hears: a slack-bolt `AsyncApp` whose listeners turn Slack payloads into core events.

Commands, shortcuts and interactivity are acknowledged first (Slack wants an answer within 3 s) and the slow
part (looking the member up, running the handlers) runs in a background task that `idle()` waits for.

Events API deliveries are acknowledged only once the core has taken them: the event's handling (which records
its id durably before any handler runs) gets `ACK_BUDGET` seconds. If it failed (the store could not take the
write) or is still waiting, the answer is 503 over HTTP and no acknowledgement at all in Socket Mode, so Slack
delivers the event again later; the attempt still running goes on, and a delivery that arrives meanwhile waits
for it and shares its outcome (the core's dedupe counts the event once, and acknowledges a retry only when the
first handling succeeded). Role checks are not done here: the core's command router
checks the member's user id and user groups against the configured role model.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bot.commands import CommandRegistry
from bot.events import Event, InteractionRef, Member, PlatformName
from bot.i18n import Catalogue
from bot.platform import EventSink
from bot.platforms.slack import translate
from bot.platforms.slack.calls import PendingInteraction, SlackCalls
from bot.platforms.slack.commands import SLASH_COMMAND, CommandProblem, parse_command_text
from bot.platforms.slack.members import SlackMembers
from bot.platforms.slack.render import render_text
from config.settings import Community

log = logging.getLogger(__name__)
REPORT_SHORTCUT = "report_to_moderators"
# the Events API types the adapter listens to; config/slack-manifest.yml subscribes to each (a test checks)
LISTENED_EVENTS = ("member_joined_channel", "team_join", "message", "reaction_added", "reaction_removed")
ACK_BUDGET = 2.5  # seconds, within Slack's 3
NOT_TAKEN = 503


class SlackListeners:
    def __init__(self, *, commands: CommandRegistry, catalogue: Catalogue, communities: dict[str, Community],
                 members: SlackMembers, calls: SlackCalls, sink: EventSink) -> None:
        self.commands = commands
        self.catalogue = catalogue
        self.communities = communities
        self.members = members
        self.calls = calls
        self.sink = sink
        self._tasks: set[asyncio.Task[None]] = set()

    def attach(self, app: AsyncApp) -> AsyncApp:
        self._events: dict[str, Callable[[dict[str, Any]], Coroutine[Any, Any, None]]] = {
            "member_joined_channel": self._member_joined,
            "team_join": self._team_join,
            "message": self._message,
            "reaction_added": self._reaction,
            "reaction_removed": self._reaction,
        }
        assert set(self._events) == set(LISTENED_EVENTS)
        app.middleware(self._take_event)
        app.command(SLASH_COMMAND)(self._on_command)
        app.shortcut(REPORT_SHORTCUT)(self._on_report)
        app.action(re.compile(".*"))(self._on_button)
        app.view_submission(re.compile(".*"))(self._on_view_submission)
        return app

    async def _take_event(self, body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
        """Events API: acknowledge once the core took the event, else let Slack deliver it again."""
        if body.get("type") != "event_callback":
            return await next()
        handle = self._events.get(str((body.get("event") or {}).get("type")))
        if handle is None:
            return BoltResponse(status=200, body="")
        task = self._spawn(handle(body))
        done, _ = await asyncio.wait({task}, timeout=ACK_BUDGET)
        if task in done and not task.cancelled() and task.exception() is None:
            return BoltResponse(status=200, body="")
        why = "still waiting for the store" if task not in done else "it failed"
        log.warning("Slack event %s not acknowledged (%s): Slack will deliver it again", body.get("event_id"), why)
        return BoltResponse(status=NOT_TAKEN, body="")

    async def idle(self) -> None:
        """Wait until every event handed to the core so far has been handled (used at stop and by tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a Slack event could not be handled", exc_info=task.exception())

    async def _emit(self, event: Event | None) -> None:
        if event is not None:
            await self.sink(event)

    def _locale(self, team_id: str) -> str:
        community = self.communities.get(team_id)
        return community.locale if community is not None else "en"

    def _interaction(self, body: dict[str, Any], user_id: str, channel_id: str | None) -> InteractionRef:
        token = translate.interaction_id(body)
        self.calls.remember(token, PendingInteraction(user_id, channel_id, body.get("response_url"),
                                                      body.get("trigger_id")))
        return InteractionRef(PlatformName.SLACK, token)

    # -- Events API --------------------------------------------------------------------------------------
    async def _member_joined(self, body: dict[str, Any]) -> None:
        community = self.communities.get(translate.team_of(body))
        welcome = community.slack.channels.welcome if community and community.slack else None
        if body["event"].get("channel") != welcome:
            return  # joining any other channel is not joining the community
        member = await self.members.member(body["event"]["user"])
        await self._emit(translate.member_joined(body, member))

    async def _team_join(self, body: dict[str, Any]) -> None:
        user = (body.get("event") or {}).get("user") or {}
        self.members.forget(user.get("id", ""))  # fires at invitation: no welcome, only a fresh profile later

    async def _message(self, body: dict[str, Any]) -> None:
        author = translate.author_id(body["event"])
        member = await self.members.member(author) if author else None
        await self._emit(translate.message_event(body, member))

    async def _reaction(self, body: dict[str, Any]) -> None:
        member = await self.members.member(body["event"]["user"])
        await self._emit(translate.reaction_event(body, member))

    # -- commands, shortcuts and interactivity -----------------------------------------------------------
    async def _on_command(self, ack: Any, body: dict[str, Any]) -> None:
        parsed = parse_command_text(self.commands, body.get("text") or "")
        if isinstance(parsed, CommandProblem):
            locale = self._locale(translate.team_of(body))
            await ack(response_type="ephemeral", text=render_text(self.catalogue.text(locale, parsed.key,
                                                                                      **parsed.values)))
            return
        await ack()
        self._spawn(self._command(body, parsed.path, parsed.options))

    async def _command(self, body: dict[str, Any], path: tuple[str, ...], options: dict[str, str]) -> None:
        member = await self.members.member(body["user_id"], body.get("user_name", ""))
        ref = self._interaction(body, member.id, body.get("channel_id"))
        await self._emit(translate.command_invoked(body, member, path, options, ref))

    async def _on_report(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        self._spawn(self._report(body))

    async def _report(self, body: dict[str, Any]) -> None:
        reporter = await self.members.member(body["user"]["id"])
        message = body.get("message") or {}
        if message.get("user"):
            reported = await self.members.member(message["user"])
        else:
            reported = Member(id=message.get("bot_id", ""), display_name=message.get("username", ""), is_bot=True)
        ref = self._interaction(body, reporter.id, (body.get("channel") or {}).get("id"))
        await self._emit(translate.message_reported(body, reporter, reported, ref))

    async def _on_button(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        self._spawn(self._button(body))

    async def _button(self, body: dict[str, Any]) -> None:
        member = await self.members.member(body["user"]["id"])
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        ref = self._interaction(body, member.id, channel)
        await self._emit(translate.button_clicked(body, member, ref))

    async def _on_view_submission(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        self._spawn(self._view_submission(body))

    async def _view_submission(self, body: dict[str, Any]) -> None:
        member = await self.members.member(body["user"]["id"])
        channel = (body.get("view") or {}).get("private_metadata") or None
        ref = self._interaction(body, member.id, channel)
        await self._emit(translate.modal_submitted(body, member, ref, channel))
