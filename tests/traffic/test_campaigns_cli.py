"""`cmbot campaigns invite` and `list` through the real CLI, creating the link over REST on the Discord fake, in a
French community and in an English one (each reads the CLI in its own language)."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.discord.conftest import _discord_endpoints_restored  # noqa: F401 (autouse: endpoints put back)
from tests.fakes.discord_invites import FakeDiscordWithInvites

CONFIG = """
[bot]
database = "{db}"
endpoints = {{ discord_api = "{api}" }}

[[communities]]
id = "brand"
name = "Brand"
locale = "{locale}"

[communities.discord]
space_id = "100"
channels = {{ welcome = "701" }}
"""


@pytest.fixture
async def fake():
    server = await FakeDiscordWithInvites(guild_ids=("100",)).start()
    server.add_channel("701", "welcome")
    yield server
    await server.stop()


async def _run(args, config, env):
    return await asyncio.to_thread(CliRunner().invoke, cli, ["--config", str(config), *args], env=env)


NBSP, NNBSP = "\u00a0", "\u202f"
SAYS = {
    "fr": {"created": "Lien d’invitation pour lancement · newsletter" + NBSP + ": https://discord.gg/{code} (permanent"
                      + NNBSP + ";",
           "exists": "Cette campagne et cette source ont déjà un lien d’invitation" + NBSP + ": https://discord.gg/{code}",
           "none": "Aucun lien d’invitation suivi pour l’instant" + NBSP + ": cmbot campaigns invite CAMPAGNE SOURCE",
           "refused": "cmbot" + NBSP + ": Discord a refusé le jeton (401)" + NBSP + ": vérifiez DISCORD_TOKEN.",
           "bad_name": "cmbot" + NBSP + ": La campagne et la source sont des noms courts"},
    "en": {"created": "Invite link for lancement · newsletter: https://discord.gg/{code} (permanent;",
           "exists": "This campaign and source already have an invite link: https://discord.gg/{code}",
           "none": "No tracked invite link yet: cmbot campaigns invite CAMPAIGN SOURCE",
           "refused": "cmbot: Discord refused the token (401): check DISCORD_TOKEN.",
           "bad_name": "cmbot: Campaign and source are short names"},
}


def _config(tmp_path, fake, locale):
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=tmp_path / "cmbot.db", api=fake.api_base, locale=locale))
    return config


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_invite_creates_one_permanent_link_per_campaign_and_source(fake, tmp_path, locale):
    config = _config(tmp_path, fake, locale)
    env = {"DISCORD_TOKEN": fake.token}
    empty = await _run(["campaigns", "list"], config, env)
    assert empty.exit_code == 0 and empty.output.strip() == SAYS[locale]["none"]
    first = await _run(["campaigns", "invite", "Lancement", "newsletter"], config, env)
    assert first.exit_code == 0, first.output
    [call] = fake.requests_to("POST", r"/channels/701/invites")
    assert (call.json["max_age"], call.json["max_uses"], call.json["unique"]) == (0, 0, True)
    code = next(iter(fake.invites))
    assert SAYS[locale]["created"].format(code=code) in first.output
    again = await _run(["campaigns", "invite", "lancement", "newsletter"], config, env)
    assert again.output.strip() == SAYS[locale]["exists"].format(code=code)
    assert len(fake.requests_to("POST", r"/channels/701/invites")) == 1
    listed = await _run(["campaigns", "list"], config, env)
    assert f"lancement\tnewsletter\thttps://discord.gg/{code}" in listed.output


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_a_refused_token_or_a_bad_name_is_a_clear_error(fake, tmp_path, locale):
    config = _config(tmp_path, fake, locale)
    refused = await _run(["campaigns", "invite", "noel", "bio"], config, {"DISCORD_TOKEN": "wrong"})
    assert refused.exit_code == 3 and refused.output.strip() == SAYS[locale]["refused"]
    bad = await _run(["campaigns", "invite", "no spaces!", "bio"], config, {"DISCORD_TOKEN": fake.token})
    assert bad.exit_code == 2 and bad.output.startswith(SAYS[locale]["bad_name"])
    assert "Error" not in bad.output + refused.output  # no English word from click in a French community
