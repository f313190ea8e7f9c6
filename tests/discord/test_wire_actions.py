"""Actions carried out by the real client against the fake: retries, fallbacks, failures sorted by permanence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.actions import (
    Button,
    Content,
    DeleteMessage,
    DirectMessage,
    EditMessage,
    FindPost,
    Post,
    React,
    ReplyInThread,
    TimeoutMember,
)
from bot.text import MentionUser, Text
from tests.discord.conftest import GUILD


def content(text: str = "hello") -> Content:
    return Content(text=Text.of(text))


async def test_a_429_is_retried_by_discord_py_and_the_post_arrives_once(harness):
    harness.fake.queue_error("POST", r"/channels/710/messages", 429,
                             {"message": "You are being rate limited.", "retry_after": 0.05, "global": False})

    result = await harness.platform.execute(Post(channel_id="710", content=content(), idempotency_key="cal:1:d"))

    assert result.ok, result.error
    assert len(harness.fake.requests_to("POST", r"/channels/710/messages")) == 2  # the 429, then the retry
    assert len(harness.fake.channel_messages["710"]) == 1
    assert harness.fake.requests_to("POST", r"/channels/710/messages")[-1].json["nonce"] == "cal:1:d"


async def test_closed_dms_fall_back_to_the_channel(harness):
    harness.fake.dms_closed.add("50")
    action = DirectMessage(member_id="50", content=Content(text=Text.of("Salut ", MentionUser("50"))),
                           fallback_channel_id="701")

    result = await harness.platform.execute(action)

    assert result.ok and result.channel_id == "701"
    assert len(harness.fake.requests_to("POST", r"/channels/850/messages")) == 1  # the DM, refused
    [posted] = harness.fake.requests_to("POST", r"/channels/701/messages")
    assert posted.json["content"] == "Salut <@50>"
    assert [str(u) for u in posted.json["allowed_mentions"]["users"]] == ["50"]


async def test_closed_dms_without_fallback_fail_permanently(harness):
    harness.fake.dms_closed.add("51")
    result = await harness.platform.execute(DirectMessage(member_id="51", content=content()))
    assert not result.ok and result.permanent and "50007" in result.error


async def test_missing_permission_is_permanent_and_a_server_error_is_not(harness):
    harness.fake.queue_error("POST", r"/channels/711/messages", 403, {"message": "Missing Permissions", "code": 50013})
    refused = await harness.platform.execute(Post(channel_id="711", content=content()))
    # a 429 without Discord's Via header is an edge (Cloudflare) block: discord.py gives up at once
    harness.fake.queue_error("DELETE", r"/channels/711/messages/5", 429, {"message": "blocked", "retry_after": 1},
                             headers={"Via": ""})
    broken = await harness.platform.execute(DeleteMessage(channel_id="711", message_id="5"))

    assert (refused.ok, refused.permanent) == (False, True)
    assert (broken.ok, broken.permanent) == (False, False)


async def test_delete_react_edit_and_timeout_reach_their_endpoints(harness):
    fake, platform = harness.fake, harness.platform
    assert (await platform.execute(DeleteMessage(channel_id="700", message_id="9", reason="spam"))).ok
    assert (await platform.execute(React(channel_id="700", message_id="9", emoji="👍"))).ok
    edit = EditMessage(channel_id="700", message_id="9", content=Content(text=Text.of("done"), buttons=()))
    assert (await platform.execute(edit)).ok
    timeout = TimeoutMember(member_id="52", duration=timedelta(minutes=10), reason="flood")
    assert (await platform.execute(timeout)).ok

    [deleted] = fake.requests_to("DELETE", r"/channels/700/messages/9")
    assert deleted.headers.get("X-Audit-Log-Reason") == "spam"
    assert fake.requests_to("PUT", r"/channels/700/messages/9/reactions/.+/@me")
    [edited] = fake.requests_to("PATCH", r"/channels/700/messages/9")
    assert edited.json["content"] == "done" and edited.json["components"] == []
    [muted] = fake.requests_to("PATCH", rf"/guilds/{GUILD}/members/52")
    until = datetime.fromisoformat(muted.json["communication_disabled_until"])
    assert timedelta(minutes=9) < until - datetime.now(UTC) <= timedelta(minutes=10)


async def test_buttons_are_sent_as_components_with_their_custom_ids(harness):
    buttons = (Button("moderation:approve:3", "Approve"), Button("moderation:reject:3", "Reject"))
    result = await harness.platform.execute(Post(channel_id="702", content=Content(text=Text.of("?"),
                                                                                  buttons=buttons)))
    assert result.ok
    [call] = harness.fake.requests_to("POST", r"/channels/702/messages")
    ids = [c["custom_id"] for row in call.json["components"] for c in row["components"]]
    assert ids == ["moderation:approve:3", "moderation:reject:3"]
    assert harness.platform.client.persistent_views == []  # nothing kept in memory per message


async def test_reply_in_thread_starts_a_thread_or_reuses_the_existing_one(harness):
    first = await harness.platform.execute(ReplyInThread(channel_id="700", parent_message_id="77",
                                                         content=content("first")))
    harness.fake.queue_error("POST", r"/channels/700/messages/77/threads", 400,
                             {"message": "A thread has already been created for this message", "code": 160004})
    second = await harness.platform.execute(ReplyInThread(channel_id="700", parent_message_id="77",
                                                          content=content("second")))

    assert first.ok and second.ok and first.channel_id == second.channel_id == "77"
    assert len(harness.fake.requests_to("POST", r"/channels/77/messages")) == 2


async def test_find_post_is_sure_only_when_it_can_be(harness):
    since = datetime.now(UTC) - timedelta(minutes=1)
    nothing = await harness.platform.execute(FindPost(channel_id="720", idempotency_key="cal:9", since=since))
    await harness.platform.execute(Post(channel_id="720", content=content(), idempotency_key="cal:9"))
    unsure = await harness.platform.execute(FindPost(channel_id="720", idempotency_key="cal:9", since=since))

    assert (nothing.ok, nothing.permanent, nothing.error) == (False, True, "not found")
    assert (unsure.ok, unsure.permanent) == (False, False)  # history hides nonces: no guess, no duplicate


async def test_a_retried_post_with_the_same_key_is_not_a_duplicate(harness):
    for _ in range(2):
        assert (await harness.platform.execute(Post(channel_id="721", content=content(), idempotency_key="k"))).ok
    assert len(harness.fake.channel_messages["721"]) == 1
