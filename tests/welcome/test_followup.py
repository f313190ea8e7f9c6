"""The follow-up nudge: N days after joining, one nudge to members who have not posted, never a second."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import DirectMessage, Post

FOLLOWUP = "followup = true\nfollowup_days = 3"


def nudged(harness) -> list[str]:
    return [a.member_id for a in harness.platform.of_type(DirectMessage)]


async def test_only_silent_present_members_get_one_nudge_after_n_days(make_harness):
    harness = await make_harness(FOLLOWUP)
    for member in ("quiet", "talker", "gone", "private"):
        await harness.join(member)
    await harness.say("talker")
    await harness.leave("gone")
    await harness.app.services.optouts.set("demo", "console", "private", True)

    await harness.advance(timedelta(days=2, hours=23))
    assert nudged(harness) == []
    await harness.advance(timedelta(hours=2))
    assert nudged(harness) == ["quiet"]
    [dm] = harness.platform.of_type(DirectMessage)
    assert dm.fallback_channel_id == "onboarding" and dm.content.mentioned_user_ids() == ("quiet",)
    assert "3 days ago" in dm.content.text.plain()

    await harness.advance(timedelta(days=2))
    assert nudged(harness) == ["quiet"]
    row = harness.store.db["welcome_followups"].get(("demo", "console", "talker"))
    assert row["first_post_at"] is not None and row["nudged_at"] is None


async def test_a_restart_never_nudges_twice_and_catches_up_on_missed_nudges(make_harness):
    first = await make_harness(FOLLOWUP)
    await first.join("a")
    await first.join("b")
    first.clock.advance(timedelta(days=3, minutes=1))
    await first.stop()  # the bot was down when the nudges fell due

    second = await make_harness(FOLLOWUP, clock=first.clock)  # start hook catches up at once
    assert sorted(nudged(second)) == ["a", "b"]
    await second.stop()

    third = await make_harness(FOLLOWUP, clock=first.clock)
    await third.advance(timedelta(days=1))
    assert nudged(third) == []


async def test_leaving_and_coming_back_does_not_earn_a_second_nudge(make_harness):
    harness = await make_harness(FOLLOWUP)
    await harness.join("a")
    await harness.advance(timedelta(days=3, hours=1))
    await harness.leave("a")
    await harness.join("a")
    await harness.advance(timedelta(days=4))
    assert nudged(harness) == ["a"]


async def test_a_channel_nudge_mentions_the_member_in_the_onboarding_channel(make_harness):
    harness = await make_harness(FOLLOWUP + '\nfollowup_via = "channel"\nfollowup_text = "Hey {name}, {member}!"')
    await harness.join("a", "Ann")
    await harness.advance(timedelta(days=3, hours=1))
    [post] = [p for p in harness.platform.of_type(Post) if p.channel_id == "onboarding"]
    assert post.content.text.plain() == "Hey Ann, @a!" and post.content.mentioned_user_ids() == ("a",)


async def test_without_follow_ups_no_row_is_kept(make_harness):
    harness = await make_harness()
    await harness.join("a")
    await harness.say("a")
    assert harness.store.db["welcome_followups"].count == 0


async def test_the_nightly_purge_keeps_the_ledger_90_days_and_members_who_left_for_the_retention(make_harness):
    from schedules.welcome.retention import JOB_ID

    harness = await make_harness(FOLLOWUP)
    assert JOB_ID in harness.wakeups.job_ids()
    await harness.join("stays")
    await harness.join("leaves")
    await harness.join("objects")
    await harness.app.services.optouts.set("demo", "console", "objects", True)
    await harness.leave("leaves")
    await harness.leave("objects")
    await harness.advance(timedelta(days=89))
    assert harness.store.db["welcome_welcomes"].count == 3
    await harness.advance(timedelta(days=2))
    assert harness.store.db["welcome_welcomes"].count == 0
    assert harness.store.db["members"].count == 3
    await harness.advance(timedelta(days=396 - 91 + 1))
    assert sorted(r["member_id"] for r in harness.store.db["members"].rows) == ["objects", "stays"]
    assert harness.store.db["welcome_followups"].count == 0
