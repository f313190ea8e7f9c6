"""`cmbot privacy forget|export|link` for admins, on a real database file."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from bot.cli_context import CliContext
from bot.features.privacy import feature as privacy_feature
from bot.features.welcome import feature as welcome_feature
from bot.store import Store
from bot.store.migrations import apply_all
from handlers.privacy.accounts import Account, link
from handlers.privacy.cli import privacy_cli

FEATURES = [welcome_feature, privacy_feature]


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "cmbot.toml"
    path.write_text(
        f'[bot]\ndatabase = "{tmp_path / "cmbot.db"}"\n'
        '[[communities]]\nid = "demo"\nname = "Demo"\n[communities.console]\nspace_id = "console"\n'
        '[communities.discord]\nspace_id = "1"\n',
        encoding="utf-8",
    )
    store = Store.open(tmp_path / "cmbot.db")
    apply_all(store.db, [f.migrations for f in FEATURES])
    now = datetime(2026, 11, 23, tzinfo=UTC).isoformat()
    for platform, member in (("console", "ann"), ("discord", "123"), ("console", "bob")):
        store.db["members"].insert({"community": "demo", "platform": platform, "member_id": member,
                                    "display_name": member, "joined_at": now})
        store.db["welcome_welcomes"].insert({"community": "demo", "platform": platform, "member_id": member,
                                             "joined_at": now, "welcomed_at": now})
    link(store.db, "demo", Account("console", "ann"), Account("discord", "123"), datetime.now(UTC))
    store.close()
    return path


def run(config, *args: str, input: str | None = None):
    context = CliContext(config_path=config, features=lambda: FEATURES)
    return CliRunner().invoke(privacy_cli, list(args), obj=context, input=input)


def test_export_writes_the_linked_accounts_rows_to_a_private_file(config, tmp_path):
    out = tmp_path / "ann.json"
    result = run(config, "export", "console:ann", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "6 row(s) of console:ann, discord:123" in result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(document["tables"]) == ["members", "privacy_links", "welcome_welcomes"]
    assert "bob" not in out.read_text(encoding="utf-8")
    assert out.stat().st_mode & 0o077 == 0


def test_forget_asks_for_confirmation_and_erases_both_accounts(config, tmp_path):
    refused = run(config, "forget", "discord:123", input="n\n")
    assert refused.exit_code == 1 and "Erase 6 row(s) of console:ann, discord:123" in refused.output
    result = run(config, "forget", "discord:123", "--yes")
    assert result.exit_code == 0, result.output
    assert "erased 6 row(s)" in result.output
    store = Store.open(tmp_path / "cmbot.db")
    assert [r["member_id"] for r in store.db["members"].rows] == ["bob"]
    assert [r["member_id"] for r in store.db["welcome_welcomes"].rows] == ["bob"]
    assert store.db["privacy_links"].count == 0
    store.close()


def test_link_then_export_covers_both_accounts(config):
    assert run(config, "link", "console:bob", "discord:999").exit_code == 0
    result = run(config, "export", "discord:999")
    assert json.loads(result.output)["accounts"] == ["console:bob", "discord:999"]


@pytest.mark.parametrize("args", [["export", "bob"], ["export", "teams:bob"], ["link", "console:a", "console:a"],
                                  ["export", "console:bob", "--community", "nope"]])
def test_bad_input_is_a_clear_usage_error(config, args):
    result = run(config, *args)
    assert result.exit_code == 2
    assert "Error" in result.output
