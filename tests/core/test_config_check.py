"""The config check catches what breaks a feature and speaks like a person, in French or English."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import cli
from config.loader import ConfigError, feature_check, parse_settings

BASE = """
[[communities]]
id = "brand"
name = "Brand"
locale = "fr"

[communities.discord]
space_id = "100"
channels = {{ {channels} }}
{extra}
"""


def problems(text: str, lang: str, monkeypatch) -> list[str]:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8" if lang == "fr" else "en_US.UTF-8")
    try:
        settings = parse_settings(text, "cmbot.toml")
    except ConfigError as error:
        return error.problems
    return feature_check(settings, "cmbot.toml")


def test_moderation_on_with_no_moderation_channel_names_the_key(monkeypatch):
    [said] = problems(BASE.format(channels='strategy = "1"', extra=""), "en", monkeypatch)
    assert "communities[0].discord.channels.moderation" in said
    assert "communities[0].moderation.enabled = false" in said and "nobody would see the flags" in said


def test_a_report_with_no_strategy_channel_names_the_key_in_french(monkeypatch):
    [said] = problems(BASE.format(channels='moderation = "2"', extra=""), "fr", monkeypatch)
    assert "communities[0].discord.channels.strategy" in said and "publié nulle part" in said


def test_features_turned_off_pass(monkeypatch):
    off = "[communities.moderation]\nenabled = false\n[communities.report]\nenabled = false"
    assert problems(BASE.format(channels="", extra=off), "en", monkeypatch) == []


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "heure attendue au format HH:MM, par exemple 09:00"),
    ("en", "expected a time as HH:MM, for example 09:00"),
])
def test_pydantic_wording_never_reaches_the_user(monkeypatch, lang, expected):
    text = BASE.format(channels='moderation = "2", strategy = "1"', extra='[communities.report]\ntime = "9h"')
    [said] = problems(text, lang, monkeypatch)
    assert expected in said and "communities[0].report.time" in said
    assert "should match" not in said and "^(" not in said


def test_an_unknown_key_gets_did_you_mean(monkeypatch):
    text = BASE.format(channels='moderaton = "2", strategy = "1"', extra="")
    [said] = problems(text, "en", monkeypatch)
    assert "did you mean “moderation”" in said
    [said] = problems(BASE.format(channels='strategy = "1"', extra="[communities.moderation]\nenabeld = false"),
                      "fr", monkeypatch)
    assert "vouliez-vous dire «\u00a0enabled\u00a0»" in said


def test_config_check_fails_with_the_sentence_and_passes_when_fixed(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    path = tmp_path / "cmbot.toml"
    path.write_text(BASE.format(channels='strategy = "1"', extra=""), encoding="utf-8")
    broken = CliRunner().invoke(cli, ["config", "check", str(path)])
    assert broken.exit_code == 2 and "channels.moderation" in broken.output
    path.write_text(BASE.format(channels='strategy = "1", moderation = "2"', extra=""), encoding="utf-8")
    fixed = CliRunner().invoke(cli, ["config", "check", str(path)])
    assert fixed.exit_code == 0, fixed.output
