"""A CM's decision, across platforms and against races: a person with a Discord and a Slack account gets the role on
both from one click, two CMs clicking at once appoint once, "Not now" closes every copy of the card, and a
member's name never reaches a template as syntax."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.actions import DirectMessage, EditMessage, GrantRole, RevokeRole
from bot.clock import SimulatedClock
from bot.events import PlatformName
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.ambassadors import records
from handlers.ambassadors.appointing import Appointments
from handlers.ambassadors.migrations import migrations
from handlers.ambassadors.revocations import RoleRevocations
from handlers.privacy.accounts import Account, link
from handlers.privacy.migrations import migrations as privacy_migrations
from tests.recording import RecordingPlatform
from tests.report.dataset import acme_settings

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HOSTILE = "{community.__class__} @everyone **x**"


@pytest.fixture
def acme():
    return acme_settings("""
[communities.ambassadors]
discord_role = "555"
slack_usergroup = "SAMB"
""").communities[0]


@pytest.fixture
async def setting(tmp_path, acme):
    store = Store.open(tmp_path / "cmbot.db")
    apply_all(store.db, [privacy_migrations, migrations])
    discord, slack = RecordingPlatform(PlatformName.DISCORD), RecordingPlatform(PlatformName.SLACK)
    outbox = Outbox({PlatformName.DISCORD: discord, PlatformName.SLACK: slack})
    clock, catalogue = SimulatedClock(NOW), Catalogue.shipped()
    revocations = RoleRevocations(store, clock, outbox, catalogue, [acme])
    appointments = Appointments(store, clock, outbox, catalogue, revocations)
    db = store.db
    records.add_candidates(db, "acme", "2026-W48", [(("discord", "d1"), records.Figures(3, 2, 1, 4, 29))], NOW)
    records.record_card(db, 1, "discord", "710", "m1")
    records.record_card(db, 1, "slack", "CSTRAT", "1.2")
    link(db, "acme", Account("discord", "d1"), Account("slack", "s1"), NOW)
    db["members"].insert({"community": "acme", "platform": "discord", "member_id": "d1", "display_name": HOSTILE})
    db.conn.commit()
    yield appointments, discord, slack, db
    store.close()


async def test_one_click_gives_the_role_on_every_linked_platform_and_closes_every_card(setting, acme):
    appointments, discord, slack, db = setting
    decision = await appointments.accept(1, ("slack", "UCM"), "Claire", acme)
    assert decision.ok
    assert discord.of_type(GrantRole) == [GrantRole(member_id="d1", role_id="555", reason="Appointed ambassador")]
    assert slack.of_type(GrantRole) == [GrantRole(member_id="s1", role_id="SAMB", reason="Appointed ambassador")]
    [thanks] = discord.of_type(DirectMessage)  # once, on the platform of the account the card named
    assert thanks.member_id == "d1" and not slack.of_type(DirectMessage)
    assert HOSTILE in thanks.content.text.plain()  # shown as written: a value, never template syntax
    assert "Acme" in thanks.content.text.plain()
    assert [e.message_id for e in discord.of_type(EditMessage)] == ["m1"]
    assert [e.message_id for e in slack.of_type(EditMessage)] == ["1.2"]
    assert "Claire" in slack.of_type(EditMessage)[0].content.text.plain()
    assert sorted(a.account for a in records.current(db, "acme")) == [("discord", "d1"), ("slack", "s1")]
    assert all(a.granted for a in records.current(db, "acme"))


async def test_two_cms_clicking_at_once_appoint_once(setting, acme):
    appointments, discord, _, _ = setting
    first, second = await asyncio.gather(appointments.accept(1, ("discord", "cm1"), "A", acme),
                                         appointments.decline(1, ("discord", "cm2"), "B", acme))
    assert sorted([first.ok, second.ok]) == [False, True]
    assert len(discord.of_type(GrantRole)) == (1 if first.ok else 0)


async def test_not_now_closes_the_cards_and_gives_nothing(setting, acme):
    appointments, discord, slack, db = setting
    decision = await appointments.decline(1, ("discord", "cm1"), "Claire", acme)
    assert decision.ok and "12 weeks" in decision.lines[0].plain()
    assert not discord.of_type(GrantRole) and not slack.of_type(GrantRole)
    assert len(discord.of_type(EditMessage)) == len(slack.of_type(EditMessage)) == 1
    assert records.current(db, "acme") == []
    again = await appointments.accept(1, ("discord", "cm2"), "Dan", acme)
    assert not again.ok and "already been decided" in again.lines[0].plain()


async def test_removing_takes_the_role_back_on_every_platform(setting, acme):
    appointments, discord, slack, db = setting
    await appointments.accept(1, ("discord", "cm1"), "Claire", acme)
    removed = await appointments.remove(("slack", "s1"), ("discord", "cm1"), acme)
    assert removed.ok
    assert [r.member_id for r in discord.of_type(RevokeRole)] == ["d1"]
    assert [r.member_id for r in slack.of_type(RevokeRole)] == ["s1"]
    assert records.current(db, "acme") == []
    assert not (await appointments.remove(("slack", "s1"), ("discord", "cm1"), acme)).ok
