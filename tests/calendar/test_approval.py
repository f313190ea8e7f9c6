"""Approval rules through the commands and buttons of a running bot."""

from datetime import timedelta

from bot.actions import DirectMessage, OpenModal
from handlers.calendar.posts import get_post
from tests.calendar.conftest import answer_text, start_bot

DRAFT = '/post draft body="Spring sale" to=#news at="2026-03-02 12:00"'


async def test_scheduled_at_once_when_approval_is_off(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    actions = await bot.cmd("sam", DRAFT)
    assert "Post #1 is scheduled." in answer_text(actions)
    await bot.advance(timedelta(hours=3))
    assert [p.channel_id for p in bot.platform.scheduled_posts()] == ["news"]
    await bot.app.stop()


async def test_preview_goes_to_the_cm_with_buttons(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, approval_required=True)
    actions = await bot.cmd("sam", DRAFT)
    assert "waiting for a CM's approval" in answer_text(actions)
    [review] = bot.platform.staff_posts()
    assert review.channel_id == "strategy"
    assert [b.custom_id for b in review.content.buttons] == ["cal:approve:1", "cal:reject:1", "cal:edit:1"]
    assert any("Spring sale" in f.value.plain() for f in review.content.fields)
    await bot.app.stop()


async def test_nobody_approves_their_own_post(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, approval_required=True)
    await bot.cmd("sam", DRAFT)
    refused = await bot.cmd("sam", "/post approve 1")
    assert "cannot approve or reject your own post" in answer_text(refused)
    refused_click = await bot.click("sam", "cal:approve:1")
    assert "your own post" in answer_text(refused_click)
    assert get_post(bot.app.services.store.db, 1).status == "pending_approval"
    approved = await bot.cmd("sue", "/post approve 1")  # another SMM may
    assert "approved and scheduled" in answer_text(approved)
    await bot.advance(timedelta(hours=3))
    assert len(bot.platform.scheduled_posts()) == 1
    await bot.app.stop()


async def test_members_cannot_approve(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, approval_required=True)
    await bot.cmd("sam", DRAFT)
    assert "reserved for" in answer_text(await bot.cmd("max", "/post approve 1"))
    assert "Only the community's SMMs and CMs" in answer_text(await bot.click("max", "cal:approve:1"))
    assert get_post(bot.app.services.store.db, 1).status == "pending_approval"
    await bot.app.stop()


async def test_unapproved_post_expires_and_author_is_told(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, approval_required=True)
    await bot.cmd("sam", DRAFT)
    await bot.advance(timedelta(hours=4))
    assert get_post(bot.app.services.store.db, 1).status == "expired"
    assert bot.platform.scheduled_posts() == []
    [notice] = [a for a in bot.new_actions() if isinstance(a, DirectMessage)]
    assert notice.member_id == "sam" and "expired" in notice.content.text.plain()
    late = await bot.cmd("carla", "/post approve 1")
    assert "not waiting for approval" in answer_text(late)
    await bot.app.stop()


async def test_reject_with_reason_through_the_modal(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, approval_required=True)
    await bot.cmd("sam", DRAFT)
    [modal] = [a for a in await bot.click("carla", "cal:reject:1") if isinstance(a, OpenModal)]
    assert modal.custom_id == "cal:reject:1"
    actions = await bot.submit("carla", "cal:reject:1", reason="Wrong price")
    post = get_post(bot.app.services.store.db, 1)
    assert post.status == "draft" and post.rejected_reason == "Wrong price"
    [notice] = [a for a in actions if isinstance(a, DirectMessage)]
    assert notice.member_id == "sam" and "Wrong price" in notice.content.text.plain()
    await bot.app.stop()


async def test_edit_after_approval_needs_approval_again(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, approval_required=True)
    await bot.cmd("sam", DRAFT)
    await bot.cmd("carla", "/post approve 1")
    await bot.cmd("sam", '/post edit 1 body="Spring sale, now 20% off"')
    assert get_post(bot.app.services.store.db, 1).status == "pending_approval"
    await bot.advance(timedelta(hours=4))
    assert bot.platform.scheduled_posts() == []
    await bot.app.stop()


async def test_double_approval_click_approves_once(tmp_path, clock):
    bot = await start_bot(tmp_path, clock, approval_required=True)
    await bot.cmd("sam", DRAFT)
    first = await bot.click("carla", "cal:approve:1")
    second = await bot.click("carla", "cal:approve:1")
    assert "approved" in answer_text(first)
    assert "not waiting for approval" in answer_text(second)
    history = bot.app.services.store.db.execute(
        "SELECT COUNT(*) FROM calendar_history WHERE action = 'approve'").fetchone()[0]
    assert history == 1
    await bot.app.stop()
