"""The console line syntax: each verb, texts with spaces, and clear errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.platforms.console.script import ScriptError, parse_line


def test_texts_keep_their_spaces():
    assert parse_line("say alice #general  Hello there  world").text == "Hello there  world"
    assert parse_line("reply alice m8 Super tuto, merci !").text == "Super tuto, merci !"
    assert parse_line("edit m3 new text here").text == "new text here"
    assert parse_line("click claire m9 Send it").text == "Send it"


def test_members_channels_and_roles():
    line = parse_line("join sam[smm,cm]")
    assert line.member.name == "sam" and line.member.roles == frozenset({"smm", "cm"})
    assert parse_line("leave sam").member.roles is None
    line = parse_line("cmd sam #news /post list status=all")
    assert line.channel == "news" and line.text == "post list status=all"
    assert parse_line("cmd sam /help").channel == "general"


def test_modal_values_and_clock():
    line = parse_line('submit sam cal:draft body="two words" at=2026-12-01')
    assert line.text == "cal:draft" and line.args == {"body": "two words", "at": "2026-12-01"}
    assert parse_line("clock +1d2h30m").delta == timedelta(days=1, hours=2, minutes=30)
    assert parse_line("clock 2026-12-01T09:00").text == "2026-12-01T09:00"


def test_blank_lines_and_comments_are_skipped():
    assert parse_line("   ") is None and parse_line("# say nothing") is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("say alice general hi", "is not a channel"),
        ("say alice #general", "a message needs some text"),
        ("say alice #general   ", "a message needs some text"),
        ("reply alice", "usage: reply NAME MSG TEXT"),
        ("cmd alice help", "usage: cmd NAME"),
        ("clock", "usage: clock"),
        ("clock +", "is not a duration"),
        ("join al ice", "is not a member name"),
        ("dms alice maybe", "usage: dms NAME open|closed"),
        ('submit alice m body="unclosed', "cannot read the values"),
        ("dance alice", "unknown line 'dance'"),
        ('/poll new question="Which day?"', "a command is run in a member's name: `cmd NAME /poll"),
    ],
)
def test_malformed_lines_say_what_was_expected(line, message):
    with pytest.raises(ScriptError, match=message.replace("|", r"\|")):
        parse_line(line)


def test_a_bare_command_is_answered_with_the_cmd_form_in_french():
    from bot.platforms.console.words import Words

    with pytest.raises(ScriptError) as refused:
        parse_line("/feedback")
    assert refused.value.say(Words(locale="fr")) == (
        "une commande se lance au nom d’un membre\u00a0: `cmd NOM /feedback …` (par ex. `cmd alice /feedback`)")
