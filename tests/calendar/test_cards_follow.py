"""Approval cards follow decisions: approved, rejected, edited or cancelled, by button or command, the card says
what happened, who and when, and loses its buttons; a click on an old card gets a clear private answer."""

from __future__ import annotations

from bot.actions import DirectMessage, EditMessage, Post
from tests.calendar.conftest import answer_text, start_bot

DRAFT = '/post draft body="Spring sale" to=#news at="2026-03-02 12:00"'


def edits(actions) -> list[EditMessage]:
    return [a for a in actions if isinstance(a, EditMessage)]


def review_cards(bot) -> list[Post]:
    return [p for p in bot.platform.staff_posts() if p.content.buttons]


async def drafted(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, approval_required=True)
    await bot.cmd("sam", DRAFT)
    [card] = review_cards(bot)
    assert [b.custom_id for b in card.content.buttons] == ["cal:approve:1", "cal:reject:1", "cal:edit:1"]
    return bot


async def test_approving_by_button_closes_the_card_with_who_and_when(tmp_path, clock):
    bot = await drafted(tmp_path, clock)
    actions = await bot.click("carla", "cal:approve:1")
    [closed] = edits(actions)
    assert closed.message_id == "m100" and closed.channel_id == "strategy"
    assert closed.content.buttons == ()
    text = closed.content.text.plain()
    assert "Approved by carla on" in text and "2026" in text
    assert any("Spring sale" in f.value.plain() for f in closed.content.fields)  # the record stays readable
    stale = await bot.click("sue", "cal:approve:1")
    assert "not waiting for approval (it is scheduled)" in answer_text(stale)
    assert edits(stale) == []
    await bot.app.stop()


async def test_approving_by_command_closes_the_card_too(tmp_path, clock):
    bot = await drafted(tmp_path, clock)
    actions = await bot.cmd("carla", "/post approve 1")
    [closed] = edits(actions)
    assert closed.message_id == "m100" and closed.content.buttons == ()
    assert "Approved by carla" in closed.content.text.plain()
    await bot.app.stop()


async def test_rejecting_closes_the_card_and_the_author_learns_who_why_and_what_next(tmp_path, clock):
    bot = await drafted(tmp_path, clock)
    actions = await bot.submit("carla", "cal:reject:1", reason="Wrong price.")
    [closed] = edits(actions)
    assert "Rejected by carla" in closed.content.text.plain() and closed.content.buttons == ()
    [notice] = [a for a in actions if isinstance(a, DirectMessage)]
    said = notice.content.text.plain()
    assert "rejected by carla" in said and "Wrong price." in said
    assert "/post edit id=1" in said and "/post reschedule id=1" in said
    edited = await bot.cmd("sam", '/post edit 1 body="Spring sale, right price"')
    assert "still a draft: submit it again with /post reschedule id=1" in answer_text(edited)
    await bot.app.stop()


async def test_cancelling_closes_the_card(tmp_path, clock):
    bot = await drafted(tmp_path, clock)
    [closed] = edits(await bot.cmd("sam", "/post cancel 1"))
    assert "Cancelled by sam" in closed.content.text.plain() and closed.content.buttons == ()
    await bot.app.stop()


async def test_editing_a_pending_post_replaces_its_card(tmp_path, clock):
    bot = await drafted(tmp_path, clock)
    actions = await bot.cmd("sam", '/post edit 1 body="Spring sale: 20% off"')
    [closed] = edits(actions)
    assert closed.message_id == "m100" and "Edited by sam" in closed.content.text.plain()
    [new_card] = [a for a in actions if isinstance(a, Post) and a.content.buttons]
    assert any("20% off" in f.value.plain() for f in new_card.content.fields)
    approved = await bot.cmd("carla", "/post approve 1")
    [closed_again] = edits(approved)
    assert closed_again.message_id != "m100"  # only the open card is edited, once
    await bot.app.stop()


async def test_french_cards_speak_french(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, approval_required=True, locale="fr")
    await bot.cmd("sam", DRAFT)
    [closed] = edits(await bot.click("carla", "cal:approve:1"))
    assert closed.content.text.plain().startswith("Validée par carla le ")
    await bot.app.stop()


async def test_post_alone_lists_its_subcommands_and_refuses_members(tmp_path, clock):
    from bot.events import CommandInvoked, InteractionRef, PlatformName

    bot = await start_bot(tmp_path, clock)

    async def alone(who: str) -> str:
        bot.new_actions()
        await bot.app.services.dispatcher.dispatch(CommandInvoked(
            member=bot.member(who), path=("post",), options={},
            interaction=InteractionRef(PlatformName.CONSOLE, "i"), **bot._base()))
        return answer_text(bot.new_actions())

    listed = await alone("sam")
    assert listed.startswith("The commands of /post:")
    assert "/post draft — Draft a post" in listed and "/post reject id=… reason=… — " in listed
    assert "reserved for: CM, SMM" in await alone("max")
    await bot.app.stop()


async def test_a_refusal_on_the_console_says_how_to_give_yourself_the_role(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, locale="fr")
    refused = answer_text(await bot.cmd("max", "/post list"))
    assert "réservée à\u00a0: CM, SMM" in refused
    assert "cmd max[cm] /post list" in refused
    await bot.app.stop()
