"""Each rule on its own: hits, near-misses, and the floors that keep ordinary messages quiet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.moderation.rules.activity import CrossPost, Flood, Newcomer
from handlers.moderation.rules.base import MessageFacts, Severity
from handlers.moderation.rules.links import Links
from handlers.moderation.rules.mentions import MentionSpam
from handlers.moderation.rules.style import Capitals, EmojiSpam, RepeatedCharacters
from handlers.moderation.urls import ScamList, find_links, imitated_brand

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SCAMS = ScamList(["free-nitro-gifts.example", "steamcommunnity.example", "bit.ly/scam123", "# a comment", ""])


def links(**options) -> Links:
    return Links(SCAMS, **options)


@pytest.mark.parametrize(
    ("text", "severity", "detail"),
    [
        ("claim https://free-nitro-gifts.example/now", Severity.CRITICAL, "scam"),
        ("www.sub.free-nitro-gifts.example", Severity.CRITICAL, "scam"),
        ("trade: steamcommunnity.example/tradeoffer", Severity.CRITICAL, "scam"),
        ("https://bit.ly/scam123", Severity.CRITICAL, "scam"),
        ("https://dlscord.gift/abc", Severity.HIGH, "look-alike of discord"),
        ("https://dіscord.com/login", Severity.HIGH, "look-alike of discord"),  # Cyrillic і
        ("get free-nitro.ru/claim", Severity.HIGH, "look-alike of nitro"),
        ("https://steam-gift.ru/x", Severity.HIGH, "look-alike of steam"),
        ("join discord.gg/abcdef", Severity.MEDIUM, "invite"),
        ("https://discord.com/invite/abcdef", Severity.MEDIUM, "invite"),
        ("https://bit.ly/3xYz", Severity.LOW, "shortened"),
    ],
)
def test_link_hits(text: str, severity: Severity, detail: str) -> None:
    hit = links().check(MessageFacts(text))
    assert hit is not None and hit.severity is severity and hit.detail.startswith(detail)


@pytest.mark.parametrize(
    "text",
    [
        "see https://discord.com/channels/1/2/3",
        "https://steamcommunity.com/id/someone",
        "https://bit.ly",  # a shortener without a path is not a link to anything
        "steampunk.org and nitrogen.com",
        "e.g. this, i.e. that",
        "https://www.youtube.com/watch?v=abc",
        "version 1.2.3",
    ],
)
def test_link_near_misses(text: str) -> None:
    assert links().check(MessageFacts(text)) is None


def test_a_listed_shortened_link_never_lists_the_whole_shortener() -> None:
    hit = links().check(MessageFacts("https://bit.ly/scam1234"))
    assert hit is not None and hit.severity is Severity.LOW and hit.detail.startswith("shortened")


def test_link_allow_and_deny_lists() -> None:
    rule = links(allow=frozenset({"discord.gg"}), deny=frozenset({"casino.example"}))
    assert rule.check(MessageFacts("discord.gg/friends")) is None
    hit = rule.check(MessageFacts("play at https://www.casino.example/spin"))
    assert hit is not None and hit.detail.startswith("denied")
    assert links(block_invites=False).check(MessageFacts("discord.gg/abc")) is None


def test_links_in_a_wall_of_text_are_found_in_linear_time() -> None:
    assert [link.host for link in find_links("a " * 10_000 + "https://x.example/p")] == ["x.example"]
    assert imitated_brand("discord.com") is None


def test_mentions() -> None:
    rule = MentionSpam(max_mentions=5)
    assert rule.check(MessageFacts("hi", mentioned_user_ids=("1", "2", "3", "4"))) is None
    assert rule.check(MessageFacts("hi", mentioned_user_ids=("1", "2", "3"), mentioned_role_ids=("r1", "r2")))
    assert rule.check(MessageFacts("hi", mentioned_user_ids=("1",) * 9)) is None  # the same member, counted once
    for attempt in ("hey @everyone", "@Here look", "<!channel> news", "<!here|here>", "x <!everyone>"):
        assert rule.check(MessageFacts(attempt)) is not None, attempt
    assert rule.check(MessageFacts("hi", mentions_everyone=True)) is not None
    assert rule.check(MessageFacts("RT @user1: RT @user2: RT @user3: RT @user4: RT @user5: @user6 hello")) is None
    assert rule.check(MessageFacts("mail me at someone@here.example")) is None


def test_capitals() -> None:
    rule = Capitals(min_letters=16, ratio=0.8)
    assert rule.check(MessageFacts("OK")) is None
    assert rule.check(MessageFacts("LOL")) is None
    assert rule.check(MessageFacts("NASA and the ESA")) is None
    assert rule.check(MessageFacts("WHY DOES NOBODY ANSWER MY QUESTION")) is not None
    assert rule.check(MessageFacts("POURQUOI PERSONNE NE RÉPOND À MA QUESTION")) is not None
    assert rule.check(MessageFacts("Why does nobody answer my question")) is None
    assert rule.check(MessageFacts("1234567890 !!!! ???? 1234567890")) is None


def test_emoji() -> None:
    rule = EmojiSpam(max_emoji=12)
    assert rule.check(MessageFacts("bravo 🎉🎉🎉")) is None
    assert rule.check(MessageFacts("🎉" * 13)) is not None
    assert rule.check(MessageFacts("<:pog:123456>" * 13)) is not None
    assert rule.check(MessageFacts(":tada:" * 13)) is not None
    assert rule.check(MessageFacts("time 10:30:45 at 11:00")) is None


def test_repeated_characters() -> None:
    rule = RepeatedCharacters(max_run=12)
    assert rule.check(MessageFacts("noooooooooooo")) is None  # 12 o
    assert rule.check(MessageFacts("nooooooooooooo")) is not None  # 13 o
    assert rule.check(MessageFacts("hahahahahahahahahaha")) is None
    assert rule.check(MessageFacts("!" * 30)) is not None


def test_flood_counts_per_member_in_a_sliding_window() -> None:
    rule = Flood(max_messages=4, window_seconds=10)

    def say(second: float, member: str = "alice"):
        return rule.check(MessageFacts("hi", member_id=member, space_id="s", at=T0 + timedelta(seconds=second)))

    assert [say(s) for s in (0, 1, 2)] == [None, None, None]
    assert say(3, "bob") is None
    assert say(3) is not None
    assert say(4) is None  # one flag per burst
    assert [say(s) for s in (30, 45, 60, 75)] == [None] * 4  # slow talkers never flood
    for second in (100, 101, 102, 103, 104):  # edits of one message are not a flood
        assert rule.check(MessageFacts("hi", member_id="alice", space_id="s", edit=True,
                                       at=T0 + timedelta(seconds=second))) is None  # fmt: skip


def test_the_same_text_in_several_channels() -> None:
    rule = CrossPost(channels=3, window_seconds=120, min_length=12)

    def post(channel: str, second: float, text: str = "Buy cheap followers now!!"):
        return rule.check(MessageFacts(text, member_id="spam", channel_id=channel, space_id="s",
                                       at=T0 + timedelta(seconds=second)))  # fmt: skip

    assert post("a", 0) is None and post("a", 1) is None and post("b", 2) is None
    assert post("c", 3) is not None
    assert post("d", 500) is None  # the window has passed
    assert post("x", 600, "ok") is None and post("y", 601, "ok") is None and post("z", 602, "ok") is None


def test_newcomers_posting_links_or_mentions() -> None:
    rule = Newcomer(minutes=30)
    rule.saw_join("s", "new", T0)
    fresh = dict(member_id="new", space_id="s", at=T0 + timedelta(minutes=5))
    assert rule.check(MessageFacts("hello everyone", **fresh)) is None
    assert rule.check(MessageFacts("visit https://shop.example", **fresh)) is not None
    assert rule.check(MessageFacts("hi", mentioned_user_ids=("1",), **fresh)) is not None
    later = dict(member_id="new", space_id="s", at=T0 + timedelta(minutes=31))
    assert rule.check(MessageFacts("visit https://shop.example", **later)) is None
    joined = dict(member_id="other", space_id="s", at=T0, joined_at=T0 - timedelta(minutes=1))
    assert rule.check(MessageFacts("www.shop.example", **joined)) is not None
    assert rule.check(MessageFacts("www.shop.example", member_id="old", space_id="s", at=T0)) is None
