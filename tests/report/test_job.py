"""The weekly job: posted once per (community, platform, ISO week), across restarts; late once when missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.actions import ActionResult, Post
from bot.clock import SimulatedClock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.wakeups import SteppedWakeups
from schedules.report.job import ReportJob, run_status, weekly_trigger
from schedules.report.weeks import IsoWeek
from tests.recording import RecordingPlatform
from tests.report.dataset import PARIS, acme_settings, load

W47 = IsoWeek(2026, 47)


class FlakyPlatform(RecordingPlatform):
    """Refuses every post while `down` is set (a platform outage)."""

    down = True

    async def execute(self, action):
        if self.down:
            return ActionResult.failed("503 from the platform", permanent=False)
        return await super().execute(action)


async def _no_flush() -> None:
    return None


def make_job(store, clock, tmp_path, platforms=None, settings=None):
    platforms = platforms or [RecordingPlatform(PlatformName.DISCORD), RecordingPlatform(PlatformName.SLACK)]
    outbox = Outbox({p.name: p for p in platforms})
    communities = (settings or acme_settings()).communities
    job = ReportJob(store, clock, outbox, Catalogue.shipped(), communities, _no_flush, tmp_path / "charts")
    return job, platforms


def posts_in(platform, channel):
    return [a for a in platform.of_type(Post) if a.channel_id == channel]


def paris(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


async def test_default_schedule_is_monday_nine_in_paris():
    community = acme_settings().communities[0]
    fire = weekly_trigger(community).get_next_fire_time(None, paris(22, 12))
    assert fire == paris(23, 9)
    other = acme_settings('\n[communities.report]\nday = "fri"\ntime = "17:30"\ntimezone = "America/New_York"\n')
    fire = weekly_trigger(other.communities[0]).get_next_fire_time(None, paris(22, 12))
    assert fire.astimezone(UTC) == datetime(2026, 11, 27, 22, 30, tzinfo=UTC)


async def test_a_week_is_posted_once_across_restarts(store, tmp_path):
    load(store.db)
    clock = SimulatedClock(paris(23, 9))
    job, (discord, slack) = make_job(store, clock, tmp_path)
    assert await job.post_week(job.communities[0], W47, late=False) == 2
    assert len(posts_in(discord, "strat-d")) == 3 and len(posts_in(slack, "strat-s")) == 3  # all, Discord, Slack
    first = posts_in(discord, "strat-d")[0]
    assert first.idempotency_key == "report:acme:discord:2026-W47:0" and first.content.image_path.endswith(".png")
    assert run_status(store.db, "acme", "discord", "2026-W47") == "posted"

    restarted, (discord2, slack2) = make_job(store, clock, tmp_path)  # a new process, same database
    await restarted.catch_up()
    assert await restarted.post_week(restarted.communities[0], W47, late=False) == 0
    assert not discord2.actions and not slack2.actions


async def test_the_scheduled_wakeup_posts_on_time(store, tmp_path):
    load(store.db)
    clock = SimulatedClock(paris(23, 8))
    wakeups = SteppedWakeups(clock)
    job, (discord, _) = make_job(store, clock, tmp_path)
    job.register(wakeups)
    assert "report:acme" in wakeups.job_ids()
    await wakeups.run_due()
    assert not discord.actions
    clock.set(paris(23, 9))
    await wakeups.run_due()
    titles = [a.content.title.plain() for a in posts_in(discord, "strat-d")]
    assert titles and "2026-W47" in titles[0] and "(late)" not in titles[0]


async def test_a_missed_week_is_posted_late_once(store, tmp_path):
    load(store.db)
    clock = SimulatedClock(paris(23, 8))  # before the posting time: nothing is missed yet
    job, (discord, _) = make_job(store, clock, tmp_path)
    await job.catch_up()
    assert not discord.actions
    clock.set(paris(24, 15))  # the bot was down on Monday morning
    await job.catch_up()
    posted = posts_in(discord, "strat-d")
    assert "(late)" in posted[0].content.title.plain()
    count = len(discord.actions)
    clock.advance(timedelta(hours=2))
    await job.catch_up()
    assert len(discord.actions) == count


async def test_a_failed_post_is_retried_by_the_next_catch_up(store, tmp_path):
    load(store.db)
    clock = SimulatedClock(paris(23, 9))
    flaky = FlakyPlatform(PlatformName.DISCORD)
    job, _ = make_job(store, clock, tmp_path, platforms=[flaky, RecordingPlatform(PlatformName.SLACK)])
    await job.post_week(job.communities[0], W47, late=False)
    assert run_status(store.db, "acme", "discord", "2026-W47") == "failed"
    assert run_status(store.db, "acme", "slack", "2026-W47") == "posted"
    flaky.down = False
    clock.advance(timedelta(hours=1))
    await job.catch_up()
    assert run_status(store.db, "acme", "discord", "2026-W47") == "posted"
    assert len(posts_in(flaky, "strat-d")) == 3


async def test_an_interrupted_post_is_never_repeated(store, tmp_path):
    load(store.db)
    store.db["report_runs"].insert({"community": "acme", "platform": "discord", "week": "2026-W47",
                                    "status": "sending", "late": 0})
    clock = SimulatedClock(paris(23, 10))
    job, (discord, slack) = make_job(store, clock, tmp_path)
    await job.catch_up()
    assert not discord.actions and posts_in(slack, "strat-s")


async def test_a_week_without_engagement_is_not_reported(store, tmp_path):
    clock = SimulatedClock(paris(23, 10))
    job, (discord, slack) = make_job(store, clock, tmp_path)
    await job.catch_up()
    assert not discord.actions and not slack.actions


class FailsOnSecondCard(RecordingPlatform):
    """Takes the first card, refuses the next ones while `down` is set (an outage in the middle of a report)."""

    down = True

    async def execute(self, action):
        if self.down and len(self.actions) >= 1:
            return ActionResult.failed("503 from the platform", permanent=False)
        return await super().execute(action)


async def test_a_retry_after_a_partial_failure_sends_only_the_cards_not_yet_posted(store, tmp_path):
    load(store.db)
    clock = SimulatedClock(paris(23, 9))
    flaky = FailsOnSecondCard(PlatformName.DISCORD)
    job, _ = make_job(store, clock, tmp_path, platforms=[flaky, RecordingPlatform(PlatformName.SLACK)])
    await job.post_week(job.communities[0], W47, late=False)
    assert run_status(store.db, "acme", "discord", "2026-W47") == "failed"
    assert len(posts_in(flaky, "strat-d")) == 1
    flaky.down = False
    clock.advance(timedelta(hours=1))
    await job.catch_up()
    assert run_status(store.db, "acme", "discord", "2026-W47") == "posted"
    keys = [a.idempotency_key for a in posts_in(flaky, "strat-d")]
    assert keys == [f"report:acme:discord:2026-W47:{part}" for part in range(3)]  # each card once, in order


async def test_a_missed_report_is_logged_at_warning_with_the_reason(store, tmp_path, caplog):
    import logging

    load(store.db)
    clock = SimulatedClock(paris(23, 9))
    flaky = FlakyPlatform(PlatformName.DISCORD)
    job, _ = make_job(store, clock, tmp_path, platforms=[flaky])
    with caplog.at_level(logging.INFO, logger="schedules.report.job"):
        await job.post_week(job.communities[0], W47, late=False)
    warned = " | ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "not posted on discord" in warned and "503 from the platform" in warned
    caplog.clear()
    nowhere, _ = make_job(store, clock, tmp_path, platforms=[RecordingPlatform(PlatformName.CONSOLE)])
    with caplog.at_level(logging.INFO, logger="schedules.report.job"):
        await nowhere.post_week(nowhere.communities[0], W47, late=False)
    warned = " | ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "no strategy channel" in warned
