"""Delivery you can trust: lateness after downtime, retries, permanent failures, crash reconciliation, DST."""

from datetime import UTC, datetime, timedelta

from bot.actions import ActionResult, DirectMessage
from bot.clock import SimulatedClock
from handlers.calendar.lifecycle import Status
from handlers.calendar.posts import Actor, PostDraft, Target, claim_delivery, create_post, get_post
from schedules.seen_events import PURGE_JOB as SEEN_EVENTS_PURGE
from tests.calendar.conftest import START, ScriptedPlatform, answer_text, start_bot

DRAFT = '/post draft body="Launch day" to=#news at="2026-03-02 12:00"'  # 11:00 UTC, START + 3h
DUE = START + timedelta(hours=3)


def ledger(bot) -> list[tuple[str, int]]:
    rows = bot.app.services.store.db.execute("SELECT status, late FROM calendar_deliveries ORDER BY id")
    return [(r[0], r[1]) for r in rows.fetchall()]


async def restart(bot, tmp_path, clock, at: datetime, platform: ScriptedPlatform | None = None, **calendar):
    await bot.app.stop()
    clock.set(at)
    return await start_bot(tmp_path, clock, platform, **calendar)


async def test_on_time_post_is_published_once_with_its_message_id(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    await bot.cmd("sam", DRAFT)
    await bot.advance(timedelta(hours=3))
    await bot.advance(timedelta(minutes=5))  # the sweep runs again: nothing more
    [post] = bot.platform.scheduled_posts()
    assert post.idempotency_key.startswith("cal-1-20260302T110000")
    assert ledger(bot) == [("published", 0)]
    message_id = bot.platform.sent[post.idempotency_key]
    from handlers.calendar.posts import published_post_for

    assert published_post_for(bot.app.services.store.db, "console", "news", message_id) == 1
    assert get_post(bot.app.services.store.db, 1).status is Status.PUBLISHED
    await bot.app.stop()


async def test_downtime_shorter_than_grace_sends_late(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    await bot.cmd("sam", DRAFT)
    bot = await restart(bot, tmp_path, clock, DUE + timedelta(minutes=40))
    assert len(bot.platform.scheduled_posts()) == 1
    assert ledger(bot) == [("published", 1)]
    await bot.app.stop()


async def test_downtime_longer_than_grace_asks_the_cm(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    await bot.cmd("sam", DRAFT)
    bot = await restart(bot, tmp_path, clock, DUE + timedelta(hours=2))
    assert bot.platform.scheduled_posts() == []
    assert ledger(bot) == [("missed", 0)]
    assert get_post(bot.app.services.store.db, 1).status is Status.MISSED
    [question] = bot.platform.staff_posts()
    assert question.channel_id == "strategy"
    ids = [b.custom_id for b in question.content.buttons]
    assert ids == ["cal:now:1:20260302T110000", "cal:later:1:20260302T110000", "cal:skip:1:20260302T110000"]
    await bot.click("carla", ids[0])
    again = await bot.click("carla", ids[0])
    assert "already decided" in answer_text(again)
    assert len(bot.platform.scheduled_posts()) == 1
    assert get_post(bot.app.services.store.db, 1).status is Status.PUBLISHED
    await bot.app.stop()


async def test_missed_post_can_be_rescheduled_from_the_notice(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    await bot.cmd("sam", DRAFT)
    bot = await restart(bot, tmp_path, clock, DUE + timedelta(hours=2))
    await bot.click("carla", "cal:later:1:20260302T110000")
    await bot.submit("carla", "cal:later:1", at="2026-03-02 18:00")
    assert get_post(bot.app.services.store.db, 1).status is Status.SCHEDULED
    await bot.advance(timedelta(hours=4))
    assert len(bot.platform.scheduled_posts()) == 1
    assert sorted(ledger(bot)) == [("published", 0), ("skipped", 0)]
    await bot.app.stop()


async def test_rate_limit_then_success_posts_once(tmp_path, clock):
    platform = ScriptedPlatform()
    platform.post_results = [ActionResult.failed("429 rate limited", permanent=False)]
    bot = await start_bot(tmp_path, clock, platform, retry_base_seconds=0.001)
    await bot.cmd("sam", DRAFT)
    await bot.advance(timedelta(hours=3))
    assert len(platform.scheduled_posts()) == 2  # the refused call and the retry, with the same key
    assert len(platform.sent) == 1
    assert ledger(bot) == [("published", 0)]
    attempts = bot.app.services.store.db.execute("SELECT attempts FROM calendar_deliveries").fetchone()[0]
    assert attempts == 2
    await bot.app.stop()


async def test_permanent_failure_fails_at_once_and_tells_the_author(tmp_path, clock):
    platform = ScriptedPlatform()
    platform.post_results = [ActionResult.failed("Missing Permissions", permanent=True)]
    bot = await start_bot(tmp_path, clock, platform, retry_base_seconds=0.001)
    await bot.cmd("sam", DRAFT)
    await bot.advance(timedelta(hours=3))
    assert len(platform.scheduled_posts()) == 1
    assert get_post(bot.app.services.store.db, 1).status is Status.FAILED
    [notice] = [a for a in bot.new_actions() if isinstance(a, DirectMessage)]
    assert "Missing Permissions" in notice.content.text.plain()
    await bot.app.stop()


async def _crash_mid_send(tmp_path, clock) -> None:
    """Leave the store as a crash between `sending` and `published` would: a claimed row, a post in sending."""
    bot = await start_bot(tmp_path, clock)
    await bot.cmd("sam", DRAFT)
    db = bot.app.services.store.db
    post = get_post(db, 1)
    from handlers.calendar.posts import SYSTEM, transition

    transition(db, 1, Status.SENDING, SYSTEM, DUE, action="send")
    claim_delivery(db, post, DUE, post.targets[0], DUE, late=False)
    await bot.app.stop()


async def test_crash_without_lookup_is_reported_not_resent(tmp_path, clock):
    await _crash_mid_send(tmp_path, clock)
    clock.set(DUE + timedelta(minutes=2))
    bot = await start_bot(tmp_path, clock)
    assert bot.platform.scheduled_posts() == []
    assert ledger(bot) == [("uncertain", 0)]
    [question] = bot.platform.staff_posts()
    assert [b.custom_id for b in question.content.buttons] == ["cal:resend:1", "cal:confirm:1"]
    assert get_post(bot.app.services.store.db, 1).status is Status.PUBLISHED  # the post moved on; the row waits
    await bot.click("carla", "cal:confirm:1")
    assert ledger(bot) == [("published", 0)]
    await bot.app.stop()


async def test_crash_with_lookup_finds_the_post_and_does_not_resend(tmp_path, clock):
    await _crash_mid_send(tmp_path, clock)
    clock.set(DUE + timedelta(minutes=2))
    platform = ScriptedPlatform(lookup=True)
    platform.sent["cal-1-20260302T110000-console-news"] = "m42"  # it did go out before the crash
    bot = await start_bot(tmp_path, clock, platform)
    assert platform.scheduled_posts() == []
    rows = bot.app.services.store.db.execute("SELECT status, message_id FROM calendar_deliveries").fetchall()
    assert rows == [("published", "m42")]
    await bot.app.stop()


async def test_crash_with_lookup_not_found_sends_once(tmp_path, clock):
    await _crash_mid_send(tmp_path, clock)
    clock.set(DUE + timedelta(minutes=2))
    platform = ScriptedPlatform(lookup=True)
    bot = await start_bot(tmp_path, clock, platform)
    assert len(platform.scheduled_posts()) == 1
    assert ledger(bot) == [("published", 0)]
    await bot.app.stop()


async def test_jobs_rebuilt_at_each_start_without_duplicates(tmp_path, clock):
    bot = await start_bot(tmp_path, clock)
    for minute in range(10, 60, 10):  # within the coming hour: each instant has a job of its own
        await bot.cmd("sam", f'/post draft body="Post {minute}" to=#news at="2026-03-02 09:{minute}"')
    counts = []
    for _ in range(3):
        bot = await restart(bot, tmp_path, clock, clock.now())
        counts.append(len(bot.wakeups.job_ids() - {SEEN_EVENTS_PURGE}))
    assert counts == [11, 11, 11]  # five instants, each read ahead, and the sweep
    assert all(j.startswith("calendar:") for j in bot.wakeups.job_ids() - {SEEN_EVENTS_PURGE})
    await bot.app.stop()


async def test_daily_post_keeps_local_time_across_dst(tmp_path):
    clock = SimulatedClock(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    bot = await start_bot(tmp_path, clock)
    await bot.cmd("sam", '/post draft body="Daily" to=#news every="day 09:00" count=4')
    for _ in range(4):
        await bot.advance(timedelta(days=1))
    dues = [r[0] for r in bot.app.services.store.db.execute(
        "SELECT due_at FROM calendar_deliveries WHERE status = 'published' ORDER BY due_at").fetchall()]
    assert [d[:16] for d in dues] == ["2026-03-28T08:00", "2026-03-29T07:00", "2026-03-30T07:00", "2026-03-31T07:00"]
    assert get_post(bot.app.services.store.db, 1).status is Status.PUBLISHED
    await bot.app.stop()


async def test_weekly_post_across_the_autumn_change_is_sent_once_per_week(tmp_path):
    clock = SimulatedClock(datetime(2026, 10, 20, 12, 0, tzinfo=UTC))
    bot = await start_bot(tmp_path, clock)
    await bot.cmd("sam", '/post draft body="Sunday" to=#news cron="30 2 * * 0" until=2026-11-02')
    for _ in range(30):
        await bot.advance(timedelta(hours=12))
    dues = [r[0][:16] for r in bot.app.services.store.db.execute(
        "SELECT due_at FROM calendar_deliveries ORDER BY due_at").fetchall()]
    assert dues == ["2026-10-25T00:30", "2026-11-01T01:30"]
    assert len(bot.platform.scheduled_posts()) == 2
    await bot.app.stop()


def test_claim_is_exactly_once(db, clock):
    draft = PostDraft(community="demo", author=Actor("console", "sam"), body="x",
                      targets=(Target("console", "news"),), timezone="Europe/Paris", publish_at=DUE)
    post = get_post(db, create_post(db, draft, Status.SCHEDULED, clock.now()))
    assert claim_delivery(db, post, DUE, post.targets[0], DUE, late=False) is not None
    assert claim_delivery(db, post, DUE, post.targets[0], DUE, late=False) is None


async def test_a_failure_the_platform_library_already_retried_is_reported_once_not_retried_again(tmp_path, clock):
    platform = ScriptedPlatform()
    platform.post_results = [ActionResult.failed("429 rate limited", permanent=False, retried=True),
                             ActionResult.done("never reached")]
    bot = await start_bot(tmp_path, clock, platform, retry_base_seconds=0.001)
    await bot.cmd("sam", DRAFT)
    await bot.advance(timedelta(hours=3))
    assert len(platform.scheduled_posts()) == 1  # our retries never multiply the library's
    assert ledger(bot) == [("failed", 0)]
    await bot.app.stop()
