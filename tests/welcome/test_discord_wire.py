"""The welcome feature on the real discord.py client against the local fake Discord (127.0.0.1)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from bot.clock import SimulatedClock
from bot.features.privacy import feature as privacy_feature
from bot.features.welcome import feature as welcome_feature
from bot.store import Store
from bot.wakeups import SteppedWakeups
from config.loader import parse_settings
from tests.discord.conftest import GUILD, WELCOME_CHANNEL, _discord_endpoints_restored, make_platform  # noqa: F401
from tests.discord.conftest import fake as fake
from tests.fakes.discord_fake import member

TOML = f"""
[[communities]]
id = "brand"
name = "Brand"
locale = "en"
[communities.discord]
space_id = "{GUILD}"
channels = {{ welcome = "{WELCOME_CHANNEL}", rules = "705", moderation = "702" }}
[communities.welcome]
template = "Welcome {{member}} ({{name}}) to {{community}}: read {{rules}} {{member.__class__}}"
dm = true
"""


async def test_a_hostile_name_is_welcomed_pinging_only_the_member_and_closed_dms_fall_back(fake, tmp_path):
    settings = parse_settings(TOML, "wire.toml")
    clock = SimulatedClock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    app = App(settings, Store.open(tmp_path / "wire.db"), clock, SteppedWakeups(clock),
              features=[welcome_feature, privacy_feature])
    app.attach([make_platform(fake, settings, app.services.commands)])
    fake.dms_closed.add("42")
    await app.start()
    try:
        joined = member("42", "@everyone <@&501> **x**", roles=()) | {"guild_id": GUILD}
        await fake.dispatch("GUILD_MEMBER_ADD", joined)
        welcome, fallback = await fake.wait_for_request("POST", rf"/channels/{WELCOME_CHANNEL}/messages", count=2)
    finally:
        await app.stop()
    for call in (welcome, fallback):
        assert call.json["allowed_mentions"]["parse"] == []
        assert [str(u) for u in call.json["allowed_mentions"]["users"]] == ["42"]
        assert not call.json["allowed_mentions"].get("roles")  # a role written in the name is never pinged
    content = welcome.json["content"]
    assert content.startswith("Welcome <@42> (")
    assert "<#705>" in content and "{member.\\_\\_class\\_\\_}" in content  # literal, markdown-escaped
    assert "**x**" not in content and "@\u200beveryone" in content  # the name's markup and ping are inert
    assert "<@42>" in fallback.json["content"]  # the onboarding DM came to the channel instead
