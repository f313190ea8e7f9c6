"""The feature as moderators live it: shadow mode and its statistics, reports, alerts, retention, the console."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import Answer, DirectMessage, Post
from bot.events import ChannelRef, InteractionRef, Member, MemberJoined, MessageReported, PlatformName
from bot.features.moderation import feature
from handlers.moderation.stats import rule_stats, stats_table
from schedules.moderation.purge import JOB_ID as PURGE_JOB
from tests.moderation.conftest import ALICE, CLAIRE, T0, Bot, play_on_console

BOB = Member("bob", "Bob")


async def test_shadow_flags_are_marked_and_counted_apart(make_bot):
    bot = await make_bot("caps = { shadow = true }")
    await bot.post("WHY DOES NOBODY EVER ANSWER HERE")
    await bot.post("ESPÈCE DE CONNARD, TU M'ENTENDS")
    first, second = bot.flags()
    assert first["shadow"] == 1 and second["shadow"] == 0
    [card] = bot.platform.of_type(Post)  # the observation waits for the digest: only the live flag has a card
    assert card.channel_id == "modq" and not card.content.title.plain().startswith("[shadow]")
    await bot.click(f"mod:dismiss:{first['id']}")
    await bot.click(f"mod:delete:{second['id']}")
    stats = {s.rule: s for s in rule_stats(bot.store.db, "demo")}
    assert stats["caps"].flags == 2 and stats["caps"].shadow == 2 and stats["terms"].shadow == 0
    assert stats["caps"].acted == 1 and stats["caps"].dismissed == 1 and stats["caps"].precision == 0.5
    assert stats["terms"].precision == 1.0 and stats["terms"].median_minutes == 6.0
    assert "caps" in stats_table(list(stats.values()))


async def test_shadow_mode_never_acts_automatically(make_bot, tmp_path):
    scams = tmp_path / "scams.txt"
    scams.write_text("scam.example\n", encoding="utf-8")
    bot = await make_bot(f'links = {{ shadow = true, scam_list = "{scams}" }}')
    await bot.post("free gift https://scam.example/x")
    [flag] = bot.flags()
    assert flag["severity"] == "critical" and flag["auto_action"] == "flag" and flag["shadow"] == 1
    assert bot.platform.actions == []  # no deletion, and no card: the observation waits for the digest


async def test_the_stats_command_is_for_moderators(bot):
    await bot.post("connard")
    await bot.click(f"mod:warn:{bot.flags()[0]['id']}")
    spec = bot.app.services.commands.get(("moderation", "stats"))
    assert spec is not None and "cm" in spec.allowed


async def test_a_report_creates_a_flag_and_keeps_the_reporter_private(bot):
    bot.clock.advance(timedelta(minutes=1))
    report = MessageReported(
        platform=PlatformName.CONSOLE, space_id="console", event_id="rep1", at=bot.clock.now(),
        channel=ChannelRef("general"), member=BOB, message_id="m42", reported_member=ALICE,
        text="you will regret this", interaction=InteractionRef(PlatformName.CONSOLE, "i1"),
    )  # fmt: skip
    await bot.app.services.dispatcher.dispatch(report)
    [flag] = bot.flags()
    assert flag["source"] == "report" and flag["reporter_id"] == "bob" and flag["member_id"] == "alice"
    [card] = bot.platform.of_type(Post)
    shown = card.content.title.plain() + " ".join(f.value.plain() for f in card.content.fields)
    assert "bob" not in shown.lower() and "reported by a member" in shown
    [thanks] = bot.platform.of_type(Answer)
    assert thanks.ephemeral
    await bot.click(f"mod:warn:{flag['id']}")
    [warning] = bot.platform.of_type(DirectMessage)
    assert warning.member_id == "alice" and "bob" not in warning.content.text.plain().lower()


async def test_a_raid_alerts_once(make_bot):
    bot = await make_bot("alerts = { joins = 5, join_window_seconds = 60, quiet_minutes = 30 }")
    for index in range(12):
        bot.clock.advance(timedelta(seconds=2))
        member = Member(f"new{index}", f"New{index}", joined_at=bot.clock.now())
        await bot.app.services.dispatcher.dispatch(
            MemberJoined(
                platform=PlatformName.CONSOLE,
                space_id="console",
                event_id=f"j{index}",
                at=bot.clock.now(),
                member=member,
            )
        )
    alerts = bot.platform.of_type(Post)
    assert len(alerts) == 1 and "5 members joined" in alerts[0].content.text.plain()
    assert alerts[0].channel_id == "modq"


async def test_newcomers_are_watched_after_their_join(bot):
    bot.clock.advance(timedelta(seconds=5))
    newcomer = Member("fresh", "Fresh")
    await bot.app.services.dispatcher.dispatch(
        MemberJoined(
            platform=PlatformName.CONSOLE, space_id="console", event_id="j1", at=bot.clock.now(), member=newcomer
        )
    )
    await bot.post("great deals at https://shop.example/x", member=newcomer)
    [flag] = bot.flags()
    assert flag["rules"] == "newcomer"


async def test_a_spike_of_flags_alerts_once(make_bot):
    bot = await make_bot("alerts = { flags = 3, flag_window_seconds = 300 }")
    for word in ("connard", "salope", "pute", "enculé", "batard"):
        await bot.post(word)
    posts = [p for p in bot.platform.of_type(Post) if p.content.title is None]
    assert len(posts) == 1 and "3 flags" in posts[0].content.text.plain()


async def test_excerpts_are_purged_after_the_retention_period(make_bot):
    bot = await make_bot("retention_days = 30")
    assert PURGE_JOB in bot.app.services.wakeups.job_ids()
    await bot.post("connard")
    bot.clock.advance(timedelta(days=31))
    await bot.post("salope")
    await bot.app.services.wakeups.run_due()
    old, recent = bot.flags()
    assert old["excerpt"] is None and recent["excerpt"] == "salope"
    assert old["rules"] == "terms"  # the decision record stays for the statistics


async def test_personal_data_is_declared_for_every_member_column():
    columns = {(p.table, p.member_column) for p in feature.personal_data}
    assert columns == {("moderation_flags", "member_id"), ("moderation_flags", "reporter_id"),
                       ("moderation_flags", "decided_by"), ("moderation_flag_actions", "by")}  # fmt: skip


async def test_queue_buttons_through_the_console_platform(tmp_path):
    bot = Bot(tmp_path)
    flags: list[dict] = []
    text = await play_on_console(bot, ("join alice", "say alice #general t'es qu'un c.o.n.n.a.r.d", "report bob m1",
                                       "click claire[cm] m2 mod:delete:1", "click claire[cm] m2 Dismiss"),
                                 before_stop=lambda: flags.extend(bot.flags()))
    assert "Flag #1" in text and "[Dismiss] [Delete message] [Warn] [Timeout]" in text
    assert "Flag #1: Message deleted." in text
    # once the message is deleted, dismissing makes no sense; warning or timing out the member still does
    assert "has no button 'Dismiss' (buttons: Warn, Timeout)" in text
    assert "(m1 deleted" in text or "deleted" in text.split("Flag #1: Message deleted.")[0]
    assert flags[0]["source"] == "report" and flags[0]["reporter_id"] == "bob"
    assert len(flags) == 1 and flags[0]["status"] == "deleted" and set(flags[0]["rules"].split(",")) == {
        "terms", "report"}  # fmt: skip
    assert CLAIRE.id == flags[0]["decided_by"] and bot.clock.now() + timedelta(seconds=1) > T0


async def test_the_stats_command_answers_privately_in_the_locale(make_bot):
    from bot.events import CommandInvoked

    bot = await make_bot(locale="fr")
    await bot.post("connard")
    await bot.click(f"mod:delete:{bot.flags()[0]['id']}")

    async def ask(member: Member) -> str:
        bot.clock.advance(timedelta(seconds=1))
        await bot.app.services.dispatcher.dispatch(
            CommandInvoked(
                platform=PlatformName.CONSOLE,
                space_id="console",
                event_id=f"c{bot.next_id()}",
                at=bot.clock.now(),
                member=member,
                path=("moderation", "stats"),
                options={"days": "7"},
                interaction=InteractionRef(PlatformName.CONSOLE, f"i{bot.next_id()}"),
            )
        )
        answer = bot.platform.of_type(Answer)[-1]
        assert answer.ephemeral
        return answer.content.text.plain()

    shown = await ask(CLAIRE)
    assert "7 derniers jours" in shown and "termes interdits\u00a0: signalements\u00a0: 1" in shown and "100" in shown
    assert "terms" not in await ask(ALICE)  # members are refused
