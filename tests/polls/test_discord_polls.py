"""Polls on Discord at the wire: the real discord.py against the local fake, the calendar and polls features.

The SMM schedules a poll with `/poll new`, a CM approves it, the calendar publishes it as Discord's native poll
(the poll is in the message payload), members' votes arrive as MESSAGE_POLL_VOTE_ADD / _REMOVE, and at its end
the bot ends the poll on Discord (its final count includes a vote the bot never heard of) and posts the results
once. Hostile words in the question stay inert.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import discord
import pytest

from bot.app import App
from bot.clock import SimulatedClock
from bot.features.calendar import feature as calendar_feature
from bot.features.polls import feature as polls_feature
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.discord.conftest import make_platform
from tests.fakes.discord_fake import FakeDiscord
from tests.patience import PATIENCE
from tests.polls.conftest import START

GUILD, SMM_ROLE, CM_ROLE, NEWS = "100", "501", "502", "710"
CONFIG = f"""
[bot]
database = "{{db}}"

[[communities]]
id = "brand"
name = "Brand"
locale = "en"
timezone = "Europe/Paris"

[communities.calendar]
approval_required = true

[communities.discord]
space_id = "{GUILD}"
roles = {{{{ smm = ["{SMM_ROLE}"], cm = ["{CM_ROLE}"] }}}}
"""


@pytest.fixture
async def bot(tmp_path):
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = await FakeDiscord(guild_ids=(GUILD,)).start()
    fake.add_channel(NEWS, "news")
    settings = parse_settings(CONFIG.format(db=tmp_path / "bot.db"), "polls-discord.toml")
    clock = SimulatedClock(START)
    wakeups = SteppedWakeups(clock)
    app = App(settings, Store.open(settings.bot.database), clock, wakeups,
              features=[calendar_feature, polls_feature])
    app.attach([make_platform(fake, settings, app.services.commands)])
    await app.start()
    yield app, fake, clock, wakeups
    await app.stop()
    await fake.stop()
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


async def until(check, what: str) -> None:
    """A bounded wait for an effect of a gateway event (it is handled on its own task)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not check():
        assert loop.time() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.01)


def command(fake: FakeDiscord, user: str, role: str, sub: str, **values: str) -> dict:
    options = [{"type": 1, "name": sub, "options": [{"type": 3, "name": k, "value": v} for k, v in values.items()]}]
    return fake.command("poll" if sub in {"new", "close", "results", "list"} else "post", user, roles=(role,),
                        options=options)


async def answer_of(fake: FakeDiscord, interaction: dict) -> str:
    """The text of an interaction's answer (a deferred one is finished through the webhook)."""
    [callback] = await fake.wait_for_request("POST",
                                             rf"/interactions/{interaction['id']}/{interaction['token']}/callback")
    if callback.json["type"] == 5:  # deferred (a slow command): the answer follows through the webhook
        await until(lambda: any(interaction["token"] in r.path and "webhooks" in r.path for r in fake.requests),
                    "the deferred answer")
    sent = [r for r in fake.requests if interaction["token"] in r.path and r.method in ("POST", "PATCH")]
    return json.dumps([r.json for r in sent], ensure_ascii=False)


async def test_a_scheduled_native_poll_is_approved_published_voted_and_closed_once(bot):
    app, fake, clock, wakeups = bot
    question = "Live on Thursday? @everyone **yes**"
    new = command(fake, "42", SMM_ROLE, "new", question=question, answers="Yes | No | <@&502> maybe",
                  duration="90m", to=f"#{NEWS}", at="2026-11-23 12:00", campaign="launch")
    await fake.dispatch("INTERACTION_CREATE", new)
    await until(lambda: "Poll #1 created" in json.dumps([r.json for r in fake.requests]), "the poll is created")
    approve = fake.command("post", "43", roles=(CM_ROLE,), options=[
        {"type": 1, "name": "approve", "options": [{"type": 4, "name": "id", "value": 1}]}])
    await fake.dispatch("INTERACTION_CREATE", approve)
    assert "approved" in await answer_of(fake, approve)

    await wakeups.advance_to(START.replace(hour=11))  # 12:00 in Paris
    [sent] = await fake.wait_for_request("POST", rf"/channels/{NEWS}/messages")
    poll = sent.json["poll"]
    assert poll["question"]["text"] == question  # Discord shows poll text as typed, never as markdown
    assert [a["poll_media"]["text"] for a in poll["answers"]] == ["Yes", "No", "<@&502> maybe"]
    assert poll["duration"] == 2 and poll["allow_multiselect"] is False  # 90 minutes: 2 whole hours on Discord
    assert sent.json["allowed_mentions"]["parse"] == [] and sent.json.get("nonce")
    assert "@everyone" not in sent.json["content"]
    message_id = fake.channel_messages[NEWS][-1]["id"]

    db = app.services.store.db

    def votes() -> list[tuple[int, str]]:
        return db.execute("SELECT answer, member_id FROM poll_votes ORDER BY member_id, answer").fetchall()

    steps = [  # each vote, then the votes the bot holds once it is handled
        (("61", 1, True), [(0, "61")]),
        (("62", 2, True), [(0, "61"), (1, "62")]),
        (("62", 1, True), [(0, "61"), (0, "62")]),  # a change of mind: Discord removes the old vote first
        (("63", 3, True), [(0, "61"), (0, "62"), (2, "63")]),
        (("63", 3, False), [(0, "61"), (0, "62")]),
    ]
    for (user, answer, added), expected in steps:
        await fake.vote(user, message_id, answer, added=added)
        await until(lambda expected=expected: votes() == expected, f"the votes {expected}")
    await fake.vote("64", message_id, 2, dispatch=False)  # a vote cast while the bot was away

    await wakeups.advance_to(START.replace(hour=11) + timedelta(minutes=90))
    await fake.wait_for_request("POST", rf"/channels/{NEWS}/polls/{message_id}/expire")
    await until(lambda: db.execute("SELECT status FROM poll_results").fetchall() == [("native",)],
                "the results left to Discord")
    [own] = [m for m in fake.channel_messages[NEWS] if m["type"] == 46]  # Discord's own results message
    fields = {f["name"]: f["value"] for f in own["embeds"][0]["fields"]}
    assert fields["victor_answer_text"] == "Yes" and fields["total_votes"] == "3"
    assert len(fake.requests_to("POST", rf"/channels/{NEWS}/messages")) == 1  # cmbot posts no duplicate
    counts = db.execute("SELECT final_counts FROM poll_messages").fetchone()
    assert json.loads(counts[0]) == [2, 1, 0]  # Discord's count, the vote cast while the bot was away included
    results = command(fake, "43", CM_ROLE, "results", id="1")
    await fake.dispatch("INTERACTION_CREATE", results)
    shown = await answer_of(fake, results)  # cmbot's figures stay one command away
    assert "2 votes (66.7%)" in shown and "1 vote (33.3%)" in shown and "3 members voted" in shown

    # nothing more happens: the sweep and a CM's late close post no second results
    await wakeups.advance_to(clock.now() + timedelta(hours=3))
    close = command(fake, "43", CM_ROLE, "close", id="1")
    await fake.dispatch("INTERACTION_CREATE", close)
    assert "already closed" in await answer_of(fake, close)
    assert len(fake.requests_to("POST", rf"/channels/{NEWS}/messages")) == 1
    assert len(fake.requests_to("POST", rf"/channels/{NEWS}/polls/{message_id}/expire")) == 1


async def test_a_poll_discord_already_ended_is_read_from_the_message(bot):
    app, fake, _clock, wakeups = bot
    await fake.dispatch("INTERACTION_CREATE", command(
        fake, "42", CM_ROLE, "new", question="Tea?", answers="Yes|No", duration="1h", to=f"#{NEWS}",
        at="2026-11-23 12:00"))
    db = app.services.store.db
    await until(lambda: db.execute("SELECT count(*) FROM polls").fetchone() == (1,), "the poll is created")
    approve = fake.command("post", "43", roles=(SMM_ROLE,), options=[
        {"type": 1, "name": "approve", "options": [{"type": 4, "name": "id", "value": 1}]}])
    await fake.dispatch("INTERACTION_CREATE", approve)
    await answer_of(fake, approve)
    await wakeups.advance_to(START.replace(hour=11))
    await fake.wait_for_request("POST", rf"/channels/{NEWS}/messages")
    message_id = fake.channel_messages[NEWS][-1]["id"]
    await fake.vote("61", message_id, 2, dispatch=False)
    fake.channel_messages[NEWS][-1]["poll"]["results"]["is_finalized"] = True  # Discord ended it on its own
    await wakeups.advance_to(START.replace(hour=12))
    await until(lambda: db.execute("SELECT status FROM poll_results").fetchall() == [("native",)],
                "the results left to Discord, which showed them when it ended the poll")
    assert fake.requests_to("GET", rf"/channels/{NEWS}/messages/{message_id}")
    assert json.loads(db.execute("SELECT final_counts FROM poll_messages").fetchone()[0]) == [0, 1]
    assert len(fake.requests_to("POST", rf"/channels/{NEWS}/messages")) == 1


async def test_the_live_count_follows_discords_voter_lists_when_vote_events_were_missed(bot):
    app, fake, clock, wakeups = bot
    await fake.dispatch("INTERACTION_CREATE", command(
        fake, "42", CM_ROLE, "new", question="Tea?", answers="Yes|No", duration="2h", to=f"#{NEWS}",
        at="2026-11-23 12:00"))
    db = app.services.store.db
    await until(lambda: db.execute("SELECT count(*) FROM polls").fetchone() == (1,), "the poll is created")
    approve = fake.command("post", "43", roles=(SMM_ROLE,), options=[
        {"type": 1, "name": "approve", "options": [{"type": 4, "name": "id", "value": 1}]}])
    await fake.dispatch("INTERACTION_CREATE", approve)
    await answer_of(fake, approve)
    await wakeups.advance_to(START.replace(hour=11))
    await fake.wait_for_request("POST", rf"/channels/{NEWS}/messages")
    message_id = fake.channel_messages[NEWS][-1]["id"]

    def votes() -> list[tuple[int, str]]:
        return db.execute("SELECT answer, member_id FROM poll_votes ORDER BY member_id, answer").fetchall()

    await fake.vote("61", message_id, 1)
    await until(lambda: votes() == [(0, "61")], "the vote heard")
    await fake.vote("62", message_id, 2, dispatch=False)  # cast while the bot was away…
    await fake.vote("61", message_id, 1, added=False, dispatch=False)  # …and one withdrawn: two events missed
    results = command(fake, "43", CM_ROLE, "results", id="1")
    await fake.dispatch("INTERACTION_CREATE", results)
    shown = await answer_of(fake, results)
    assert votes() == [(1, "62")]  # recounted from Discord's voter lists before answering
    assert "1 member voted" in shown and "0 votes (0%)" in shown
    assert fake.requests_to("GET", rf"/channels/{NEWS}/polls/{message_id}/answers/[12]")

    for voter in range(100, 230):  # more voters than one page of Discord's list
        await fake.vote(str(voter), message_id, 1, dispatch=False)
    asked = len(fake.requests_to("GET", rf"/channels/{NEWS}/polls/{message_id}/answers/\d+"))
    await wakeups.advance_to(clock.now() + timedelta(minutes=10, seconds=1))  # the periodic recount
    assert len(votes()) == 131 and (1, "62") in votes()
    assert len(fake.requests_to("GET", rf"/channels/{NEWS}/polls/{message_id}/answers/\d+")) == asked + 3

    await wakeups.advance_to(START.replace(hour=13))
    await until(lambda: db.execute("SELECT status FROM poll_results").fetchall() == [("native",)], "the end")
    final = json.loads(db.execute("SELECT final_counts FROM poll_messages").fetchone()[0])
    assert final == [130, 1]  # Discord's final count, which the live count already matched
