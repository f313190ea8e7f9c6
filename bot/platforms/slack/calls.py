"""The core's actions carried out through the Slack Web API, one small method per action.

Every call goes through `_call`: an `ok: false` answer or a transport error is logged with the method and
Slack's error code and comes back as a failed `ActionResult` (permanent when retrying cannot help), never as an
exception and never silently. Rate limits are retried by the Web client's retry handler, which honours
`Retry-After`, before they reach this module.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, assert_never

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot import deadline
from bot.actions import (
    Action,
    ActionResult,
    Answer,
    ClosePoll,
    CreateInvite,
    DeleteMessage,
    DirectMessage,
    EditMessage,
    FileAttachment,
    FindPost,
    GrantRole,
    OpenModal,
    Post,
    React,
    ReadPollVoters,
    ReplyInThread,
    RevokeRole,
    TimeoutMember,
    concrete,
)
from bot.platforms.slack.render import SlackMessage, modal_view, render_content

log = logging.getLogger(__name__)
POST_EVENT_TYPE = "cmbot_post"
INTERACTION_LIFETIME = 30 * 60.0  # a response URL works for 30 minutes
HISTORY_PAGES = 10
PERMANENT_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "missing_scope", "not_authed", "invalid_auth",
    "account_inactive", "token_revoked", "no_permission", "restricted_action", "cant_delete_message",
    "message_not_found", "cant_update_message", "edit_window_closed", "msg_too_long", "invalid_blocks",
    "invalid_arguments", "user_not_found", "users_not_found", "cannot_dm_bot", "user_disabled",
    "expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id", "no_text", "invalid_metadata_format",
    "invalid_metadata_schema", "invalid_name", "not_reactable", "too_many_reactions", "bad_token",
    "no_such_subteam", "not_allowed_token_type", "ekm_access_denied", "team_access_not_granted",
    "invalid_response_url", "expired_url", "used_url", "unknown_interaction",
})

GONE_ERRORS = frozenset({"user_not_found", "users_not_found", "no_such_subteam", "channel_not_found",
                         "message_not_found"})  # what was acted on does not exist (any more)


def error_code(error: SlackApiError) -> str:
    """Slack's error code (`channel_not_found`…), or the HTTP status when the answer was not JSON."""
    data = error.response.data
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"HTTP {error.response.status_code}"


class CallFailed(Exception):
    def __init__(self, method: str, error: str, permanent: bool) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.permanent = permanent

    def result(self) -> ActionResult:
        # a `ratelimited` that reaches us has been through the Web client's rate-limit retries already
        return ActionResult.failed(f"{self.method}: {self.error}", permanent=self.permanent,
                                   retried=self.error == "ratelimited", gone=self.error in GONE_ERRORS)


@dataclass(frozen=True)
class PendingInteraction:
    """What an `InteractionRef` token stands for: who acted, where, and how to answer them."""

    user_id: str
    channel_id: str | None
    response_url: str | None = None
    trigger_id: str | None = None
    created: float = field(default_factory=time.monotonic)


class SlackCalls:
    def __init__(self, client: AsyncWebClient, modal_labels: tuple[str, str] = ("OK", "Cancel")) -> None:
        self.client = client
        self.modal_labels = modal_labels
        self.interactions: dict[str, PendingInteraction] = {}
        self.usergroup_lock = asyncio.Lock()  # read-modify-write of a user group's members

    def remember(self, token: str, pending: PendingInteraction) -> None:
        now = time.monotonic()
        for key in [k for k, p in self.interactions.items() if now - p.created > INTERACTION_LIFETIME]:
            del self.interactions[key]
        self.interactions[token] = pending

    async def execute(self, action: Action) -> ActionResult:
        """Carry out `action` within the current deadline (see `bot.deadline`): the Web client's rate-limit
        retries and their `Retry-After` waits are cut there."""
        cut = deadline.timeout()
        try:
            async with cut:
                return await self._run(action)
        except TimeoutError:
            if not cut.expired():
                raise
            log.error("Slack %s: deadline reached", type(action).__name__)
            return ActionResult.failed("deadline reached", permanent=False, retried=True)
        except CallFailed as failure:
            return failure.result()
        except Exception:  # a payload we did not expect must not take the caller down
            log.exception("Slack %s failed unexpectedly", type(action).__name__)
            return ActionResult.failed(f"{type(action).__name__}: unexpected error", permanent=False)

    async def _run(self, action: Action) -> ActionResult:
        """One branch per action; `assert_never` makes an action with no branch a type error."""
        action = concrete(action)
        match action:
            case Post():
                return await self.post(action)
            case ReplyInThread():
                return await self.reply_in_thread(action)
            case DirectMessage():
                return await self.direct_message(action)
            case DeleteMessage():
                return await self.delete_message(action)
            case React():
                return await self.react(action)
            case TimeoutMember():
                return ActionResult.failed("Slack cannot time a member out", permanent=True)
            case EditMessage():
                return await self.edit_message(action)
            case OpenModal():
                return await self.open_modal(action)
            case Answer():
                return await self.answer(action)
            case FindPost():
                return await self.find_post(action)
            case CreateInvite():
                return ActionResult.failed("Slack has no invite links to track", permanent=True)
            case ClosePoll():
                return ActionResult.failed("Slack has no native polls (its polls are buttons)", permanent=True)
            case ReadPollVoters():
                return ActionResult.failed("Slack has no native polls (its polls are buttons)", permanent=True)
            case GrantRole():
                return await self.change_usergroup(action)
            case RevokeRole():
                return await self.change_usergroup(action)
            case _:
                assert_never(action)

    async def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        call = getattr(self.client, method.replace(".", "_"))
        try:
            response = await call(**kwargs)
        except SlackApiError as error:
            code = error_code(error)
            log.error("Slack %s failed: %s", method, code)
            raise CallFailed(method, code, code in PERMANENT_ERRORS) from None
        except (TimeoutError, aiohttp.ClientError, SlackRequestError, OSError) as error:
            log.error("Slack %s failed: %s", method, type(error).__name__)
            raise CallFailed(method, type(error).__name__, False) from None
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def _post(self, channel: str, message: SlackMessage, files: tuple[FileAttachment, ...] = (),
                    **extra: Any) -> ActionResult:
        data = await self._call("chat.postMessage", channel=channel, **message.as_args(), **extra)
        result = ActionResult.done(data.get("ts"), data.get("channel", channel))
        await self._share(files, result.channel_id or channel, extra.get("thread_ts"))
        return result

    async def _share(self, files: tuple[FileAttachment, ...], channel: str, thread_ts: str | None) -> None:
        """Share the message's files right after it, in the same conversation, through Slack's external upload
        (`files.getUploadURLExternal`, the bytes, `files.completeUploadExternal`: slack_sdk's
        `files_upload_v2`). A file that does not arrive fails the action: a member's export must not silently
        come without its file."""
        for attached in files:
            await self._call("files_upload_v2", file=attached.data, filename=attached.filename,
                             title=attached.filename, channel=channel, thread_ts=thread_ts)

    async def post(self, action: Post) -> ActionResult:
        extra: dict[str, Any] = {"unfurl_links": False}
        if action.idempotency_key:
            extra["metadata"] = {"event_type": POST_EVENT_TYPE, "event_payload": {"key": action.idempotency_key}}
        result = await self._post(action.channel_id, render_content(action.content), action.content.files, **extra)
        if action.content.image_path:
            await self._upload(action.content.image_path, result.channel_id or action.channel_id, result.message_id)
        return result

    async def _upload(self, path: str, channel: str, thread_ts: str | None) -> None:
        """Attach a card's image beside it; a failed upload is logged, the card itself stays posted."""
        try:
            await self._call("files_upload_v2", file=path, channel=channel, thread_ts=thread_ts)
        except CallFailed as failure:
            log.error("the image %s was not attached: %s", path, failure.error)
        except (FileNotFoundError, PermissionError) as error:
            log.error("the image %s cannot be read: %s", path, type(error).__name__)

    async def reply_in_thread(self, action: ReplyInThread) -> ActionResult:
        message = render_content(action.content)
        return await self._post(action.channel_id, message, action.content.files, thread_ts=action.parent_message_id)

    async def direct_message(self, action: DirectMessage) -> ActionResult:
        """The member's DM; the fallback channel only when the DM itself is impossible. Files follow the message
        where it went, so a failed upload never sends the message a second time elsewhere."""
        message = render_content(action.content)
        try:
            opened = await self._call("conversations.open", users=action.member_id)
            channel = (opened.get("channel") or {}).get("id")
            if not channel:
                raise CallFailed("conversations.open", "no channel", True)
            result = await self._post(channel, message)
        except CallFailed as failure:
            if action.fallback_channel_id is None or not failure.permanent:
                raise
            log.info("direct message to %s impossible (%s): posting in the fallback channel",
                     action.member_id, failure.error)
            result = await self._post(action.fallback_channel_id, message)
        await self._share(action.content.files, result.channel_id or "", None)
        return result

    async def delete_message(self, action: DeleteMessage) -> ActionResult:
        await self._call("chat.delete", channel=action.channel_id, ts=action.message_id)
        return ActionResult.done(action.message_id, action.channel_id)

    async def react(self, action: React) -> ActionResult:
        try:
            await self._call("reactions.add", channel=action.channel_id, timestamp=action.message_id,
                             name=action.emoji.strip(":"))
        except CallFailed as failure:
            if failure.error != "already_reacted":
                raise
        return ActionResult.done(action.message_id, action.channel_id)

    async def edit_message(self, action: EditMessage) -> ActionResult:
        message = render_content(action.content)
        args = message.as_args()
        args.setdefault("blocks", [])  # an edit from a card to plain text removes the old blocks
        data = await self._call("chat.update", channel=action.channel_id, ts=action.message_id, **args)
        return ActionResult.done(data.get("ts", action.message_id), action.channel_id)

    def _pending(self, token: str) -> PendingInteraction:
        pending = self.interactions.get(token)
        if pending is None:
            raise CallFailed("interaction", "unknown_interaction", True)
        return pending

    async def open_modal(self, action: OpenModal) -> ActionResult:
        pending = self._pending(action.interaction.token)
        if not pending.trigger_id:
            return ActionResult.failed("views.open: this interaction cannot open a modal", permanent=True)
        submit, close = self.modal_labels
        view = modal_view(action.custom_id, action.title, action.inputs, submit, close, pending.channel_id or "")
        await self._call("views.open", trigger_id=pending.trigger_id, view=view)
        return ActionResult.done()

    async def answer(self, action: Answer) -> ActionResult:
        pending = self._pending(action.interaction.token)
        message = render_content(action.content)
        if pending.response_url:
            return await self._respond(pending.response_url, message, action.ephemeral)
        if pending.channel_id is None:
            opened = await self._call("conversations.open", users=pending.user_id)
            return await self._post((opened.get("channel") or {}).get("id", ""), message)
        if action.ephemeral:
            await self._call("chat.postEphemeral", channel=pending.channel_id, user=pending.user_id,
                             **message.as_args())
            return ActionResult.done(channel_id=pending.channel_id)
        return await self._post(pending.channel_id, message)

    async def _respond(self, response_url: str, message: SlackMessage, ephemeral: bool) -> ActionResult:
        body = {"response_type": "ephemeral" if ephemeral else "in_channel", "replace_original": False,
                **message.as_args()}
        try:
            webhook = AsyncWebhookClient(response_url, session=self.client.session, logger=self.client.logger)
            answer = await webhook.send_dict(body)
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            log.error("Slack response_url failed: %s", type(error).__name__)
            return ActionResult.failed(f"response_url: {type(error).__name__}", permanent=False)
        if answer.status_code != 200:
            log.error("Slack response_url failed: HTTP %s %s", answer.status_code, answer.body[:100])
            return ActionResult.failed(f"response_url: HTTP {answer.status_code}",
                                       permanent=answer.status_code in (403, 404, 410))
        return ActionResult.done()

    async def change_usergroup(self, action: GrantRole | RevokeRole) -> ActionResult:
        """Add a member to a user group or take them out: Slack only replaces the whole list
        (`usergroups.users.update`), so the list is read first, under a lock, and left alone when nothing changes.
        A user group cannot be emptied: taking its last member out fails, permanently."""
        async with self.usergroup_lock:
            data = await self._call("usergroups.users.list", usergroup=action.role_id)
            users = [str(u) for u in data.get("users") or ()]
            if isinstance(action, GrantRole):
                wanted = users if action.member_id in users else [*users, action.member_id]
            else:
                wanted = [u for u in users if u != action.member_id]
            if wanted == users:
                return ActionResult.done()
            if not wanted:
                return ActionResult.failed("a Slack user group cannot be left empty", permanent=True)
            await self._call("usergroups.users.update", usergroup=action.role_id, users=",".join(wanted))
        return ActionResult.done()

    async def find_post(self, action: FindPost) -> ActionResult:
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            data = await self._call("conversations.history", channel=action.channel_id,
                                    oldest=f"{action.since.timestamp():.6f}", include_all_metadata=True,
                                    limit=200, cursor=cursor)
            for message in data.get("messages") or ():
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == POST_EVENT_TYPE and payload.get("key") == action.idempotency_key:
                    return ActionResult.done(message.get("ts"), action.channel_id)
            cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
            if not data.get("has_more") or not cursor:
                return ActionResult.failed("not found", permanent=True)
        # pages left unread: "not found" would be a guess, and a guess could double the post
        return ActionResult.failed(f"more than {HISTORY_PAGES} pages since the claim", permanent=False)
