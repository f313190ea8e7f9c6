"""Moderation cards that follow what was done: Delete, Warn and Timeout on one flag, in any order; the card shows
each action (who, when) and keeps only the buttons that still make sense."""

from __future__ import annotations

from bot.actions import Answer, DeleteMessage, DirectMessage, EditMessage, TimeoutMember


def verbs(edit: EditMessage) -> list[str]:
    return [b.custom_id.split(":")[1] for b in edit.content.buttons]


async def test_timeout_then_delete_on_one_flag(bot):
    await bot.post("GAGNE DU NITRO GRATUIT connard")
    [flag] = bot.flags()
    await bot.click(f"mod:timeout:{flag['id']}")
    [after_timeout] = bot.platform.of_type(EditMessage)
    assert verbs(after_timeout) == ["delete", "warn"]  # the message is still there: Delete stays
    assert "Member timed out by Claire" in after_timeout.content.footer.plain()
    await bot.click(f"mod:delete:{flag['id']}")
    after_delete = bot.platform.of_type(EditMessage)[-1]
    assert verbs(after_delete) == ["warn"]
    footer = after_delete.content.footer.plain()
    assert "Member timed out by Claire" in footer and "Message deleted by Claire" in footer
    assert len(bot.platform.of_type(TimeoutMember)) == 1 and len(bot.platform.of_type(DeleteMessage)) == 1
    await bot.click(f"mod:warn:{flag['id']}")
    assert verbs(bot.platform.of_type(EditMessage)[-1]) == []
    assert len(bot.platform.of_type(DirectMessage)) == 1
    assert bot.flags()[0]["status"] == "timed_out"  # the first decision stays the flag's decision (stats)


async def test_an_action_is_done_once_and_a_second_click_says_so(bot):
    await bot.post("connard")
    [flag] = bot.flags()
    await bot.click(f"mod:delete:{flag['id']}")
    await bot.click(f"mod:delete:{flag['id']}")
    assert len(bot.platform.of_type(DeleteMessage)) == 1
    assert "already been handled (Message deleted)" in bot.platform.of_type(Answer)[-1].content.text.plain()
    await bot.click(f"mod:dismiss:{flag['id']}")  # too late to dismiss once something was done
    assert bot.flags()[0]["status"] == "deleted"


async def test_a_dismissed_flag_keeps_no_button(bot):
    await bot.post("connard")
    [flag] = bot.flags()
    await bot.click(f"mod:dismiss:{flag['id']}")
    assert verbs(bot.platform.of_type(EditMessage)[-1]) == []
    await bot.click(f"mod:warn:{flag['id']}")
    assert bot.platform.of_type(DirectMessage) == []


async def test_a_report_nobody_can_see_is_not_promised_a_look(make_bot, monkeypatch):
    from datetime import timedelta

    from bot.events import ChannelRef, InteractionRef, Member, MessageReported, PlatformName
    from tests.moderation import conftest

    bot = await make_bot(locale="fr", channels='welcome = "hi"')
    bot.clock.advance(timedelta(minutes=1))
    await bot.app.services.dispatcher.dispatch(MessageReported(
        platform=PlatformName.CONSOLE, space_id="console", event_id="rep1", at=bot.clock.now(),
        channel=ChannelRef("general"), member=Member("bob", "Bob"), message_id="m42",
        reported_member=conftest.ALICE, text="tu vas le regretter",
        interaction=InteractionRef(PlatformName.CONSOLE, "i"),
    ))
    [answer] = bot.platform.of_type(Answer)
    said = answer.content.text.plain()
    assert "vont regarder" not in said and "aucun salon de modération" in said
    assert bot.flags()[0]["source"] == "report"  # recorded all the same
