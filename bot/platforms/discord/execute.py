"""The core's actions carried out through discord.py: `DiscordActions.execute`, one small coroutine per action.

Every coroutine returns an `ActionResult` and never raises for a platform error: `failure()` sorts Discord's
answers into permanent (403 missing permission, 404 unknown channel or message, 400 a request Discord will
never accept) and transient (429 after discord.py's own retries, 5xx, timeouts, network errors).
Sends go through partial messageables, so nothing needs the channel in discord.py's cache.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import assert_never

import aiohttp
import discord

from bot import deadline
from bot.actions import (
    Action,
    ActionResult,
    Answer,
    ClosePoll,
    Content,
    CreateInvite,
    DeleteMessage,
    DirectMessage,
    EditMessage,
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
from bot.platforms.discord import private_http
from bot.platforms.discord.interactions import OpenInteractions
from bot.platforms.discord.invites import create_invite
from bot.platforms.discord.lookup import find_post
from bot.platforms.discord.render import clip, modal, nonce_for, render_content

log = logging.getLogger(__name__)

DMS_CLOSED = 50007  # "Cannot send messages to this user"
POLL_EXPIRED = 520001  # "Poll expired": Discord already ended it
THREAD_EXISTS = 160004  # "A thread has already been created for this message"
MAX_TIMEOUT = timedelta(days=28)
THREAD_NAME_LIMIT = 100
RETRIED_BY_DISCORD_PY = frozenset({429, 500, 502, 504, 524})  # discord/http.py, HTTPClient.request


class DiscordActions:
    """Carries out actions for one logged-in client. `execute` never raises for a platform error."""

    def __init__(self, client: discord.Client, guild_ids: list[str], interactions: OpenInteractions,
                 bot_user_id: Callable[[], str | None]) -> None:
        self.client = client
        self.guild_ids = guild_ids
        self.interactions = interactions
        self.bot_user_id = bot_user_id

    async def execute(self, action: Action) -> ActionResult:
        """Carry out `action` within the current deadline (see `bot.deadline`): discord.py's own retries and
        rate-limit waits are cut there, so a `Retry-After` past the deadline is never waited out."""
        cut = deadline.timeout()
        try:
            async with cut:
                return await self._run(action)
        except TimeoutError as error:
            if cut.expired():
                return ActionResult.failed("deadline reached", permanent=False, retried=True)
            return failure(error)
        except Exception as error:  # sorted into permanent / transient; never raised to the core
            return failure(error)

    async def _run(self, action: Action) -> ActionResult:
        """One branch per action; `assert_never` makes an action with no branch a type error."""
        client = self.client
        action = concrete(action)
        match action:
            case Post():
                return await post(client, action)
            case ReplyInThread():
                return await reply_in_thread(client, action)
            case DirectMessage():
                return await direct_message(client, action)
            case DeleteMessage():
                return await delete_message(client, action)
            case React():
                return await react(client, action)
            case EditMessage():
                return await edit_message(client, action)
            case TimeoutMember():
                return await timeout_member(client, self.guild_ids, action, datetime.now(UTC))
            case FindPost():
                return await find_post(client, int(self.bot_user_id() or 0), action)
            case Answer():
                return await self.answer(action)
            case OpenModal():
                return await self.open_modal(action)
            case CreateInvite():
                return await create_invite(client, action)
            case ClosePoll():
                return await close_poll(client, action)
            case ReadPollVoters():
                return await poll_voters(client, action)
            case GrantRole():
                return await change_role(client, self.guild_ids, action)
            case RevokeRole():
                return await change_role(client, self.guild_ids, action)
            case _:
                assert_never(action)

    async def answer(self, action: Answer) -> ActionResult:
        entry = self.interactions.get(action.interaction.token)
        if entry is None:
            return ActionResult.failed("unknown or expired interaction", permanent=True)
        await entry.answer(render_content(action.content), action.ephemeral)
        return ActionResult.done()

    async def open_modal(self, action: OpenModal) -> ActionResult:
        entry = self.interactions.get(action.interaction.token)
        if entry is None or entry.responded:
            return ActionResult.failed("a modal must be the first answer to a live interaction", permanent=True)
        await entry.open_modal(modal(action.custom_id, action.title, action.inputs))
        return ActionResult.done()


def failure(error: BaseException) -> ActionResult:
    if isinstance(error, discord.HTTPException):
        reason = f"{error.status} {error.code}: {error.text}".strip()
        # discord.py retries 429 and these gateway errors itself (five tries) before raising them
        return ActionResult.failed(reason, permanent=error.status in (400, 401, 403, 404),
                                   retried=error.status in RETRIED_BY_DISCORD_PY, gone=error.status == 404)
    if isinstance(error, discord.RateLimited):  # a wait longer than discord.py agreed to sleep
        return ActionResult.failed(f"rate limited for {error.retry_after:.0f} s", permanent=False)
    if isinstance(error, FileNotFoundError):
        return ActionResult.failed(f"no such file: {error.filename}", permanent=True)
    if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError | OSError):
        return ActionResult.failed(f"network: {type(error).__name__}", permanent=False)
    if isinstance(error, ValueError):  # an id that is not a snowflake, a file that is not there
        return ActionResult.failed(str(error), permanent=True)
    log.error("unexpected error from Discord: %r", error)
    return ActionResult.failed(f"unexpected: {type(error).__name__}", permanent=False)


async def send(client: discord.Client, channel_id: str, content: Content, nonce: str | None = None) -> discord.Message:
    kwargs = render_content(content).send_kwargs()
    if nonce:
        kwargs["nonce"] = nonce  # discord.py sets enforce_nonce: a retried send returns the first message
    return await client.get_partial_messageable(int(channel_id)).send(**kwargs)


async def post(client: discord.Client, action: Post) -> ActionResult:
    nonce = nonce_for(action.idempotency_key) if action.idempotency_key else None
    message = await send(client, action.channel_id, action.content, nonce)
    return ActionResult.done(str(message.id), action.channel_id)


async def reply_in_thread(client: discord.Client, action: ReplyInThread) -> ActionResult:
    """Start a thread on the parent message, or use the one it already has (a message's thread shares its id)."""
    name = clip((action.content.title or action.content.text).plain().replace("\n", " ") or "…", THREAD_NAME_LIMIT)
    channel = client.get_channel(int(action.channel_id)) or await client.fetch_channel(int(action.channel_id))
    if not isinstance(channel, discord.TextChannel | discord.VoiceChannel | discord.StageChannel):
        return ActionResult.failed(f"channel {action.channel_id} cannot hold threads", permanent=True)
    parent = channel.get_partial_message(int(action.parent_message_id))
    try:
        thread = await parent.create_thread(name=name, auto_archive_duration=1440)
        thread_id = str(thread.id)
    except discord.HTTPException as error:
        if error.code != THREAD_EXISTS:
            raise
        thread_id = action.parent_message_id
    message = await send(client, thread_id, action.content)
    return ActionResult.done(str(message.id), thread_id)


async def direct_message(client: discord.Client, action: DirectMessage) -> ActionResult:
    try:
        channel = await client.create_dm(discord.Object(int(action.member_id)))
        message = await channel.send(**render_content(action.content).send_kwargs())
        return ActionResult.done(str(message.id), str(channel.id))
    except discord.Forbidden as error:
        if error.code != DMS_CLOSED or not action.fallback_channel_id:
            raise
        log.info("DMs closed for %s: posting in channel %s instead", action.member_id, action.fallback_channel_id)
    message = await send(client, action.fallback_channel_id, action.content)
    return ActionResult.done(str(message.id), action.fallback_channel_id)


async def delete_message(client: discord.Client, action: DeleteMessage) -> ActionResult:
    await private_http.delete_message(client, int(action.channel_id), int(action.message_id), action.reason or None)
    return ActionResult.done(action.message_id, action.channel_id)


async def react(client: discord.Client, action: React) -> ActionResult:
    message = client.get_partial_messageable(int(action.channel_id)).get_partial_message(int(action.message_id))
    await message.add_reaction(action.emoji)
    return ActionResult.done(action.message_id, action.channel_id)


async def edit_message(client: discord.Client, action: EditMessage) -> ActionResult:
    message = client.get_partial_messageable(int(action.channel_id)).get_partial_message(int(action.message_id))
    await message.edit(**render_content(action.content).edit_kwargs())
    return ActionResult.done(action.message_id, action.channel_id)


async def close_poll(client: discord.Client, action: ClosePoll) -> ActionResult:
    """End the native poll now and read its final counts. A poll Discord already ended (its time ran out) is
    read from the message instead: either way the counts are Discord's own."""
    message = client.get_partial_messageable(int(action.channel_id)).get_partial_message(int(action.message_id))
    try:
        ended = await message.end_poll()
    except discord.HTTPException as error:
        if error.code != POLL_EXPIRED:
            raise
        ended = await message.fetch()
    if ended.poll is None:
        return ActionResult.failed(f"message {action.message_id} has no poll", permanent=True)
    counts = tuple(answer.vote_count for answer in ended.poll.answers)
    return ActionResult.done(action.message_id, action.channel_id, counts=counts)


async def poll_voters(client: discord.Client, action: ReadPollVoters) -> ActionResult:
    """Every voter of each answer, in the answers' order, through discord.py's public paging of a poll answer's
    voters (the message is fetched first: that is where discord.py keeps the poll)."""
    channel = client.get_partial_messageable(int(action.channel_id))
    message = await channel.fetch_message(int(action.message_id))
    if message.poll is None:
        return ActionResult.failed(f"message {action.message_id} has no poll", permanent=True)
    found = [tuple([str(voter.id) async for voter in answer.voters()])
             for answer in sorted(message.poll.answers, key=lambda answer: answer.id)]
    return ActionResult(ok=True, message_id=action.message_id, channel_id=action.channel_id, voters=tuple(found))


async def _member_in_guilds(client: discord.Client, guild_ids: list[str], member_id: str) -> discord.Member | None:
    """The member in the first configured guild that has them: an action names a member, not a guild, and
    Discord answers 404 for a guild they are not in, so each configured guild is tried in turn. None when no
    configured guild is known; Discord's 404 when none has them."""
    last: discord.NotFound | None = None
    for guild_id in guild_ids:
        guild = client.get_guild(int(guild_id))
        if guild is None:
            continue
        try:
            return await guild.fetch_member(int(member_id))
        except discord.NotFound as error:
            last = error
    if last is not None:
        raise last
    return None


NO_GUILD = "no Discord guild is configured"


async def timeout_member(client: discord.Client, guild_ids: list[str], action: TimeoutMember,
                         now: datetime) -> ActionResult:
    """Time a member out in the configured guild that has them."""
    member = await _member_in_guilds(client, guild_ids, action.member_id)
    if member is None:
        return ActionResult.failed(NO_GUILD, permanent=True)
    await member.timeout(now + min(action.duration, MAX_TIMEOUT), reason=action.reason or None)
    return ActionResult.done()


async def change_role(client: discord.Client, guild_ids: list[str], action: GrantRole | RevokeRole) -> ActionResult:
    """Give or take back a role in the configured guild that has the member. Discord answers a grant of a role
    already held, or a revoke of one not held, with success."""
    member = await _member_in_guilds(client, guild_ids, action.member_id)
    if member is None:
        return ActionResult.failed(NO_GUILD, permanent=True)
    role = discord.Object(id=int(action.role_id))
    if isinstance(action, GrantRole):
        await member.add_roles(role, reason=action.reason or None)
    else:
        await member.remove_roles(role, reason=action.reason or None)
    return ActionResult.done()
