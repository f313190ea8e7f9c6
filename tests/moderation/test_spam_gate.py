"""The triage opens the spam rule only where it could flag: a cue of a kind that makes spam, not a mere amplifier.

Money, urgency and calls to action ("now", "call", "$12", "don't miss") only strengthen another cue, so a message
holding nothing else cannot be spam; a phrase cue needs every one of its words. The gate is compared with the
rule itself on generated text built from every cue's words (phrases whole and cut apart), amounts, phone
numbers, short codes, wallets, referral links, Russian stems and disguised letters: whenever the gate stays
shut, the rule finds no spam.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation import spam
from handlers.moderation.engine import build_engine
from handlers.moderation.normalise import normalise
from handlers.moderation.rules.base import MessageFacts
from handlers.moderation.rules.spam import Spam
from handlers.moderation.triage import spam_openers

_ENGINE = build_engine(ModerationSettings())
_BIT = next(1 << i for i, slot in enumerate(_ENGINE.slots) if slot.rule.name == "spam")
_CUES = sorted({cue for cues in spam._CUES.values() for cue in cues})
_CUE_WORDS = sorted({word for cue in _CUES for word in cue.split()})
_RAW = ["$500", "500 euros", "12€", "5k", "+33 6 12 34 56 78", "0612345678", "text WIN to 80086", "per day",
        "a month", "0x" + "ab12" * 10, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "?ref=12", "&aff=3", "$FROG",
        "@bot deploy FROG with ticker $FROG", "follow @someone", "заработок", "пишите в лс", "пaртнeрoв зapaбoтoк",
        "доход", "500₽", "now", "call me", "don't miss", "reply", "12 dollars"]  # fmt: skip
_PART = st.sampled_from(_CUES) | st.sampled_from(_CUE_WORDS) | st.sampled_from(_RAW) | st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789 $€.+@", max_size=8)  # fmt: skip


def _opens(text: str) -> bool:
    assert _ENGINE.triage is not None
    return bool(_ENGINE.triage.mask(MessageFacts(text)) & _BIT)


@given(st.lists(_PART, max_size=8).map(" ".join))
@example("like rt and win now")
@example("call now 500 dollars, don't miss")
@example("t me")
def test_the_spam_rule_finds_nothing_where_the_gate_stays_shut(text: str) -> None:
    if not _opens(text):
        assert Spam().check(MessageFacts(text)) is None, text


def test_amplifiers_alone_do_not_open_the_rule_and_real_cues_do() -> None:
    assert not _opens("call me now, lunch was 12 dollars")
    assert not _opens("RT @someone: I like it")  # "rt" and "like", but not the cue "like rt" written whole
    assert _opens("like rt to win") and _opens("dm me") and _opens("free nitro") and _opens("sub for sub")
    assert _opens("call 0612345678") and _opens("see https://example.org") and _opens("пишите в лс")


def test_every_cue_the_rule_reads_as_a_kind_that_makes_spam_opens_the_rule() -> None:
    singles, phrases = spam_openers()
    assert singles and phrases
    for cue in _CUES:
        kinds = set(spam.find_spam(normalise(cue).words, cue).cues)
        if not spam.AMPLIFIERS.issuperset(kinds):
            assert _opens(cue), cue
