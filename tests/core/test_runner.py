"""Which platforms `cmbot run` starts, and the clear refusals when it cannot."""

from __future__ import annotations

import pytest

from bot.events import PlatformName
from bot.runner import RunError, choose_platforms
from config.settings import Secrets

CONSOLE, DISCORD, SLACK = PlatformName.CONSOLE, PlatformName.DISCORD, PlatformName.SLACK


def secrets(**values: str) -> Secrets:
    return Secrets.model_validate(values)


def test_with_no_credentials_the_console_runs():
    assert choose_platforms((), secrets()) == (CONSOLE,)


def test_every_platform_with_credentials_runs_by_default():
    both = secrets(DISCORD_TOKEN="d" * 10, SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1")
    assert choose_platforms((), both) == (DISCORD, SLACK)
    # a bot token without any Slack transport secret is not enough to run Slack by default
    assert choose_platforms((), secrets(SLACK_BOT_TOKEN="xoxb-1")) == (CONSOLE,)


@pytest.mark.parametrize(
    ("requested", "values", "message"),
    [
        ((DISCORD,), {}, "needs the DISCORD_TOKEN"),
        ((SLACK,), {}, "needs the SLACK_BOT_TOKEN"),
        ((CONSOLE, DISCORD), {"DISCORD_TOKEN": "d" * 10}, "the console platform runs alone"),
    ],
)
def test_refusals_name_what_is_missing(requested, values, message):
    with pytest.raises(RunError, match=message) as caught:
        choose_platforms(requested, secrets(**values))
    assert caught.value.exit_status == 2


def test_secrets_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "from-the-environment")
    assert Secrets().DISCORD_TOKEN.get_secret_value() == "from-the-environment"
    assert "from-the-environment" not in repr(Secrets())
