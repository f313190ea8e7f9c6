"""Polls on Slack at the wire: the real Slack adapter (Socket Mode, slack-bolt) against the local fake.

`/cmbot poll new …` publishes a Block Kit card with one button per answer; each click is one vote per member
(changeable), answered privately, and the card's count is redrawn (`chat.update`); at the end the card loses its
buttons and the results are posted once. Mass pings typed into the poll stay inert.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features.calendar import feature as calendar_feature
from bot.features.polls import feature as polls_feature
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.fakes.slack_fake import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    SlackFake,
    block_actions_payload,
    command_payload,
)
from tests.patience import PATIENCE
from tests.polls.conftest import START
from tests.slack.harness import GENERAL, SLACK_TOML

CONFIG = SLACK_TOML.replace('cm = ["UCM"]', 'cm = ["UCM"], smm = ["USAM"]')


@pytest.fixture
async def fake():
    slack = SlackFake()
    await slack.start()
    for user, name in (("USAM", "Sam"), ("UCM", "Claire"), ("UANN", "Ann"), ("UBOB", "Bob")):
        slack.add_user(user, name)
    slack.add_channel(GENERAL, "general")
    yield slack
    await slack.stop()


@pytest.fixture
def config() -> str:
    return CONFIG


@pytest.fixture
async def bot(tmp_path, fake, config):
    settings = parse_settings(config, "polls-slack.toml")
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(tmp_path / "cmbot.db"), clock, wakeups,
              features=[calendar_feature, polls_feature])
    app.attach([SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                              settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                              api_base=fake.api_base)])
    await app.start()
    yield app, clock, wakeups
    await app.stop()


def parsed_texts(args: dict) -> list[str]:
    """The message's texts Slack parses for mentions: the fallback text and every mrkdwn object (plain_text
    objects, headers and button labels, are shown as typed and never notify anyone)."""
    found = [str(args.get("text") or "")]

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(args.get("blocks") or [])
    return found


def inert(args: dict) -> bool:
    return not any(p in text for text in parsed_texts(args) for p in ("<!channel>", "<!here>", "<!everyone>"))


async def until(check, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not check():
        assert loop.time() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.01)


async def test_members_vote_with_buttons_the_count_follows_and_results_come_once(bot, fake):
    app, clock, wakeups = bot
    line = (f'poll new question="Best day? <!channel> *now*" answers="Mon | Tue | <!here> Wed" duration=1h '
            f"to=#{GENERAL}")
    await fake.send_socket("slash_commands", command_payload(line, user_id="USAM", channel_id=GENERAL,
                                                             response_url=fake.response_url("n")))
    [card] = await fake.wait_for(lambda: [c for c in fake.calls_to("chat.postMessage")
                                          if c.args["channel"] == GENERAL])
    blocks = json.dumps(card.args["blocks"], ensure_ascii=False)
    assert "poll:vote:1:0" in blocks and "poll:vote:1:2" in blocks
    assert inert(card.args) and "&lt;!channel&gt;" in card.args["text"]
    ts = fake.messages[-1].ts
    answer = await fake.wait_for(lambda: [r for r in fake.responses if r["key"] == "n"])
    assert "Poll #1 created" in str(answer)

    async def click(user: str, answer: int, key: str) -> str:
        await fake.send_socket("interactive", block_actions_payload(
            f"poll:vote:1:{answer}", user_id=user, channel_id=GENERAL, message_ts=ts,
            response_url=fake.response_url(key)))
        [said] = await fake.wait_for(lambda: [r for r in fake.responses if r["key"] == key])
        return str(said)

    assert "is counted" in await click("UANN", 1, "a1")
    assert "is counted" in await click("UBOB", 0, "b1")
    assert "now goes to" in await click("UBOB", 1, "b2")
    assert "withdrawn" in await click("UANN", 1, "a2")
    assert "is counted" in await click("UANN", 2, "a3")
    # five clicks in the same seconds: the card is redrawn at once for the first, then once for the rest
    [first] = fake.calls_to("chat.update")
    assert "Tue — 1 vote (100%)" in json.dumps(first.args["blocks"], ensure_ascii=False)
    await wakeups.advance_to(clock.now() + timedelta(seconds=5))
    updates = await fake.wait_for(lambda: len(fake.calls_to("chat.update")) == 2 and fake.calls_to("chat.update"))
    assert all(u.args["ts"] == ts for u in updates)
    last = json.dumps(updates[-1].args["blocks"], ensure_ascii=False)
    assert "Tue — 1 vote (50%)" in last and "2 members voted" in last and "poll:vote:1:0" in last

    await wakeups.advance_to(clock.now() + timedelta(hours=1) - timedelta(seconds=5))
    await until(lambda: len([c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == GENERAL]) == 2,
                "the results")
    closed = fake.calls_to("chat.update")[-1]
    assert "poll:vote" not in json.dumps(closed.args["blocks"]) and "Poll closed" in json.dumps(closed.args)
    results = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == GENERAL][-1]
    shown = json.dumps(results.args, ensure_ascii=False)
    assert "Results of poll #1" in shown and "Tie between" in shown
    assert inert(results.args) and all(inert(u.args) for u in fake.calls_to("chat.update"))

    late = await click("UBOB", 0, "b3")
    assert "has ended" in late
    await wakeups.advance_to(clock.now() + timedelta(days=1))
    assert len([c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == GENERAL]) == 2
    assert app.services.store.db.execute("SELECT count(*) FROM poll_votes").fetchone() == (2,)


@pytest.mark.parametrize("config", [CONFIG + "\n[communities.calendar]\napproval_required = true\n"])
async def test_a_scheduled_poll_is_approved_published_and_closed_with_its_results(bot, fake):
    _app, clock, wakeups = bot
    line = f'poll new question="Meetup in Lyon?" answers="Yes|No" duration=2h to=#{GENERAL} at="2026-11-23 15:00"'
    await fake.send_socket("slash_commands", command_payload(line, user_id="USAM", channel_id=GENERAL,
                                                             response_url=fake.response_url("n")))
    [created] = await fake.wait_for(lambda: [r for r in fake.responses if r["key"] == "n"])
    assert "waiting for a CM's approval" in str(created)
    await fake.send_socket("slash_commands", command_payload("post approve 1", user_id="UCM", channel_id=GENERAL,
                                                             response_url=fake.response_url("a")))
    [approved] = await fake.wait_for(lambda: [r for r in fake.responses if r["key"] == "a"])
    assert "approved" in str(approved)
    assert not [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == GENERAL]
    await wakeups.advance_to(START.replace(hour=14))  # 15:00 in Paris
    [card] = await fake.wait_for(lambda: [c for c in fake.calls_to("chat.postMessage")
                                          if c.args["channel"] == GENERAL])
    assert "poll:vote:1:1" in json.dumps(card.args["blocks"])
    ts = fake.messages[-1].ts
    await fake.send_socket("interactive", block_actions_payload(
        "poll:vote:1:0", user_id="UANN", channel_id=GENERAL, message_ts=ts, response_url=fake.response_url("v")))
    await fake.wait_for(lambda: [u for u in fake.calls_to("chat.update") if u.args["ts"] == ts])
    await wakeups.advance_to(START.replace(hour=16))
    posted = await fake.wait_for(lambda: len([c for c in fake.calls_to("chat.postMessage")
                                              if c.args["channel"] == GENERAL]) == 2
                                 and [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == GENERAL])
    assert "Most chosen: Yes" in json.dumps(posted[-1].args, ensure_ascii=False)
    assert clock.now() == START.replace(hour=16)


async def slash(fake, line: str, user: str, key: str) -> str:
    await fake.send_socket("slash_commands", command_payload(line, user_id=user, channel_id=GENERAL,
                                                             response_url=fake.response_url(key)))
    [said] = await fake.wait_for(lambda: [r for r in fake.responses if r["key"] == key])
    return json.dumps(said, ensure_ascii=False)


async def test_a_poll_slack_refuses_to_publish_is_listed_as_withdrawn_not_waiting(bot, fake):
    app, _clock, _wakeups = bot
    fake.queue_error("chat.postMessage", "restricted_action")  # a permanent refusal: the post fails
    created = await slash(fake, f'poll new question="Lunch?" answers="Yes|No" to=#{GENERAL}', "USAM", "n")
    assert "Poll #1 created" in created
    assert app.services.store.db.execute("SELECT status FROM calendar_posts").fetchone() == ("failed",)
    listed = await slash(fake, "poll list", "UCM", "l")
    assert "#1 · withdrawn · Lunch? · its calendar post #1 could not be published on" in listed
    assert "waiting to be published" not in listed
    closing = await slash(fake, "poll close 1", "UCM", "c")
    assert "Poll #1 was withdrawn" in closing


async def test_a_poll_cancelled_on_slack_is_withdrawn(bot, fake):
    await slash(fake, f'poll new question="Quiz?" answers="A|B" to=#{GENERAL} at="2026-11-24 15:00"', "USAM", "n")
    assert "cancelled" in await slash(fake, "post cancel 1", "UCM", "x")
    listed = await slash(fake, "poll list", "UCM", "l")
    assert "#1 · withdrawn · Quiz? · its calendar post #1 was cancelled on" in listed


async def test_a_burst_of_clicks_costs_one_redraw_per_period_and_the_final_count_is_always_drawn(bot, fake):
    """30 clicks over a minute: at most one chat.update per poll every 5 seconds, each showing the count at that
    moment; a vote just before the end is drawn by the closing card, never overwritten by an open one."""
    _app, clock, wakeups = bot
    await slash(fake, f'poll new question="Tea or coffee?" answers="Tea|Coffee" duration=1h to=#{GENERAL}',
                "USAM", "n")
    ts = fake.messages[-1].ts
    members = [f"U{n:03d}" for n in range(30)]
    for n, member in enumerate(members):
        await fake.send_socket("interactive", block_actions_payload(
            f"poll:vote:1:{n % 2}", user_id=member, channel_id=GENERAL, message_ts=ts,
            response_url=fake.response_url(f"v{n}")))
        await fake.wait_for(lambda n=n: [r for r in fake.responses if r["key"] == f"v{n}"])
        await wakeups.advance_to(clock.now() + timedelta(seconds=2))
    await wakeups.advance_to(clock.now() + timedelta(seconds=5))
    updates = [u for u in fake.calls_to("chat.update") if u.args["ts"] == ts]
    assert 12 <= len(updates) <= 13  # 60 s of clicks, one redraw per 5 s period (not 30)
    assert "Tea — 15 votes (50%)" in json.dumps(updates[-1].args["blocks"], ensure_ascii=False)
    assert "30 members voted" in json.dumps(updates[-1].args["blocks"], ensure_ascii=False)

    # a last vote, then the poll ends before its period is over: the closing card shows it, once, and stays
    await fake.send_socket("interactive", block_actions_payload(
        "poll:vote:1:0", user_id="ULAST", channel_id=GENERAL, message_ts=ts, response_url=fake.response_url("x")))
    await fake.wait_for(lambda: [r for r in fake.responses if r["key"] == "x"])
    before = len(fake.calls_to("chat.update"))
    await slash(fake, "poll close 1", "UCM", "close")
    await wakeups.advance_to(clock.now() + timedelta(minutes=1))
    after = [u for u in fake.calls_to("chat.update")[before - 1:] if u.args["ts"] == ts]
    final = json.dumps(after[-1].args["blocks"], ensure_ascii=False)
    assert "poll:vote" not in final and "*Tea* — 16 votes (51.6%)" in final and "31 members voted" in final
    assert sum("poll:vote" not in json.dumps(u.args["blocks"]) for u in after) == 1


@pytest.mark.parametrize("config", [CONFIG + "\n[communities.polls]\ncard_update_seconds = 0\n"])
async def test_with_no_period_every_click_redraws_the_card(bot, fake):
    await slash(fake, f'poll new question="Now?" answers="Yes|No" to=#{GENERAL}', "USAM", "n")
    ts = fake.messages[-1].ts
    for n in range(3):
        await fake.send_socket("interactive", block_actions_payload(
            "poll:vote:1:0", user_id=f"U{n}", channel_id=GENERAL, message_ts=ts,
            response_url=fake.response_url(f"v{n}")))
    await fake.wait_for(lambda: len([u for u in fake.calls_to("chat.update") if u.args["ts"] == ts]) == 3)
