"""Which rules can hit a message, decided once per message before any rule runs.

Most messages are clean, and most rules can only hit when something cheap to see is present: a listed word
(or a candidate for one: a prefix, a glued word), for the hate patterns a trigger word with the other tokens
some pattern or shape needs beside it (`hate_gate.py`), a link, a
spam cue of a kind that can make spam (a phrase written whole; money, urgency and calls to action only
strengthen another cue), a phone number or a wallet among digits, a referral parameter or a Cyrillic letter
for the spam rule, a colon or a non-ASCII character for emoji, an "@" for mentions, a capital letter for
shouting. The triage looks for all of them at once — one set intersection
of the message's words with every rule's trigger words, plus a few `in` tests on the raw text — and answers
with a bit per rule; the engine then calls only the rules whose bit is set.

It must be exact: a bit is cleared only when the rule's `check` would certainly return None and change no
state (the spam rule remembers the domains it sees, so a link always opens it). The trigger words are read
from the rules' own lexicons when the engine is built, so a change to a lexicon moves the triage with it; the
tests compare every verdict with and without the triage on the public sets and on generated text.
Rules the triage does not know (flood, cross-post, newcomer, links, repeated characters, the classifier, a
community's own) always run.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.moderation import spam
from handlers.moderation.hate_gate import may_find_hate
from handlers.moderation.language import ENGLISH_MARKERS, FRENCH_MARKERS
from handlers.moderation.rules.base import MessageFacts, Rule
from handlers.moderation.rules.hate import GroupHate
from handlers.moderation.rules.mentions import MentionSpam
from handlers.moderation.rules.spam import Spam
from handlers.moderation.rules.style import Capitals, EmojiSpam
from handlers.moderation.rules.terms import BannedTerms, Gate, Profanity

_COMMON_WORDS = FRENCH_MARKERS | ENGLISH_MARKERS | {"me", "my", "you", "moi", "won", "have"}


def spam_cue_words() -> frozenset[str]:
    """One word of every spam cue: the cue itself, or for a phrase its rarest-looking word (the longest that is
    not a common word: "won" for "you won"), since a phrase can only be present when each of its words is."""
    singles, phrases = spam_openers(amplifiers=True)
    return singles | frozenset(phrases)


def spam_openers(amplifiers: bool = False) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """(the single words that are spam cues, each phrase cue under its rarest-looking word), with the words
    that open the raw-text cues among the single words. A phrase can only be present when each of its words
    is; it is kept as it reads in words joined by spaces (" like rt "), as `find_spam` looks for it. Without
    `amplifiers`, only the cues of kinds that can make a message spam: money, urgency and calls to action
    (`spam.AMPLIFIERS`: "now", "call", "don t miss") only strengthen another cue. Single words are read as
    `find_spam` reads them (a word listed in two kinds is of its first)."""
    singles = set(spam.RAW_CUE_WORDS)
    phrases: dict[str, set[str]] = {}
    for kind, cues in spam._CUES.items():
        for cue in cues:
            parts = spam.cue_words(cue)
            if len(parts) == 1:
                if amplifiers or spam._SINGLE[parts[0]] not in spam.AMPLIFIERS:
                    singles.add(parts[0])
            elif parts and (amplifiers or kind not in spam.AMPLIFIERS):
                rarest = max(range(len(parts)), key=lambda i: (parts[i] not in _COMMON_WORDS, len(parts[i]), i))
                phrases.setdefault(parts[rarest], set()).add(f" {' '.join(parts)} ")
    return frozenset(singles), {word: tuple(sorted(cues)) for word, cues in phrases.items() if word not in singles}


class Triage:
    """A bit per rule of `rules` (in their order): set when the rule may hit the message."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.always = 0
        self.terms = 0  # bits of the rules that read the word lists (terms, profanity)
        self.caps = self.emoji = self.mentions = self.spam = self.hate = 0
        self.gate: Gate | None = None
        self.min_caps = 0
        lists = []
        for index, rule in enumerate(rules):
            bit = 1 << index
            if isinstance(rule, BannedTerms | Profanity) and rule.term_gate() is not None:
                self.terms |= bit
                lists.append(rule.term_gate())
            elif isinstance(rule, GroupHate):
                self.hate |= bit
            elif isinstance(rule, Spam):
                self.spam |= bit
            elif isinstance(rule, Capitals) and rule.min_letters > 0 and rule.ratio > 0:
                self.caps |= bit
                self.min_caps = rule.min_letters
            elif isinstance(rule, EmojiSpam):
                self.emoji |= bit
            elif isinstance(rule, MentionSpam):
                self.mentions |= bit
            else:
                self.always |= bit
        if self.terms and len({id(gate) for gate in lists}) > 1:
            self.gate = Gate([terms for gate in lists for terms in gate.lists])  # one look for every list
        elif self.terms:
            self.gate = lists[0]  # the gate the finders share: answered once, read again by the rules for free
        self.spam_words, self.spam_phrases = spam_openers() if self.spam else (frozenset(), {})
        self.spam_keys = self.spam_words | frozenset(self.spam_phrases)
        self.everything = (1 << len(rules)) - 1

    def mask(self, message: MessageFacts) -> int:
        """The bits of the rules that may hit `message` (see the module's docstring for why each is exact)."""
        mask = self.always
        text = message.text
        ascii_text = text.isascii()
        if self.mentions and (
            "@" in text or "<!" in text or message.mentions_everyone or message.mentioned_user_ids
            or message.mentioned_role_ids
        ):  # fmt: skip
            mask |= self.mentions
        if self.emoji and (not ascii_text or ":" in text):
            mask |= self.emoji
        if self.caps and len(text) >= self.min_caps and not (ascii_text and text.islower()):
            mask |= self.caps  # ASCII text with no capital letter cannot shout
        if self.hate and may_find_hate(message.normalised.words):
            mask |= self.hate
        if self.spam and (self._spam_cue(message.normalised.words) or self._may_be_spam(message, text, ascii_text)):
            mask |= self.spam
        if self.gate is not None and self.gate.finds(message):
            mask |= self.terms  # a list found a term: without one, the term rules cannot hit
        return mask

    def _spam_cue(self, words: list[str]) -> bool:
        """A single-word cue among `words`, or a phrase cue written whole (one substring search in C each, in
        the words joined by spaces: words hold no space, so a phrase is found exactly where it is)."""
        found = self.spam_keys.intersection(words)
        if not found:
            return False
        if not self.spam_words.isdisjoint(found):
            return True
        joined = f" {' '.join(words)} "
        return any(phrase in joined for word in found for phrase in self.spam_phrases[word])

    @staticmethod
    def _may_be_spam(message: MessageFacts, text: str, ascii_text: bool) -> bool:
        """Whether the spam rule may find a cue of a kind that makes spam, when no cue word did: a link (which
        always opens it: it remembers domains), a phone number, a short code or a wallet address among digits, a
        referral parameter, or Russian stems. Money, urgency and calls to action alone never make spam."""
        if message.has_link:
            return True
        window = text[: spam.AMOUNT_WINDOW]
        return (
            (message.has_digit and (spam.has_contact(window) or spam.has_wallet(window)))
            or "=" in window
            or (not ascii_text and spam.RU_CUE_GATE.search(window) is not None)
        )
