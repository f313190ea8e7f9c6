"""Members attributed to campaign invite links at the wire: the real discord.py client against the local fake,
the traffic feature's invite handlers and `/campaign invite` command, a real SQLite store.

A campaign with two links ("lancement" × "instagram-bio" and × "newsletter"): joins one by one, concurrent
joins through the same link (attributed), concurrent joins through both links (never guessed), a link made by
hand (untracked), and a bot without the Manage Server permission (source unknown)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.actions import Action
from bot.clock import SystemClock
from bot.commands import CommandRegistry, CommandRouter
from bot.dispatcher import CommunityDirectory, Dispatcher
from bot.events import CommandInvoked, InviteCreated, InviteDeleted, InvitesSeen, MemberJoined
from bot.i18n import Catalogue
from bot.outbox import Outbox
from bot.store import Store
from bot.store.migrations import apply_all
from config.loader import parse_settings
from config.settings import Community
from handlers.traffic.attribution import InviteAttribution
from handlers.traffic.commands import campaign_invite_command
from handlers.traffic.invites import joins_of, list_invites
from handlers.traffic.migrations import migrations
from tests.discord.conftest import (  # noqa: F401 (fixtures)
    DISCORD_TOML,
    GUILD,
    SMM_ROLE,
    WELCOME_CHANNEL,
    _discord_endpoints_restored,
    make_platform,
)
from tests.fakes.discord_invites import FakeDiscordWithInvites
from tests.patience import PATIENCE


async def until(predicate, timeout: float = PATIENCE) -> None:
    """Bounded poll for an effect that has no request to wait on."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


class Wire:
    def __init__(self, fake, platform, store, attribution, joined):
        self.fake, self.platform, self.store, self.attribution, self.joined = (fake, platform, store, attribution,
                                                                               joined)

    def joins(self):
        return {member: (campaign, source, how) for _, member, campaign, source, how in joins_of(self.store.db,
                                                                                                 "brand")}

    async def command(self, campaign: str, source: str) -> str:
        payload = self.fake.command("campaign", "7", roles=(SMM_ROLE,), options=[
            {"type": 1, "name": "invite", "options": [{"type": 3, "name": "campaign", "value": campaign},
                                                      {"type": 3, "name": "source", "value": source}]}])
        before = len(self.fake.requests_to("PATCH", r"/webhooks/\d+/[^/]+/messages/@original"))
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        [*_, answer] = await self.fake.wait_for_request("PATCH", r"/webhooks/\d+/[^/]+/messages/@original",
                                                        count=before + 1)
        return answer.json["content"] if answer.json.get("content") else str(answer.json)


@pytest.fixture
async def wire(tmp_path):
    discord_settings = parse_settings(DISCORD_TOML, "discord-test.toml")
    fake = await FakeDiscordWithInvites(guild_ids=(GUILD,)).start()
    fake.add_invite("handmade", uses=5)
    fake.add_channel(WELCOME_CHANNEL, "welcome")
    store = Store.open(tmp_path / "cmbot.db")
    apply_all(store.db, [migrations])
    catalogue = Catalogue.shipped()
    outbox = Outbox()
    registry = CommandRegistry()
    registry.add(campaign_invite_command(store, outbox, SystemClock()))
    dispatcher = Dispatcher(CommunityDirectory(discord_settings), outbox, catalogue)
    dispatcher.subscribe(CommandInvoked, CommandRouter(registry, catalogue))
    attribution = InviteAttribution(store)
    dispatcher.subscribe(InvitesSeen, attribution.on_invites_seen)
    dispatcher.subscribe(InviteCreated, attribution.on_invite_created)
    dispatcher.subscribe(InviteDeleted, attribution.on_invite_deleted)
    joined: list[str] = []

    async def saw_join(event: MemberJoined, community: Community) -> Sequence[Action]:
        joined.append(event.member.id)
        return []

    dispatcher.subscribe(MemberJoined, saw_join)
    platform = make_platform(fake, discord_settings, registry)
    outbox.attach(platform)
    await platform.start(dispatcher.dispatch)
    await until(lambda: attribution.spaces.get(("discord", GUILD)) is not None
                and attribution.spaces[("discord", GUILD)].counts is not None)
    yield Wire(fake, platform, store, attribution, joined)
    await platform.stop()
    await fake.stop()
    store.close()


async def test_two_links_of_a_campaign_attribute_their_members_even_under_concurrent_joins(wire):
    fake = wire.fake
    instagram = await wire.command("lancement", "instagram-bio")
    newsletter = await wire.command("Lancement", "newsletter")
    links = {(i.campaign, i.source): i for i in list_invites(wire.store.db, "brand")}
    assert set(links) == {("lancement", "instagram-bio"), ("lancement", "newsletter")}
    a, b = links[("lancement", "instagram-bio")].code, links[("lancement", "newsletter")].code
    assert f"https://discord.gg/{a}" in instagram and f"https://discord.gg/{b}" in newsletter
    created = fake.requests_to("POST", rf"/channels/{WELCOME_CHANNEL}/invites")[0]
    assert created.json["max_age"] == 0 and created.json["max_uses"] == 0 and created.json["unique"] is True
    again = await wire.command("lancement", "newsletter")
    assert "ont déjà un lien d’invitation" in again and f"https://discord.gg/{b}" in again
    assert len(fake.requests_to("POST", rf"/channels/{WELCOME_CHANNEL}/invites")) == 2  # no second link

    # One by one: each join is read on its own.
    await fake.join_by([(a, "201")])
    await until(lambda: "201" in wire.joins())
    await fake.join_by([(b, "202")])
    await until(lambda: "202" in wire.joins())

    # Concurrent joins through the same link: one reading covers both, both are that link's.
    fake.hold_invite_reads()
    await fake.join_by([(a, "203"), (a, "204")])
    await until(lambda: {"203", "204"} <= set(wire.joined))
    fake.release_invite_reads()
    await until(lambda: {"203", "204"} <= set(wire.joins()))

    # Concurrent joins through both links: who used which cannot be known, so neither is guessed.
    fake.hold_invite_reads()
    await fake.join_by([(a, "205"), (b, "206")])
    await until(lambda: {"205", "206"} <= set(wire.joined))
    fake.release_invite_reads()
    await until(lambda: {"205", "206"} <= set(wire.joins()))

    # Then one by one again: the reference counts followed, nothing is owed to anyone.
    await fake.join_by([(b, "207")])
    await until(lambda: "207" in wire.joins())

    joins = wire.joins()
    assert joins["201"] == ("lancement", "instagram-bio", "invite")
    assert joins["202"] == ("lancement", "newsletter", "invite")
    assert joins["203"] == joins["204"] == ("lancement", "instagram-bio", "invite")
    assert joins["205"] == joins["206"] == (None, None, "ambiguous")
    assert joins["207"] == ("lancement", "newsletter", "invite")


async def test_a_link_made_by_hand_and_a_join_without_link_are_unknown(wire):
    await wire.fake.join_by([("handmade", "301")])
    await until(lambda: "301" in wire.joins())
    await wire.fake.join_by([(None, "302")])  # vanity URL or server discovery: no count moves
    await until(lambda: "302" in wire.joins())
    assert wire.joins()["301"] == (None, None, "untracked")
    assert wire.joins()["302"] == (None, None, "no_invite")


async def test_without_manage_server_the_source_is_unknown_and_a_warning_says_why(wire, caplog):
    wire.fake.manage_guild = False
    with caplog.at_level("WARNING", logger="bot.platforms.discord.invites"):
        await wire.fake.join_by([("handmade", "401")])
        await until(lambda: "401" in wire.joins())
    assert wire.joins()["401"] == (None, None, "no_permission")
    assert "Manage Server" in caplog.text
    wire.fake.manage_guild = True  # granted again: the next reading is a new reference, not a guess
    await wire.fake.join_by([("handmade", "402")])
    await until(lambda: "402" in wire.joins())
    assert wire.joins()["402"] == (None, None, "no_baseline")
    await wire.fake.join_by([("handmade", "403")])
    await until(lambda: "403" in wire.joins())
    assert wire.joins()["403"] == (None, None, "untracked")

