"""A new flag's card is drawn and printed with counted work: its number, buttons and channel come from what the
flags before it already drew, and the console prints its fields without a pass per span or per line.

Counted in calls (`work.calls`), which the machine's load does not move; what the card shows is checked against
the long way (`test_card_frames`, the console's post path tests)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.actions import Post
from bot.clock import SimulatedClock
from bot.commands import CommandRegistry
from bot.i18n import Catalogue
from bot.platforms.console import ConsolePlatform
from bot.templates import format_value
from handlers.moderation.cards import _group_symbol, _shown_number, flag_card
from handlers.moderation.flags import FlagDraft, RuleHit, excerpt, new_rows
from tests.moderation.work import calls

CATALOGUE = Catalogue.shipped()


def a_new_flag(flag_id: int) -> tuple[dict, list[dict]]:
    draft = FlagDraft("c1", "console", "console", "general", f"m{flag_id}", "u77", "high",
                      (RuleHit("classifier", "high", False, "abuse 0.93"), RuleHit("profanity", "medium", False)),
                      excerpt("you are such a stupid idiot, go away"), f"console://general/m{flag_id}",
                      datetime(2026, 12, 1, tzinfo=UTC))
    return new_rows(draft, flag_id)


def test_a_new_flags_card_is_drawn_in_a_few_dozen_calls():
    flag, rules = a_new_flag(1233)
    flag_card(flag, rules, CATALOGUE, "fr", can_timeout=True, member_name="Bob")  # the frame, drawn once
    flag, rules = a_new_flag(1234)
    # 56 before the title's number, the buttons and the channel's field were drawn from the frame
    assert calls(lambda: flag_card(flag, rules, CATALOGUE, "fr", can_timeout=True, member_name="Bob")) <= 32


def test_a_cards_print_on_the_console_takes_one_pass_per_field():
    out = io.StringIO()
    platform = ConsolePlatform("console", SimulatedClock(), CommandRegistry(), lambda: None, stdout=out, locale="fr")
    flag, rules = a_new_flag(1234)
    card = flag_card(flag, rules, CATALOGUE, "fr", can_timeout=True, member_name="Bob")
    platform.actions.execute(Post(channel_id="modq", content=card))
    counted = calls(lambda: platform.actions.execute(Post(channel_id="modq", content=card)))
    assert counted <= 66  # 82 when each field's value went through the spans' pass and its lines were split
    assert "Signalement n°\xa01\u202f234" in out.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**15), st.sampled_from(("en", "fr", "de_CH", "hi", "ar", "en_IN")))
def test_a_flags_number_is_written_as_the_locale_writes_numbers(number, locale):
    assert _shown_number(number, locale) == format_value(number, None, locale).plain()


def test_locales_that_do_not_group_by_three_go_the_long_way():
    assert _group_symbol("en") == ","
    assert _group_symbol("hi") is None  # 12,34,567
