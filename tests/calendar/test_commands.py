"""The `/post` commands: modal drafting, lists filtered by campaign and pillar, show, cancel, now, errors."""

from datetime import timedelta

from bot.actions import Answer, OpenModal
from handlers.calendar.posts import get_post
from tests.calendar.conftest import answer_text, start_bot


async def test_draft_without_body_opens_a_modal_and_its_submission_creates_the_post(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    [modal] = await bot.cmd("sam", "/post draft")
    assert isinstance(modal, OpenModal) and modal.custom_id == "cal:draft"
    assert [i.custom_id for i in modal.inputs] == ["body", "at", "to", "every", "campaign"]
    actions = await bot.submit("sam", "cal:draft", body="From the modal", at="2026-03-02 12:00", to="#news")
    assert "Post #1 is scheduled." in answer_text(actions)
    assert get_post(bot.app.services.store.db, 1).body == "From the modal"
    await bot.app.stop()


async def test_list_filters_by_campaign_and_pillar(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    await bot.cmd("sam", '/post draft body="A" to=#news at="2026-03-03 09:00" campaign=spring pillar=news')
    await bot.cmd("sam", '/post draft body="B" to=#news at="2026-03-04 09:00" campaign=spring pillar=tips')
    await bot.cmd("sam", '/post draft body="C" to=#news at="2026-03-05 09:00" campaign=summer pillar=tips')
    spring = answer_text(await bot.cmd("carla", "/post list campaign=spring"))
    assert "2 posts:" in spring and "#1 ·" in spring and "#2 ·" in spring and "#3 ·" not in spring
    tips = answer_text(await bot.cmd("carla", "/post list pillar=tips campaign=summer"))
    assert "1 post:" in tips and "#3 ·" in tips and "[Tips]" in tips  # the pillar by its name, not its slug
    [shown] = await bot.cmd("carla", "/post show 3")
    assert ("Pillar", "Tips") in [(f.name, f.value.plain()) for f in shown.content.fields]
    assert "No post matches." in answer_text(await bot.cmd("carla", "/post list status=published"))
    assert "is not a status" in answer_text(await bot.cmd("carla", "/post list status=lost"))
    await bot.app.stop()


async def test_show_previews_each_platform_text_with_utm(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    await bot.cmd("sam", '/post draft body="Read https://blog.example/a" to=#news at="2026-03-03 09:00" '
                         'campaign=spring')
    [answer] = await bot.cmd("carla", "/post show 1")
    assert isinstance(answer, Answer)
    shown = [f.value.plain() for f in answer.content.fields]
    assert ("Read https://blog.example/a?utm_source=console&utm_medium=community&utm_campaign=spring"
            in shown)
    await bot.advance(timedelta(days=1))
    [sent] = bot.platform.scheduled_posts()
    assert sent.content.text.plain() in shown  # the preview is exactly what went out
    await bot.app.stop()


async def test_invalid_draft_lists_every_problem_and_saves_nothing(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    text = answer_text(await bot.cmd("sam", '/post draft body="Hi" to=#news at="2020-01-01 09:00" pillar=memes'))
    assert "The post was not saved:" in text
    assert "“at” field is in the past" in text and "“pillar” field “memes”" in text
    assert bot.app.services.store.db["calendar_posts"].count == 0
    await bot.app.stop()


async def test_cancel_and_now(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    await bot.cmd("sam", '/post draft body="Later" to=#news at="2026-03-03 09:00"')
    await bot.cmd("sam", '/post draft body="Soon" to=#news at="2026-03-04 09:00"')
    assert "cancelled" in answer_text(await bot.cmd("carla", "/post cancel 1"))
    assert "is published" in answer_text(await bot.cmd("carla", "/post now 2"))
    await bot.advance(timedelta(days=3))
    assert [p.content.text.plain() for p in bot.platform.scheduled_posts()] == ["Soon"]
    assert "cannot do that while it is cancelled" in answer_text(await bot.cmd("carla", "/post now 1"))
    await bot.app.stop()


async def test_reschedule_a_draft_submits_it(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    created = answer_text(await bot.cmd("sam", '/post draft body="No time yet" to=#news'))
    assert "saved as a draft" in created
    moved = answer_text(await bot.cmd("sam", '/post reschedule 1 at="2026-03-02 15:00"'))
    assert "rescheduled" in moved
    await bot.advance(timedelta(hours=6))
    assert len(bot.platform.scheduled_posts()) == 1
    await bot.app.stop()


async def test_a_community_can_switch_the_calendar_off(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, enabled=False)
    text = answer_text(await bot.cmd("sam", '/post draft body="Hi" to=#news at="2026-03-02 12:00"'))
    assert "switched off" in text
    assert bot.app.services.store.db["calendar_posts"].count == 0
    await bot.app.stop()
