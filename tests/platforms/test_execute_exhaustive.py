"""Every adapter carries out every action: `execute` matches on `AnyAction` and ends with `assert_never`.

At run time, every `Action` subclass must be listed in `AnyAction` (else no adapter's match can see it). At
type-check time, an adapter missing a branch is an error: checked here by type-checking copies of the three
adapters with one branch taken out.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from pathlib import Path

import pytest

import bot.actions as actions
from bot.actions import Action, AnyAction, concrete
from bot.events import PlatformName
from bot.platforms.capabilities import CAPABILITIES

ROOT = Path(__file__).resolve().parents[2]
THIRD_PARTY = ("discord", "slack_bolt", "slack_sdk", "aiohttp", "matplotlib", "numpy", "sqlite_utils", "pydantic",
               "pydantic_settings", "apscheduler", "babel")
EXECUTORS = ("bot/platforms/discord/execute.py", "bot/platforms/slack/calls.py", "bot/platforms/console/actions.py")


def _subclasses(kind: type) -> set[type]:
    found = set()
    for sub in kind.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_action_is_in_the_union_adapters_match_on():
    declared = {cls for cls in vars(actions).values() if isinstance(cls, type) and issubclass(cls, Action)}
    assert declared - {Action} == set(typing.get_args(AnyAction))
    assert _subclasses(Action) >= set(typing.get_args(AnyAction))


def test_an_action_outside_the_union_is_refused_loudly():
    @dataclass(frozen=True, kw_only=True)
    class Poll(Action):
        question: str

    with pytest.raises(TypeError, match="Poll is not listed"):
        concrete(Poll(question="?"))


@pytest.mark.parametrize("path", EXECUTORS)
def test_each_executor_matches_every_action_and_ends_with_assert_never(path):
    source = (ROOT / path).read_text()
    cases = set(re.findall(r"^\s+case (\w+)\(\):", source, re.MULTILINE))
    assert cases == {cls.__name__ for cls in typing.get_args(AnyAction)}
    assert "assert_never(action)" in source


def test_a_missing_branch_is_a_type_error(tmp_path):
    api = pytest.importorskip("mypy.api")
    copies = []
    for path in EXECUTORS:
        source = (ROOT / path).read_text()
        cut = re.sub(r"\n\s+case FindPost\(\):\n[^\n]+", "", source)
        assert cut != source
        copy = tmp_path / Path(path).name.replace(".py", f"_{len(copies)}.py")
        copy.write_text(cut)
        copies.append(str(copy))
    # The third-party packages are not followed: the check needs our action types, not discord.py's or
    # numpy's, and following them cost most of a minute on a cold cache.
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nignore_missing_imports = True\nfollow_imports = silent\n"
                      f"[mypy-{','.join(f'{name}.*' for name in THIRD_PARTY)}]\nfollow_imports = skip\n")
    cache = ROOT / ".mypy_cache"  # shared with the type check of the whole tree: warm after the first run
    out, _, status = api.run(["--config-file", str(config), "--cache-dir", str(cache), *copies])
    assert status == 1
    assert out.count('"assert_never" has incompatible type "FindPost"') == len(EXECUTORS), out


def test_capabilities_are_declared_once_and_read_by_each_adapter():
    from bot.platforms.console.platform import ConsolePlatform
    from bot.platforms.discord import DiscordPlatform
    from bot.platforms.slack import SlackPlatform

    assert DiscordPlatform.capabilities is CAPABILITIES[PlatformName.DISCORD]
    assert SlackPlatform.capabilities is CAPABILITIES[PlatformName.SLACK]
    assert ConsolePlatform.capabilities is CAPABILITIES[PlatformName.CONSOLE]
    assert set(CAPABILITIES) == set(PlatformName)
