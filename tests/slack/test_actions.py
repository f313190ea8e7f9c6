"""Actions that reach the Web API beyond a plain post: cards with images, edits, thread replies, deletes."""

from __future__ import annotations

from bot.actions import Button, Content, DeleteMessage, EditMessage, Post, ReplyInThread
from bot.text import Text
from tests.slack.harness import GENERAL


async def test_a_card_with_an_image_is_posted_as_blocks_then_the_image_is_uploaded_beside_it(socket_bot, tmp_path):
    fake = socket_bot.fake
    image = tmp_path / "chart.png"
    image.write_bytes(b"\x89PNG fake image")
    content = Content(title=Text.of("Weekly report"), text=Text.of("figures"), image_path=str(image),
                      buttons=(Button("report:ack:1", "OK"),))
    result = await socket_bot.platform.execute(Post(channel_id=GENERAL, content=content))
    assert result.ok
    [call] = fake.calls_to("chat.postMessage")
    assert [b["type"] for b in call.args["blocks"]] == ["header", "section", "actions"]
    assert call.args["text"].startswith("Weekly report")
    [complete] = fake.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == GENERAL and complete.args["thread_ts"] == result.message_id


async def test_a_missing_image_is_logged_and_the_card_stays_posted(socket_bot, caplog):
    content = Content(title=Text.of("Report"), text=Text.of("x"), image_path="/nonexistent/chart.png")
    result = await socket_bot.platform.execute(Post(channel_id=GENERAL, content=content))
    assert result.ok and "chart.png" in caplog.text


async def test_edit_reply_and_delete_reach_their_methods(socket_bot):
    fake = socket_bot.fake
    platform = socket_bot.platform
    edited = await platform.execute(EditMessage(channel_id=GENERAL, message_id="9.1",
                                                content=Content(text=Text.of("decided"))))
    assert edited.ok
    [update] = fake.calls_to("chat.update")
    assert update.args["ts"] == "9.1" and update.args["text"] == "decided" and update.args["blocks"] == []
    reply = await platform.execute(ReplyInThread(channel_id=GENERAL, parent_message_id="9.1",
                                                 content=Content(text=Text.of("in thread"))))
    assert reply.ok and fake.calls_to("chat.postMessage")[0].args["thread_ts"] == "9.1"
    fake.queue_error("chat.delete", "cant_delete_message")
    refused = await platform.execute(DeleteMessage(channel_id=GENERAL, message_id="8.1"))
    assert not refused.ok and refused.permanent
    deleted = await platform.execute(DeleteMessage(channel_id=GENERAL, message_id="9.1"))
    assert deleted.ok and fake.calls_to("chat.delete")[-1].args == {"channel": GENERAL, "ts": "9.1"}
