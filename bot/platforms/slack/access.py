"""Whether a Slack channel exists and the bot may post there: asked when a post is drafted, not when it is due.

`conversations.info` tells whether the channel exists, is archived, is private and has the bot as a member.
A bot posts in a channel it is a member of; in a public channel it is not in only with the `chat:write.public`
scope, which config/slack-manifest.yml does not ask for. The scopes the token really holds come back in the
`x-oauth-scopes` header of every Web API answer, so `auth.test` at start-up tells which rule applies.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.calls import error_code

log = logging.getLogger(__name__)

OK, MISSING, FORBIDDEN = "ok", "missing", "forbidden"
POST_IN_PUBLIC_CHANNELS = "chat:write.public"


def granted_scopes(headers: Mapping[str, Any] | None) -> frozenset[str]:
    """The token's scopes from a Web API answer's headers; none known when Slack did not send the header."""
    for name, value in (headers or {}).items():
        if name.lower() == "x-oauth-scopes":
            text = ",".join(value) if isinstance(value, list) else str(value)
            return frozenset(s.strip() for s in text.split(",") if s.strip())
    return frozenset()


def access_of(channel: Mapping[str, Any], can_post_public: bool) -> str:
    """What `conversations.info` says about posting there, for a bot with or without `chat:write.public`."""
    if channel.get("is_archived"):
        return FORBIDDEN
    if channel.get("is_im") or channel.get("is_member"):
        return OK
    if channel.get("is_private") or channel.get("is_group") or channel.get("is_mpim"):
        return FORBIDDEN
    return OK if can_post_public else FORBIDDEN


class SlackChannels:
    def __init__(self, client: AsyncWebClient, scopes: frozenset[str]) -> None:
        self.client = client
        self.can_post_public = POST_IN_PUBLIC_CHANNELS in scopes

    async def access(self, channel_id: str) -> str | None:
        """"ok", "missing", "forbidden", or None when Slack could not be asked or would not say."""
        if not channel_id.strip():
            return MISSING
        try:
            answer = await self.client.conversations_info(channel=channel_id)
        except SlackApiError as error:
            code = error_code(error)
            if code == "channel_not_found":  # also a private channel the bot is not in: Slack hides it
                return MISSING
            log.warning("Slack: cannot check channel %s (conversations.info: %s)", channel_id, code)
            return None
        except (TimeoutError, aiohttp.ClientError, SlackRequestError, OSError) as error:
            log.warning("Slack: cannot check channel %s (%s)", channel_id, type(error).__name__)
            return None
        channel = answer.get("channel")
        return access_of(channel, self.can_post_public) if isinstance(channel, dict) else None
