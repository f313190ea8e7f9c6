"""Targets as members write them, and as Discord and Slack hand over a picked channel."""

from __future__ import annotations

from handlers.calendar.validation import parse_targets


def test_plain_names_and_platform_prefixes():
    targets = parse_targets("#news, discord:123, slack:C01", "console")
    assert [(t.platform, t.channel_id) for t in targets] == [("console", "news"), ("discord", "123"), ("slack", "C01")]


def test_channel_mentions_from_discord_and_slack_become_ids():
    assert [(t.platform, t.channel_id) for t in parse_targets("<#710>", "discord")] == [("discord", "710")]
    assert [(t.platform, t.channel_id) for t in parse_targets("<#C0123|general>", "slack")] == [("slack", "C0123")]
