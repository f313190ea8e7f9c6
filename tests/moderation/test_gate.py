"""The gate before the word lists: it may skip a message only when no list could find anything in it."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.engine import build_terms
from handlers.moderation.rules.base import MessageFacts
from handlers.moderation.rules.terms import Gate, Swearing
from handlers.moderation.terms import TermGate, TermMatcher

INSULTS, PROFANITY = build_terms(ModerationSettings())
GATE = Gate([INSULTS, PROFANITY])
_UNKNOWN = INSULTS.by_language["unknown"]
_LISTED = sorted(_UNKNOWN.word_keys)[::7] + sorted(PROFANITY.by_language["unknown"].word_keys)[::5]
_PREFIXES = sorted(_UNKNOWN.prefixes)
_WORD = st.sampled_from(_LISTED) | st.sampled_from(_PREFIXES).map(lambda p: p + "ed") | st.sampled_from(
    ["you", "sale", "the", "les", "bonjour", "game", "tonight", "fils", "de", "merci"]
) | st.text(alphabet="abcdefghijklmnopqrstuvwxyz013!@. éè", min_size=1, max_size=8)
_GLUE = st.tuples(st.sampled_from(["you", "sale", "espece de ", "fucking"]), st.sampled_from(_LISTED)).map("".join)
_MESSAGE = st.lists(_WORD | _GLUE, max_size=12).map(" ".join) | st.text(max_size=60)


@settings(max_examples=300)
@given(_MESSAGE)
def test_the_gate_never_hides_a_term_of_either_list(text):
    """Through the gate (and its one look-up for both lists), each list finds the same terms as its own matcher,
    as many times each (their order is not meaningful: every reader counts them or takes the worst)."""
    message = MessageFacts(text)
    for terms in (INSULTS, PROFANITY):
        gated = Swearing(terms, GATE).find(message)
        assert Counter(gated) == Counter(Swearing(terms).find(MessageFacts(text)))
        assert GATE.finds(message) or not gated


def test_a_message_without_candidates_is_not_looked_up():
    message = MessageFacts("see you at the meetup on saturday, I'll bring the board games")
    assert not GATE.open(message)
    assert not TermGate([INSULTS, PROFANITY]).open(message.normalised)
    assert Swearing(INSULTS, GATE).find(message) == []


def test_lists_with_substring_or_regex_terms_keep_the_gate_open():
    from handlers.moderation.rules.base import Severity
    from handlers.moderation.terms import LanguageTerms, Term

    with_regex = LanguageTerms([Term(r"bad\d+", "custom", Severity.LOW, "regex")])
    assert TermGate([with_regex]).always
    assert isinstance(_UNKNOWN, TermMatcher)
