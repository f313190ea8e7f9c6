"""A CLI that starts in a blink: heavy libraries are imported where they are used, never by `cmbot --help`.

Speed itself is measured by `python -m benchmarks startup`; here we count what gets imported instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.events import PlatformName

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("asyncio", "matplotlib", "numpy", "discord", "aiohttp", "slack_bolt", "slack_sdk", "sklearn", "apscheduler",
         "pydantic", "sqlite_utils", "babel")
REPORT_LOADED = (
    "import atexit, sys\n"
    "HEAVY = {heavy!r}\n"
    "atexit.register(lambda: print('LOADED', sorted({{m.split('.')[0] for m in sys.modules}} & set(HEAVY)),"
    " file=sys.stderr, flush=True))\n"
    "from bot.cli import main\n"
    "sys.argv = ['cmbot', *{args!r}]\n"
    "main()\n"
)


def loaded_by(args: list[str], stdin: str = "", cwd: Path = ROOT) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "-c", REPORT_LOADED.format(heavy=HEAVY, args=args)], input=stdin,
                            capture_output=True, text=True, timeout=120, cwd=cwd, env=env)
    line = next(line for line in result.stderr.splitlines() if line.startswith("LOADED"))
    return eval(line.removeprefix("LOADED "))  # a list literal printed by the child above


def test_help_and_version_import_no_heavy_library():
    assert loaded_by(["--help"]) == []
    assert loaded_by(["--version"]) == []
    assert loaded_by(["report", "--help"]) == []


def test_a_console_run_never_loads_a_platform_sdk_the_chart_library_or_the_classifier(tmp_path):
    config = tmp_path / "cmbot.toml"
    config.write_text(f'[bot]\ndatabase = "{tmp_path / "c.db"}"\n[[communities]]\nid = "c"\nname = "C"\n'
                      '[communities.console]\nspace_id = "console"\n', encoding="utf-8")
    loaded = loaded_by(["--config", str(config), "run", "--start-at", "2026-11-23T09:00+01:00"],
                       stdin="join ann\nsay ann #general Bonjour\nclock +1d\n", cwd=tmp_path)
    assert "sqlite_utils" in loaded  # it did run
    assert not {"matplotlib", "discord", "aiohttp", "slack_bolt", "slack_sdk", "sklearn"} & set(loaded)


def test_the_cli_keeps_its_copies_of_names_it_does_not_import():
    from bot.cli import PLATFORM_NAMES
    from schedules.report.cli import FORMATS as CLI_FORMATS
    from schedules.report.export import FORMATS

    assert tuple(p.value for p in PlatformName) == PLATFORM_NAMES
    assert CLI_FORMATS == FORMATS
