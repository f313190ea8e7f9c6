"""`cmbot discord invite-url` and `cmbot discord sync`."""

from __future__ import annotations

import base64
import json

from click.testing import CliRunner

from bot.cli import cli
from bot.platforms.discord.cli import sync_commands


def test_invite_url_from_the_client_id_option():
    result = CliRunner().invoke(cli, ["discord", "invite-url", "--client-id", "900"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("https://discord.com/oauth2/authorize?client_id=900&scope=bot+applications.commands")


def test_invite_url_reads_the_client_id_from_the_token_and_never_prints_the_token(monkeypatch):
    head = base64.b64encode(b"123456789012345678").decode().rstrip("=")
    monkeypatch.setenv("DISCORD_TOKEN", f"{head}.secret.part")
    result = CliRunner().invoke(cli, ["discord", "invite-url"])
    assert result.exit_code == 0, result.output
    assert "client_id=123456789012345678" in result.output and "secret" not in result.output


def test_invite_url_without_any_id_is_a_usage_error(monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["discord", "invite-url"])
    assert result.exit_code == 2 and "--client-id" in result.output


def test_sync_dry_run_prints_the_payloads_of_the_shipped_commands(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["discord", "sync", "--dry-run"])
    assert result.exit_code == 0, result.output
    names = {p["name"] for p in json.loads(result.output)}
    assert {"help", "Report to moderators"} <= names


async def test_sync_replaces_the_global_commands_over_rest_only(fake):
    payloads = [{"type": 1, "name": "help", "description": "d"}]
    count = await sync_commands(fake.token, payloads, api_base=fake.api_base)
    assert count == 1
    [call] = fake.requests_to("PUT", rf"/applications/{fake.bot_id}/commands")
    assert call.json == payloads
    assert fake.identify_payloads == []
