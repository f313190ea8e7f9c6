"""Surveys on Slack, at the wire: the real Slack adapter (Socket Mode) against the local fake.

`/cmbot survey new kind=csat where=dm` sends the survey to the active member's DM as Block Kit buttons; a
click (block_actions) opens the comment modal (views.open); the submitted view is stored and thanked. A channel
survey is posted with its buttons and updated (chat.update, no buttons) when it closes.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.platforms.slack import SlackPlatform
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.discord.test_wire_events import until
from tests.fakes.slack_fake import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    SlackFake,
    block_actions_payload,
    command_payload,
    view_submission_payload,
)
from tests.patience import PATIENCE
from tests.slack.harness import GENERAL, SLACK_TOML
from tests.surveys.conftest import START

STRATEGY = "CSTRATEGY"
CONFIG = SLACK_TOML.replace('moderation = "CMOD" }', f'moderation = "CMOD", strategy = "{STRATEGY}" }}')


@pytest.fixture
async def fake():
    slack = SlackFake()
    await slack.start()
    for user_id, name in (("UADA", "Ada"), ("UBOB", "Bob"), ("UCM", "Claire")):
        slack.add_user(user_id, name)
    for channel, name in ((GENERAL, "general"), (STRATEGY, "strategy")):
        slack.add_channel(channel, name)
    yield slack
    await slack.stop()


@pytest.fixture
async def bot(tmp_path, fake):
    settings = parse_settings(CONFIG, "surveys-slack.toml")
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(tmp_path / "cmbot.db"), clock, wakeups, features=shipped_features())
    app.attach([SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                              settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                              api_base=fake.api_base)])
    await app.start()
    yield app, wakeups, clock
    await app.stop()


def action_ids(blocks) -> list[str]:
    return [e["action_id"] for b in blocks or [] if b["type"] == "actions" for e in b["elements"]]


async def test_a_dm_survey_is_answered_with_buttons_and_a_modal(bot, fake):
    app, _wakeups, _clock = bot
    await fake.send_event({"type": "message", "user": "UADA", "text": "hello", "channel": GENERAL,
                           "ts": f"{int(START.timestamp()) - 3600}.000100", "channel_type": "channel"})

    async def logged() -> None:
        while True:  # a bounded poll: the adapter hands the event over on its own task
            await app.services.flush_pending()
            if app.services.store.db.execute("SELECT count(*) FROM engagement_events").fetchone()[0]:
                return
            await asyncio.sleep(0.01)

    await asyncio.wait_for(logged(), PATIENCE)
    await fake.send_socket("slash_commands", command_payload("survey new kind=csat where=dm", user_id="UCM",
                                                             response_url=fake.response_url("s")))
    [answer] = await fake.wait_for(lambda: fake.responses)
    assert "1 member will get it" in str(answer)
    [dm] = await fake.wait_for(lambda: [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "DADA"])
    assert action_ids(dm.args.get("blocks")) == [f"srv:s:1:{n}" for n in range(1, 6)] + ["srv:o:1"]

    click = block_actions_payload("srv:s:1:2", user_id="UADA", channel_id="DADA", message_ts="1.000001",
                                  response_url=fake.response_url("c"))
    await fake.send_socket("interactive", click)
    [opened] = await fake.wait_for(lambda: fake.calls_to("views.open"))
    view = opened.args["view"]
    assert view["callback_id"] == "srv:c:1" and view["blocks"][0]["optional"] is True

    submit = view_submission_payload("srv:c:1", {"comment": "Trop lent <!channel> & <script>"}, user_id="UADA",
                                     channel_id="DADA")
    await fake.send_socket("interactive", submit)
    await until(lambda: app.services.store.db.execute("SELECT comment FROM survey_answers").fetchone()
                == ("Trop lent <!channel> & <script>",))
    [thanks] = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral"))
    assert thanks.args["user"] == "UADA" and "comment are recorded" in thanks.args["text"]
    assert app.services.store.db.execute("SELECT platform, member_id, score FROM survey_answers").fetchall() == [
        ("slack", "UADA", 2)]


async def test_a_channel_survey_loses_its_buttons_when_it_closes(bot, fake):
    app, wakeups, clock = bot
    await fake.send_socket("slash_commands", command_payload(f"survey new kind=nps channel=<#{GENERAL}> days=1",
                                                             user_id="UCM", response_url=fake.response_url("s")))
    [post] = await fake.wait_for(lambda: [c for c in fake.calls_to("chat.postMessage")
                                          if c.args["channel"] == GENERAL])
    assert len(action_ids(post.args.get("blocks"))) == 11
    await wakeups.advance_to(clock.now() + timedelta(days=1, minutes=2))
    [update] = await fake.wait_for(lambda: fake.calls_to("chat.update"))
    assert update.args["channel"] == GENERAL and action_ids(update.args.get("blocks")) == []
    [results] = await fake.wait_for(lambda: [c for c in fake.calls_to("chat.postMessage")
                                             if c.args["channel"] == STRATEGY])
    assert "No answer yet" in str(results.args)
    assert app.services.store.db.execute("SELECT status FROM surveys").fetchall() == [("closed",)]


async def started(fake, path, clock: SimulatedClock, config: str) -> tuple[App, SteppedWakeups]:
    settings = parse_settings(config, "surveys-slack.toml")
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(path), clock, wakeups, features=shipped_features())
    app.attach([SlackPlatform(bot_token=BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET,
                              settings=settings, commands=app.services.commands, catalogue=app.services.catalogue,
                              api_base=fake.api_base)])
    await app.start()
    return app, wakeups


async def test_closing_a_dm_survey_edits_each_dm_once_at_the_dm_rate_across_a_restart(fake, tmp_path):
    config = CONFIG + "\n[communities.surveys]\ndms_per_minute = 1\n"
    clock = SimulatedClock(START)
    app, wakeups = await started(fake, tmp_path / "cmbot.db", clock, config)
    for member, n in (("UADA", 1), ("UBOB", 2)):
        await fake.send_event({"type": "message", "user": member, "text": "hello", "channel": GENERAL,
                               "ts": f"{int(START.timestamp()) - 3600}.00010{n}", "channel_type": "channel"})
    await until(lambda: app.services.store.db.execute("SELECT count(*) FROM seen_events").fetchone()[0] >= 2)
    await fake.send_socket("slash_commands", command_payload("survey new kind=nps where=dm", user_id="UCM",
                                                             response_url=fake.response_url("s")))
    await fake.wait_for(lambda: [r for r in fake.responses if r["key"] == "s"])
    await wakeups.advance_to(clock.now() + timedelta(minutes=2))
    dms = await fake.wait_for(lambda: len([c for c in fake.calls_to("chat.postMessage")
                                           if c.args["channel"] in ("DADA", "DBOB")]) == 2
                              and [m for m in fake.messages if m.channel in ("DADA", "DBOB")])
    sent = {m.channel: m.ts for m in dms}

    await wakeups.advance_to(clock.now() + timedelta(minutes=2))  # the last DM's minute is over
    await fake.send_socket("slash_commands", command_payload("survey close id=1", user_id="UCM",
                                                             response_url=fake.response_url("c")))
    [edit] = await fake.wait_for(lambda: fake.calls_to("chat.update"))  # the minute's budget: one
    assert sent[edit.args["channel"]] == edit.args["ts"] and action_ids(edit.args.get("blocks")) == []
    assert "This survey is closed" in str(edit.args)
    await app.stop()

    app, wakeups = await started(fake, tmp_path / "cmbot.db", clock, config)  # the other DM is edited after it
    await wakeups.advance_to(clock.now() + timedelta(minutes=3))
    edits = await fake.wait_for(lambda: len(fake.calls_to("chat.update")) == 2 and fake.calls_to("chat.update"))
    assert {(e.args["channel"], e.args["ts"]) for e in edits} == set(sent.items())  # each DM once
    await wakeups.advance_to(clock.now() + timedelta(days=1))
    assert len(fake.calls_to("chat.update")) == 2

    await fake.send_socket("interactive", block_actions_payload(  # a click from a client showing the old DM
        "srv:s:1:9", user_id="UBOB", channel_id="DBOB", message_ts=sent["DBOB"], response_url=fake.response_url("l")))
    [late] = await fake.wait_for(lambda: [r for r in fake.responses if r["key"] == "l"])
    assert "This survey is closed" in str(late)
    assert app.services.store.db.execute("SELECT count(*) FROM survey_answers").fetchone() == (0,)
    await app.stop()
