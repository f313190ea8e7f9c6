"""Config: every kind of mistake gives a message naming the file and the key; all mistakes at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config.loader import ConfigError, load_settings, parse_settings
from tests.patience import PATIENCE

GOOD = """
[[communities]]
id = "acme"
name = "Acme"
[communities.discord]
space_id = 123456789012345678
channels = { welcome = 111, moderation = 222 }
roles = { cm = [333] }
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, "cmbot.toml")
    return caught.value.problems


def test_a_good_file_loads_with_defaults_and_ids_as_text():
    settings = parse_settings(GOOD, "cmbot.toml")
    community = settings.communities[0]
    assert community.locale == "fr" and community.timezone == "Europe/Paris"
    assert community.discord.space_id == "123456789012345678"
    assert community.discord.channels.welcome == "111"
    assert community.discord.roles.cm == ("333",)


def test_the_embedded_default_runs_the_console_demo():
    settings = load_settings(None)
    assert settings.communities[0].console is not None


def test_invalid_toml_names_the_file_and_the_line():
    (message,) = problems("[[communities]\nid = 1")
    assert message.startswith("cmbot.toml: not valid TOML") and "line 1" in message


def test_an_unknown_key_is_named():
    (message,) = problems(GOOD + 'colour = "blue"\n')
    assert "cmbot.toml: key 'communities[0].discord.colour': unknown key" in message


def test_a_wrong_type_is_named():
    (message,) = problems(GOOD.replace('name = "Acme"', 'name = "Acme"\nlocale = "de"'))
    assert "key 'communities[0].locale'" in message and "'fr' or 'en'" in message


def test_an_unknown_timezone_is_explained():
    (message,) = problems(GOOD.replace('name = "Acme"', 'name = "Acme"\ntimezone = "Mars/Olympus"'))
    assert "key 'communities[0].timezone'" in message and "unknown IANA timezone 'Mars/Olympus'" in message


def test_missing_communities_and_missing_platforms():
    assert "key 'communities': required key is missing" in problems("[bot]\n")[0]
    (message,) = problems('[[communities]]\nid = "x"\nname = "X"\n')
    assert "key 'communities[0]'" in message and "[discord], [slack] or [console]" in message


def test_a_space_claimed_twice_is_refused():
    twice = GOOD + GOOD.replace('id = "acme"', 'id = "other"')
    (message,) = problems(twice)
    assert "claimed by both 'acme' and 'other'" in message


def test_several_mistakes_are_reported_together():
    text = GOOD.replace('name = "Acme"', 'name = "Acme"\nlocale = "de"\ntimezone = "Nowhere"\ncolor = 1')
    found = problems(text)
    assert len(found) == 3
    assert all(p.startswith("cmbot.toml: key 'communities[0].") for p in found)


def test_secrets_in_the_file_are_refused_as_unknown_keys():
    (message,) = problems('[bot]\ntoken = "abc"\n' + GOOD)
    assert "key 'bot.token': unknown key" in message


def test_config_check_exits_2_and_names_file_and_key(tmp_path: Path):
    broken = tmp_path / "broken.toml"
    broken.write_text(GOOD.replace('name = "Acme"', 'name = "Acme"\nlocale = "de"'), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "config", "check", str(broken)], capture_output=True, text=True, timeout=PATIENCE
    )
    assert result.returncode == 2
    assert str(broken) in result.stderr and "communities[0].locale" in result.stderr
    good = tmp_path / "good.toml"
    # a complete file: the weekly report needs a strategy channel to be posted somewhere
    good.write_text(GOOD.replace("moderation = 222", "moderation = 222, strategy = 444"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "config", "check", str(good)], capture_output=True, text=True, timeout=PATIENCE
    )
    assert result.returncode == 0 and "OK" in result.stdout


def test_run_with_a_broken_config_exits_2_before_starting(tmp_path: Path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[[communities]]\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(broken)],
        capture_output=True, text=True, timeout=PATIENCE, input="", cwd=tmp_path,
    )
    assert result.returncode == 2
    assert f"{broken}: 2 problems" in result.stderr
    assert not (tmp_path / "cmbot.db").exists()
