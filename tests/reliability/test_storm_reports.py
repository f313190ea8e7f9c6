"""A storm at the wire while a scheduled post is due: the calendar, on the real Discord and Slack adapters
against their fakes, delivers the post once or reports it once, with a bounded number of requests.

The calendar's own retries and the platform library's never multiply: a failure the library already retried
(discord.py's five tries on 429, slack-sdk's three retries on 429) is reported at once; a failure the library
does not retry (a 503) gets the calendar's backoff, `max_retries` times at most, then one report. The report is
the author's "could not be published" message, counted on the fake's side.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import discord
import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features.calendar import feature
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.store.migrations import apply_all
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from handlers.calendar.lifecycle import Status
from handlers.calendar.migrations import migrations
from handlers.calendar.posts import Actor, PostDraft, Target, create_post
from tests.calendar.conftest import START
from tests.discord.conftest import make_platform
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, SlackFake

NEWS_DISCORD, NEWS_SLACK, AUTHOR_DISCORD, AUTHOR_SLACK = "710", "CNEWS", "42", "USAM"
MAX_RETRIES = 3
CONFIG = """
[bot]
database = "{db}"

[[communities]]
id = "brand"
name = "Brand"
locale = "en"
timezone = "Europe/Paris"

[communities.calendar]
retry_base_seconds = 0.01
max_retries = {retries}

{space}
"""
DISCORD_SPACE = '[communities.discord]\nspace_id = "100"'
SLACK_SPACE = '[communities.slack]\nspace_id = "T0001"'
FAILED_NOTICE = "could not be published"


def settings_for(tmp_path, space: str):
    text = CONFIG.format(db=tmp_path / "bot.db", retries=MAX_RETRIES, space=space)
    return parse_settings(text, "storm.toml")


async def run_due_post(settings, platform_for, platform: str, channel: str, author: str) -> App:
    """One post due a minute after START, written before the app starts (it finds it at start, as after an
    import); then the clock moves past it and the due jobs run."""
    store = Store.open(settings.bot.database)
    apply_all(store.db, [migrations])
    draft = PostDraft(community="brand", author=Actor(platform, author), body="Spring sale",
                      targets=(Target(platform, channel),), timezone="Europe/Paris",
                      publish_at=START + timedelta(minutes=1))
    create_post(store.db, draft, Status.SCHEDULED, START)
    store.close()
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(settings.bot.database), clock, wakeups, features=[feature])
    app.attach([platform_for(app)])
    await app.start()
    await wakeups.advance_to(START + timedelta(minutes=2))
    return app


def ledger(settings) -> list[tuple]:
    with sqlite3.connect(settings.bot.database) as conn:
        return conn.execute("SELECT status, attempts FROM calendar_deliveries").fetchall()


@pytest.fixture
async def discord_fake():
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = await FakeDiscord(guild_ids=("100",)).start()
    fake.add_channel(NEWS_DISCORD, "news")
    yield fake
    await fake.stop()
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


def discord_notices(fake: FakeDiscord) -> list[str]:
    """What the author was told in their DMs (the fake opens DM channel 8<user id>)."""
    return [m["content"] for m in fake.channel_messages.get(f"8{AUTHOR_DISCORD}", [])]


@pytest.mark.parametrize(("status", "requests", "attempts"), [(429, 5, 1), (503, 1 + MAX_RETRIES, 1 + MAX_RETRIES)],
                         ids=["429 storm", "503 storm"])
async def test_a_storm_on_discord_reports_the_post_once(tmp_path, discord_fake, status, requests, attempts):
    fake = discord_fake
    fake.storm("POST", rf"/channels/{NEWS_DISCORD}/messages", status,
               {"message": "slow down", "retry_after": 0.01, "global": False, "code": 0})
    settings = settings_for(tmp_path, DISCORD_SPACE)
    app = await run_due_post(settings, lambda app: make_platform(fake, settings, app.services.commands),
                             "discord", NEWS_DISCORD, AUTHOR_DISCORD)
    await app.stop()

    # discord.py's own five tries on a 429 and nothing more; a 503 (not retried by discord.py) gets ours
    assert len(fake.requests_to("POST", rf"/channels/{NEWS_DISCORD}/messages")) == requests
    assert ledger(settings) == [("failed", attempts)]
    notices = discord_notices(fake)
    assert len(notices) == 1 and FAILED_NOTICE in notices[0], notices
    assert NEWS_DISCORD not in fake.channel_messages  # nothing was published


async def test_a_short_storm_on_discord_is_ridden_out_and_the_post_published_once(tmp_path, discord_fake):
    fake = discord_fake
    fake.storm("POST", rf"/channels/{NEWS_DISCORD}/messages", 503, {"message": "unavailable", "code": 0}, times=2)
    settings = settings_for(tmp_path, DISCORD_SPACE)
    app = await run_due_post(settings, lambda app: make_platform(fake, settings, app.services.commands),
                             "discord", NEWS_DISCORD, AUTHOR_DISCORD)
    await app.stop()

    assert [m["content"] for m in fake.channel_messages[NEWS_DISCORD]] == ["Spring sale"]
    assert ledger(settings) == [("published", 3)]
    assert discord_notices(fake) == []


@pytest.fixture
async def slack_fake():
    fake = SlackFake()
    await fake.start()
    fake.add_user(AUTHOR_SLACK, "Sam")
    yield fake
    await fake.stop()


def slack_platform(fake: SlackFake, settings):
    def build(app: App) -> SlackPlatform:
        return SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                             settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                             api_base=fake.api_base)
    return build


def slack_notices(fake: SlackFake) -> list[str]:
    """What the author was told: a DM (conversations.open, then a post in the DM channel)."""
    return [json.dumps(c.args) for c in fake.calls_to("chat.postMessage")
            if str(c.args.get("channel", "")).startswith("D")]


@pytest.mark.parametrize(("status", "requests", "attempts"), [(429, 4, 1), (503, 1 + MAX_RETRIES, 1 + MAX_RETRIES)],
                         ids=["429 storm", "503 storm"])
async def test_a_storm_on_slack_reports_the_post_once(tmp_path, slack_fake, status, requests, attempts):
    fake = slack_fake
    # the fake storms a method, not a channel: it ends after the requests expected, so the author's notice (a
    # chat.postMessage too) goes through, and one request more than expected would publish the post
    fake.storm("chat.postMessage", status=status, retry_after=0, times=requests)
    settings = settings_for(tmp_path, SLACK_SPACE)
    app = await run_due_post(settings, slack_platform(fake, settings), "slack", NEWS_SLACK, AUTHOR_SLACK)
    await app.stop()

    posts = [c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == NEWS_SLACK]
    assert len(posts) == requests  # slack-sdk's three retries on a 429 and nothing more; ours on a 503
    assert ledger(settings) == [("failed", attempts)]
    notices = slack_notices(fake)
    assert len(notices) == 1 and FAILED_NOTICE in notices[0], notices
    assert not [m for m in fake.messages if m.channel == NEWS_SLACK]
