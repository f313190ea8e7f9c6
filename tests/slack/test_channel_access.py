"""`SlackPlatform.channel_access` at the wire: the real slack-sdk client against the local Slack fake."""

from __future__ import annotations

import socket

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Catalogue
from bot.platforms.slack import SlackPlatform
from bot.platforms.slack.access import SlackChannels, access_of
from config.loader import parse_settings
from tests.fakes.slack_fake import BOT_TOKEN
from tests.slack.harness import SLACK_TOML, build_commands, build_harness

MANIFEST_SCOPES = ("chat:write", "commands", "channels:read", "groups:read", "channels:history")


def declare_channels(fake) -> None:
    fake.add_channel("CNEWS", "news")
    fake.add_channel("COTHER", "other", member=False)
    fake.add_channel("COLD", "old", archived=True)
    fake.add_channel("CSTAFF", "staff", private=True)
    fake.add_channel("CSECRET", "secret", private=True, member=False)


@pytest.mark.parametrize(("channel_id", "expected"), [
    ("CNEWS", "ok"),
    ("COTHER", "forbidden"),  # public, but the app lacks chat:write.public: it must be invited
    ("COLD", "forbidden"),
    ("CSTAFF", "ok"),
    ("CSECRET", "missing"),  # Slack hides a private channel from a bot that is not in it
    ("CNOPE", "missing"),
    ("news", "missing"),  # a name is not an id
])
async def test_what_conversations_info_says_with_the_manifests_scopes(socket_bot, fake, channel_id, expected):
    declare_channels(fake)
    assert await socket_bot.platform.channel_access(channel_id) == expected
    assert fake.calls_to("conversations.info")[-1].args["channel"] == channel_id


async def test_with_chat_write_public_the_bot_posts_in_public_channels_it_is_not_in(store, fake):
    fake.scopes = (*MANIFEST_SCOPES, "chat:write.public")
    declare_channels(fake)
    harness = await build_harness(store, fake)
    try:
        assert "chat:write.public" in harness.platform.scopes
        assert await harness.platform.channel_access("COTHER") == "ok"
        assert await harness.platform.channel_access("COLD") == "forbidden"
        assert await harness.platform.channel_access("CSECRET") == "missing"
    finally:
        await harness.platform.stop()


async def test_scopes_announced_without_chat_write_public_keep_the_membership_rule(store, fake):
    fake.scopes = MANIFEST_SCOPES
    declare_channels(fake)
    harness = await build_harness(store, fake)
    try:
        assert harness.platform.scopes == frozenset(MANIFEST_SCOPES)
        assert await harness.platform.channel_access("COTHER") == "forbidden"
    finally:
        await harness.platform.stop()


async def test_an_error_other_than_not_found_means_cannot_tell(socket_bot, fake):
    declare_channels(fake)
    fake.queue_error("conversations.info", "missing_scope")
    assert await socket_bot.platform.channel_access("CNEWS") is None
    assert await socket_bot.platform.channel_access("CNEWS") == "ok"


async def test_a_transport_error_means_cannot_tell():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = AsyncWebClient(token=BOT_TOKEN, base_url=f"http://127.0.0.1:{port}/api/")
    assert await SlackChannels(client, frozenset()).access("CNEWS") is None


async def test_before_start_the_platform_cannot_tell(store, fake):
    catalogue = Catalogue.shipped()
    platform = SlackPlatform(bot_token=BOT_TOKEN, app_token=None, signing_secret=None,
                             settings=parse_settings(SLACK_TOML, "slack-test.toml"),
                             commands=build_commands(catalogue), catalogue=catalogue, api_base=fake.api_base)
    assert await platform.channel_access("CNEWS") is None
    assert not fake.calls_to("conversations.info")


@pytest.mark.parametrize(("channel", "public_scope", "expected"), [
    ({"is_member": True, "is_private": True}, False, "ok"),
    ({"is_member": False, "is_private": True}, True, "forbidden"),  # chat:write.public is for public channels
    ({"is_member": False, "is_mpim": True}, True, "forbidden"),
    ({"is_im": True, "is_member": False}, False, "ok"),
    ({"is_member": True, "is_archived": True}, True, "forbidden"),
    ({"is_member": False}, True, "ok"),
    ({"is_member": False}, False, "forbidden"),
])
def test_the_posting_rule(channel, public_scope, expected):
    assert access_of(channel, public_scope) == expected
