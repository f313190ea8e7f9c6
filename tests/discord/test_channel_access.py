"""`DiscordPlatform.channel_access` at the wire: the real discord.py client against the local fake Discord."""

from __future__ import annotations

import pytest

from tests.discord.conftest import GUILD, Seen, build_registry, make_platform
from tests.fakes.discord_fake import SEND_MESSAGES, SEND_MESSAGES_IN_THREADS, VIEW_CHANNEL

NEWS, HIDDEN, READ_ONLY, NO_THREADS, THREAD, LOCKED_THREAD = "710", "711", "712", "713", "720", "721"


@pytest.fixture
async def platform(fake, discord_settings):
    fake.add_channel(NEWS, "news")
    fake.add_channel(HIDDEN, "staff", denied=VIEW_CHANNEL)
    fake.add_channel(READ_ONLY, "announcements", denied=SEND_MESSAGES)
    fake.add_channel(NO_THREADS, "support", denied=SEND_MESSAGES_IN_THREADS)
    fake.add_channel(THREAD, "a thread", thread_of=NEWS)
    fake.add_channel(LOCKED_THREAD, "a thread", thread_of=NO_THREADS)
    platform = make_platform(fake, discord_settings, build_registry(Seen()))
    await platform.start(_ignore)
    yield platform
    await platform.stop()


async def _ignore(event) -> None:
    return None


def channel_fetches(fake) -> int:
    return len(fake.requests_to("GET", r"/channels/\d+"))


async def test_cached_channels_answer_from_the_bots_permissions_without_a_call(platform, fake):
    assert await platform.channel_access("700") == "ok"
    assert await platform.channel_access(NEWS) == "ok"
    assert await platform.channel_access(HIDDEN) == "forbidden"
    assert await platform.channel_access(READ_ONLY) == "forbidden"
    assert await platform.channel_access(NO_THREADS) == "ok"  # sending in threads is another permission
    assert channel_fetches(fake) == 0


async def test_threads_not_in_the_cache_are_fetched_and_need_send_in_threads(platform, fake):
    assert await platform.channel_access(THREAD) == "ok"
    assert await platform.channel_access(LOCKED_THREAD) == "forbidden"
    assert [r.path for r in fake.requests_to("GET", r"/channels/\d+")] == [f"/channels/{THREAD}",
                                                                           f"/channels/{LOCKED_THREAD}"]


async def test_an_unknown_channel_is_missing_after_discord_said_unknown_channel(platform, fake):
    assert await platform.channel_access("123456789") == "missing"
    assert fake.requests_to("GET", r"/channels/123456789")


@pytest.mark.parametrize("channel_id", ["news", "#news", "<#710>", "", "99999999999999999999999"])
async def test_what_is_not_a_channel_id_is_missing_without_asking(platform, fake, channel_id):
    assert await platform.channel_access(channel_id) == "missing"
    assert channel_fetches(fake) == 0


async def test_a_channel_of_another_server_is_forbidden(platform, fake):
    fake.queue_error("GET", r"/channels/555", 403, {"message": "Missing Access", "code": 50001})
    assert await platform.channel_access("555") == "forbidden"


async def test_another_http_error_means_cannot_tell(platform, fake):
    fake.queue_error("GET", r"/channels/556", 400, {"message": "Bad Request", "code": 0})
    assert await platform.channel_access("556") is None
    assert await platform.channel_access("556") == "missing"  # asked again, not remembered


async def test_a_channel_created_after_start_is_fetched_with_its_overwrites(platform, fake):
    fake.add_channel("730", "new and hidden", denied=VIEW_CHANNEL | SEND_MESSAGES, guild_id=GUILD)
    assert await platform.channel_access("730") == "forbidden"
    assert fake.requests_to("GET", r"/channels/730")


async def test_before_logging_in_the_platform_cannot_tell(fake, discord_settings):
    platform = make_platform(fake, discord_settings, build_registry(Seen()))
    assert await platform.channel_access("700") is None
    assert channel_fetches(fake) == 0
