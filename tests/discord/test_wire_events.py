"""The real discord.py client against the local fake: gateway events reach the core, posts reach REST."""

from __future__ import annotations

import asyncio

from bot.events import MemberJoined, MessagePosted
from tests.discord.conftest import GUILD, SMM_ROLE, WELCOME_CHANNEL
from tests.fakes.discord_fake import member, user
from tests.patience import PATIENCE


async def until(predicate, timeout: float = PATIENCE) -> None:
    """Bounded poll for an effect that has no request to wait on."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def test_start_syncs_commands_to_the_configured_guild(harness):
    calls = harness.fake.requests_to("PUT", rf"/applications/\d+/guilds/{GUILD}/commands")
    assert len(calls) == 1
    names = {c["name"] for c in calls[0].json}
    assert {"ping", "post", "Report to moderators"} <= names
    assert harness.platform.bot_user_id == harness.fake.bot_id


async def test_member_join_posts_a_welcome_that_pings_only_the_new_member(harness):
    joined = member("42", "Zoé", roles=()) | {"guild_id": GUILD}
    await harness.fake.dispatch("GUILD_MEMBER_ADD", joined)

    [call] = await harness.fake.wait_for_request("POST", rf"/channels/{WELCOME_CHANNEL}/messages")
    assert harness.seen.of(MemberJoined)[0].member.id == "42"
    assert harness.seen.of(MemberJoined)[0].member_count == 3  # the guild's 2 members, then the newcomer
    mentions = call.json["allowed_mentions"]
    assert mentions["parse"] == []  # neither @everyone/@here nor roles, whatever the text says
    assert [str(u) for u in mentions["users"]] == ["42"]
    content = call.json["content"]
    assert content.startswith("Bienvenue <@42> !")
    assert "@everyone" not in content.replace("@\u200beveryone", "")  # the typed ping is made inert


async def test_message_becomes_an_event_with_the_authors_roles(harness):
    payload = harness.fake.message("700", user("43", "Ana"), "bonjour", guild_id=GUILD, roles=(SMM_ROLE, "999"))
    await harness.fake.dispatch("MESSAGE_CREATE", payload)

    await until(lambda: harness.seen.of(MessagePosted))
    [event] = harness.seen.of(MessagePosted)
    assert event.member.roles == frozenset({SMM_ROLE, "999"})
    assert (event.space_id, event.channel.id, event.text) == (GUILD, "700", "bonjour")
    assert event.message_id == payload["id"]


async def test_each_gateway_frame_is_decoded_once(harness, monkeypatch):
    """The adapter reads the payloads discord.py decoded: a frame is never parsed a second time for us, and a
    frame we do not translate (a typing notice) reaches no handler and spawns nothing of ours."""
    import json

    import discord

    decoded: list[str] = []

    def counting(original):
        def decode(text, *args, **kwargs):
            if isinstance(text, str) and '"op"' in text:
                decoded.append(text)
            return original(text, *args, **kwargs)

        return decode

    monkeypatch.setattr(json, "loads", counting(json.loads))  # anyone's decoding of a frame
    monkeypatch.setattr(discord.utils, "_from_json", counting(discord.utils._from_json))  # discord.py's own
    frames = 5
    for index in range(frames):
        payload = harness.fake.message("700", user("43", "Ana"), f"bonjour {index}", guild_id=GUILD)
        await harness.fake.dispatch("MESSAGE_CREATE", payload)
        await harness.fake.dispatch("TYPING_START", {"channel_id": "700", "guild_id": GUILD, "user_id": "43",
                                                     "timestamp": 0})
    await until(lambda: len(harness.seen.of(MessagePosted)) == frames)
    assert [e.text for e in harness.seen.of(MessagePosted)] == [f"bonjour {i}" for i in range(frames)]
    assert len([text for text in decoded if '"t": "MESSAGE_CREATE"' in text or '"t":"MESSAGE_CREATE"' in text]) \
        == frames  # discord.py's own decoding, and nothing more
    assert len(harness.seen.events) == frames


async def test_a_plain_channel_is_looked_up_once_and_a_thread_still_names_its_parent(harness):
    """Every message asks whether its channel is a thread (its event names the parent channel then): a channel
    discord.py knows as a plain one is asked about once, as it never becomes a thread; a thread's messages
    still name their parent channel. Counted in look-ups of discord.py's channel cache."""
    client = harness.platform.client
    looked_up: list[int] = []
    original = client.get_channel

    def get_channel(channel_id):
        looked_up.append(channel_id)
        return original(channel_id)

    client.get_channel = get_channel
    thread = harness.fake.add_channel("7001", "questions", thread_of="700") | {"guild_id": GUILD}
    await harness.fake.dispatch("THREAD_CREATE", thread | {"newly_created": True})
    texts = ["un", "deux", "trois"]
    for text in texts:
        await harness.fake.dispatch("MESSAGE_CREATE", harness.fake.message("700", user("43", "Ana"), text,
                                                                           guild_id=GUILD))
        await harness.fake.dispatch("MESSAGE_CREATE", harness.fake.message("7001", user("44", "Léo"),
                                                                           f"fil {text}", guild_id=GUILD))
    await until(lambda: len(harness.seen.of(MessagePosted)) == 2 * len(texts))
    events = harness.seen.of(MessagePosted)
    assert [(e.channel.id, e.thread_id) for e in events if e.text in texts] == [("700", None)] * len(texts)
    assert [(e.channel.id, e.thread_id) for e in events if e.text.startswith("fil ")] == [("700", "7001")] * 3
    assert looked_up.count(700) == 1
    assert looked_up.count(7001) == len(texts)
