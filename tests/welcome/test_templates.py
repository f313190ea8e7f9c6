"""Welcome rendering: whitelisted placeholders only, hostile templates and names stay inert text."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.actions import Content
from bot.i18n import Catalogue
from bot.text import MentionChannel, MentionUser, Plain
from config.loader import ConfigError, parse_settings
from config.welcome import WELCOME_PLACEHOLDERS, WelcomeSettings
from handlers.welcome.templates import Newcomer, batch_text, welcome_text, welcome_values
from tests.welcome.conftest import BASE_TOML

HOSTILE_NAME = "@everyone <!channel> <@&123> {0.__class__} {member}"


def community(welcome: str = "", locale: str = "en"):
    toml = BASE_TOML.format(welcome=welcome, moderation="false").replace('locale = "en"', f'locale = "{locale}"')
    settings = parse_settings(toml, "t")
    return settings.communities[0]


def test_every_whitelisted_placeholder_has_a_value_and_nothing_else():
    values = welcome_values(community(), "console", Newcomer("u1", "Ann"), 3, Catalogue.shipped())
    assert set(values) == set(WELCOME_PLACEHOLDERS)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_shipped_welcome_pings_the_newcomer_only_and_links_the_rules(locale):
    text = welcome_text(community(locale=locale), "console", Newcomer("u1", "Ann"), 42, Catalogue.shipped())
    assert text.mentioned_user_ids() == ("u1",)
    assert MentionChannel("rules") in text.spans
    assert "Demo" in text.plain() and "42" in text.plain()


NAMED = 'template = "Welcome {name} ({member})!"'


def test_a_hostile_display_name_stays_plain_text():
    text = welcome_text(community(NAMED), "console", Newcomer("u1", HOSTILE_NAME), 1, Catalogue.shipped())
    assert text.mentioned_user_ids() == ("u1",)
    assert "".join(s.value for s in text.spans if isinstance(s, Plain)) == f"Welcome {HOSTILE_NAME} ()!"
    # the name's own `{member}` was not read as a placeholder: one mention span only
    assert sum(isinstance(s, MentionUser) for s in text.spans) == 1


def test_a_hostile_template_cannot_reach_attributes_or_positional_fields():
    template = 'template = "Hi {member} {member.__class__} {0.__class__} {name!r} {community} {__import__}"'
    with pytest.raises(ConfigError, match=r"unknown placeholder \{__import__\}"):
        community(template)
    template = 'template = "Hi {member} {member.__class__} {0.__class__} {name!r} {{name}} {member_count:percent}"'
    text = welcome_text(community(template), "console", Newcomer("u1", "Ann"), 2, Catalogue.shipped())
    plain = text.plain()
    assert "{member.__class__}" in plain and "{0.__class__}" in plain and "{name!r}" in plain
    assert "{{name}}" not in plain and "{Ann}" in plain  # doubled braces are not an escape: the inner name fills
    assert "class" not in plain.replace("{member.__class__}", "").replace("{0.__class__}", "")
    assert text.mentioned_user_ids() == ("u1",)


def test_unknown_placeholders_are_refused_at_start_with_the_allowed_list():
    with pytest.raises(ValidationError) as error:
        WelcomeSettings(template="Bienvenue {membre}")
    assert "{membre}" in str(error.value) and "{member}" in str(error.value)
    with pytest.raises(ValidationError):
        WelcomeSettings(template="   ")
    with pytest.raises(ValidationError):
        WelcomeSettings(followup_text="{rules}")  # the nudge has no rules placeholder


def test_a_platform_template_overrides_the_community_template():
    welcome = 'template = "all {member}"\ntemplates = { slack = "slack {member}" }'
    settings = community(welcome).welcome
    assert settings.template_for("slack") == "slack {member}"
    assert settings.template_for("discord") == "all {member}"


def test_a_batch_pings_at_most_raid_mentions_newcomers_and_counts_the_rest():
    newcomers = [Newcomer(f"u{i}", f"n{i}") for i in range(30)]
    text = batch_text(community("raid_mentions = 5"), "console", newcomers, 100, Catalogue.shipped())
    assert text.mentioned_user_ids() == ("u0", "u1", "u2", "u3", "u4")
    assert "25 more newcomers" in text.plain() and "30 new members" in text.plain()


def test_on_discord_the_welcome_allows_only_the_member_mention():
    render = pytest.importorskip("bot.platforms.discord.render")
    text = welcome_text(community(NAMED), "discord", Newcomer("123456789", HOSTILE_NAME), 1, Catalogue.shipped())
    rendered = render.render_content(Content(text=text))
    allowed = rendered.allowed_mentions.to_dict()
    assert allowed["parse"] == [] and allowed["users"] == [123456789]
    assert "<@123456789>" in rendered.content
    assert "@everyone" not in rendered.content.replace("@\u200beveryone", "").replace("\\@everyone", "")


def test_on_slack_the_welcome_escapes_the_name():
    from bot.platforms.slack.render import render_content

    text = welcome_text(community(NAMED), "slack", Newcomer("U123", HOSTILE_NAME), 1, Catalogue.shipped())
    rendered = render_content(Content(text=text))
    assert "<@U123>" in rendered.text
    assert "<!channel>" not in rendered.text and "&lt;!channel&gt;" in rendered.text
