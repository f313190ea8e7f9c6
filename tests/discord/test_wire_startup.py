"""Start-up against the fake: privileged intents, fatal refusals without a reconnect loop, setup work once."""

from __future__ import annotations

import logging

import pytest

from bot.events import MessagePosted
from bot.platform import FatalPlatformError
from bot.platforms.discord.intents import wanted_intents
from tests.discord.conftest import Seen, build_registry, make_platform
from tests.discord.test_wire_events import until
from tests.fakes.discord_fake import GATEWAY_GUILD_MEMBERS, FakeDiscord, user

INTENT_MEMBERS, INTENT_MESSAGE_CONTENT = 1 << 1, 1 << 15


async def _sink(event) -> None:
    return None


@pytest.fixture
async def fake_without_message_content():
    server = await FakeDiscord(guild_ids=("100",), application_flags=GATEWAY_GUILD_MEMBERS).start()
    yield server
    await server.stop()


async def test_a_missing_privileged_intent_warns_and_starts_without_it(fake_without_message_content, discord_settings,
                                                                      caplog):
    fake = fake_without_message_content
    platform = make_platform(fake, discord_settings, build_registry(Seen()))
    with caplog.at_level(logging.WARNING, logger="bot.platforms.discord"):
        await platform.start(_sink)
    try:
        [identify] = fake.identify_payloads
        assert identify["intents"] & INTENT_MEMBERS
        assert not identify["intents"] & INTENT_MESSAGE_CONTENT
        assert platform.disabled_intents == ["message_content"]
        [warning] = [r.getMessage() for r in caplog.records if "message_content" in r.getMessage()]
        assert "moderation" in warning and "Message Content Intent" in warning
        assert f"/applications/{fake.bot_id}/bot" in warning
    finally:
        await platform.stop()


async def test_a_bad_token_is_a_clear_fatal_error_with_exit_status_3(fake, discord_settings):
    platform = make_platform(fake, discord_settings, build_registry(Seen()), token="wrong")
    with pytest.raises(FatalPlatformError) as raised:
        await platform.start(_sink)
    assert raised.value.exit_status == 3
    assert "DISCORD_TOKEN" in str(raised.value)
    assert fake.identify_payloads == []  # refused at login: the gateway is never tried


@pytest.mark.parametrize("code, words", [(4004, "token"), (4014, "Message Content Intent")])
async def test_a_fatal_gateway_close_stops_without_reconnecting(fake, discord_settings, code, words):
    fake.close_on_identify = code
    platform = make_platform(fake, discord_settings, build_registry(Seen()))
    with pytest.raises(FatalPlatformError) as raised:
        await platform.start(_sink)
    assert raised.value.exit_status == 3
    assert words in str(raised.value)
    assert len(fake.identify_payloads) == 1  # no reconnect loop
    assert platform.client.is_closed()


async def test_setup_work_runs_once_even_when_the_gateway_reconnects(harness):
    fake = harness.fake
    await fake.ask_to_reconnect()
    await until(lambda: fake.resumes == 1)

    assert len(fake.requests_to("PUT", r"/applications/\d+/guilds/\d+/commands")) == 1
    assert len(fake.requests_to("GET", r"/users/@me")) == 1
    assert len(fake.identify_payloads) == 1


async def test_a_failed_resume_means_ready_again_but_setup_work_still_runs_once(harness):
    fake = harness.fake
    fake.fail_resumes = True
    await fake.ask_to_reconnect()
    await until(lambda: len(fake.identify_payloads) == 2 and fake.connected == 1)

    await fake.dispatch("MESSAGE_CREATE", fake.message("700", user("60", "Léa"), "encore là ?", guild_id="100"))
    await until(lambda: harness.seen.of(MessagePosted))
    assert len(fake.requests_to("PUT", r"/applications/\d+/guilds/\d+/commands")) == 1


def test_the_bot_asks_for_the_privileged_intents_the_features_need():
    intents = wanted_intents()
    assert intents.members and intents.message_content and intents.guild_messages and intents.guild_reactions
    assert not intents.presences
