"""Flags end to end through the dispatcher: store first, one card per message, buttons, roles, edits."""

from __future__ import annotations

from bot.actions import Answer, DeleteMessage, DirectMessage, EditMessage, Post, TimeoutMember
from bot.events import PlatformName
from bot.platform import Capability
from tests.moderation.conftest import ALICE
from tests.recording import RecordingPlatform


async def test_a_clean_message_writes_nothing(bot):
    await bot.post("Bonjour à tous, le concours commence demain !")
    assert bot.flags() == []
    assert bot.platform.actions == []


async def test_a_hit_is_stored_then_posted_to_the_queue_with_buttons(bot):
    await bot.post("you are a b1tch")
    [flag] = bot.flags()
    assert flag["rules"] == "terms" and flag["status"] == "open" and flag["severity"] == "medium"
    assert flag["excerpt"] == "you are a b1tch" and flag["member_id"] == "alice"
    [card] = bot.platform.of_type(Post)
    assert card.channel_id == "modq"
    assert [b.custom_id for b in card.content.buttons] == [f"mod:{v}:{flag['id']}" for v in
                                                           ("dismiss", "delete", "warn", "timeout")]  # fmt: skip
    assert "alice" not in card.content.mentioned_user_ids()  # named, never pinged
    await bot.app.services.flush_pending()  # the card's reference waits for the next store trip, or a flush
    [flag] = bot.flags()
    assert flag["card_message_id"] == "r1" and flag["card_channel_id"] == "modq"


async def test_several_hits_on_one_message_make_one_flag(bot):
    await bot.post("FUCK YOU ALL, GO TO DISCORD.GG/FREESTUFF @everyone")
    [flag] = bot.flags()
    assert set(flag["rules"].split(",")) == {"terms", "links", "mentions", "caps"}
    assert {r["rule"] for r in bot.flag_rules()} == {"terms", "links", "mentions", "caps"}
    assert len(bot.platform.of_type(Post)) == 1


async def test_an_edit_is_checked_again_and_joins_the_open_flag(bot):
    await bot.post("hello there", message_id="m100")
    assert bot.flags() == []
    await bot.edit("m100", "hello there, connard")
    [flag] = bot.flags()
    assert flag["message_id"] == "m100"
    await bot.edit("m100", "hello there, connard, discord.gg/other")
    [flag] = bot.flags()
    assert flag["rules"] == "links,terms"
    assert len(bot.platform.of_type(Post)) == 1
    [refresh] = bot.platform.of_type(EditMessage)
    assert refresh.message_id == "r1"


async def test_dismiss_records_who_and_when_and_closes_the_card(bot):
    await bot.post("espèce de connard")
    [flag] = bot.flags()
    results = await bot.click(f"mod:dismiss:{flag['id']}")
    [flag] = bot.flags()
    assert flag["status"] == "dismissed" and flag["decided_by"] == "claire" and flag["decided_at"]
    [edit] = bot.platform.of_type(EditMessage)
    assert edit.content.buttons == () and "Claire" in edit.content.footer.plain()
    assert results[-1].ok
    second = await bot.click(f"mod:delete:{flag['id']}")
    answers = bot.platform.of_type(Answer)
    assert "already been handled" in answers[-1].content.text.plain() and second
    assert bot.platform.of_type(DeleteMessage) == []


async def test_delete_warn_and_timeout(bot):
    for text in ("connard", "salope", "pute"):
        await bot.post(text)
    first, second, third = bot.flags()
    await bot.click(f"mod:delete:{first['id']}")
    await bot.click(f"mod:warn:{second['id']}")
    await bot.click(f"mod:timeout:{third['id']}")
    [delete] = bot.platform.of_type(DeleteMessage)
    assert delete.message_id == first["message_id"]
    [warning] = bot.platform.of_type(DirectMessage)
    assert warning.member_id == "alice" and "Demo" in warning.content.text.plain()
    [timeout] = bot.platform.of_type(TimeoutMember)
    assert timeout.member_id == "alice" and timeout.duration.total_seconds() == 600
    assert [f["status"] for f in bot.flags()] == ["deleted", "warned", "timed_out"]


async def test_only_moderators_may_decide(bot):
    await bot.post("connard")
    [flag] = bot.flags()
    await bot.click(f"mod:delete:{flag['id']}", member=ALICE)
    assert bot.flags()[0]["status"] == "open"
    assert "Only moderators" in bot.platform.of_type(Answer)[-1].content.text.plain()
    assert bot.platform.of_type(DeleteMessage) == []


async def test_no_timeout_button_where_the_platform_cannot(make_bot):
    platform = RecordingPlatform(PlatformName.CONSOLE, frozenset(Capability) - {Capability.TIMEOUT})
    bot = await make_bot(platform=platform)
    await bot.post("connard")
    [card] = platform.of_type(Post)
    assert [b.custom_id.split(":")[1] for b in card.content.buttons] == ["dismiss", "delete", "warn"]
    await bot.click(f"mod:timeout:{bot.flags()[0]['id']}")
    assert platform.of_type(TimeoutMember) == [] and bot.flags()[0]["status"] == "open"


async def test_scam_links_are_deleted_and_flagged_by_default(make_bot, tmp_path):
    scams = tmp_path / "scams.txt"
    scams.write_text("free-nitro-gifts.example\n", encoding="utf-8")
    bot = await make_bot(f'links = {{ scam_list = "{scams}" }}')
    await bot.post("claim it https://free-nitro-gifts.example/claim", message_id="m9")
    [flag] = bot.flags()
    assert flag["severity"] == "critical" and flag["auto_action"] == "delete"
    [delete] = bot.platform.of_type(DeleteMessage)
    assert delete.message_id == "m9"
    [card] = bot.platform.of_type(Post)
    assert any("deleted" in f.value.plain() for f in card.content.fields)


async def test_cards_speak_the_community_locale(make_bot):
    bot = await make_bot(locale="fr")
    await bot.post("connard")
    [card] = bot.platform.of_type(Post)
    assert card.content.title.plain().startswith("Signalement")
    assert next(b.label for b in card.content.buttons) == "Ignorer"


async def test_hostile_messages_through_the_whole_path(bot):
    await bot.post("connard \ud800\udc00\ud83d" + "\u0301" * 50)  # a broken surrogate pair from a platform
    await bot.post("\u0301" * 10_000)  # only combining characters: a wall of them is "repeated" spam
    await bot.post("a" * 100_000)  # a very long message: caught by "repeated" only, stored short
    first, second, third = bot.flags()
    assert first["excerpt"].startswith("connard") and "\ud83d" not in first["excerpt"]
    first["excerpt"].encode("utf-8")  # storable and printable as UTF-8
    assert second["rules"] == "repeated" and third["rules"] == "repeated" and len(third["excerpt"]) <= 160
