"""Banned terms and profanity: the shipped French and English lists plus the community's own, after
normalisation, each language's terms applied to messages in that language (both when it is unknown).

Swearing that insults no one (« merde, j'ai raté mon bus », "this shit is so good") is the `profanity` rule's:
low severity, in shadow by default. The same words aimed at someone (a "you", « tu », « vous » or a mention in
the message) are an insult, and the `terms` rule flags them.
"""

from __future__ import annotations

import operator
from functools import lru_cache

from handlers.moderation.aim import swearing_aimed
from handlers.moderation.glued import all_reclaimed
from handlers.moderation.hate import denounces, reports_being_called
from handlers.moderation.language import UNKNOWN
from handlers.moderation.normalise import normalise_term
from handlers.moderation.rules.base import Hit, MessageFacts, Severity
from handlers.moderation.term_index import TermIndex
from handlers.moderation.terms import HEAD, PROFANITY, LanguageTerms, Term, TermGate, TermMatcher

_head = operator.itemgetter(slice(0, HEAD))
SLURS = "slurs"
RECLAIMED = "reclaimed slur (self-referential)"
DENOUNCED = "slur quoted to denounce it"


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


SECOND_PERSON = frozenset(_split("you u ur your youre yourself ya yall tu toi te t ta ton tes vous votre vos"))


def _as_language_terms(matcher: TermMatcher | LanguageTerms) -> LanguageTerms:
    if isinstance(matcher, LanguageTerms):
        return matcher
    wrapped = LanguageTerms(())
    wrapped.by_language = dict.fromkeys(wrapped.by_language, matcher)
    wrapped.refused = matcher.refused
    return wrapped


def aimed_at_someone(message: MessageFacts) -> bool:
    return "@" in message.text or not SECOND_PERSON.isdisjoint(message.normalised.words)


def swearing_at_someone(message: MessageFacts, swearing: LanguageTerms) -> bool:
    """A swear word right beside the one addressed ("fuck you", « t'es une merde »; see `aim.py`), or a
    mention in the message."""
    if "@" in message.text:
        return True
    def is_swear(word: str) -> bool:
        term = swearing.term_for(word, message.language)
        return term is not None and term.category == PROFANITY

    return swearing_aimed(message.normalised.source, is_swear)


def reclaimed(message: MessageFacts, found: list[Term], terms: LanguageTerms) -> bool:
    """Every term found is a one-word slur, each used about oneself ("I'm a proud X", « je suis une X »)."""
    if not found or any(t.category != SLURS or " " in t.text.strip() for t in found):
        return False

    def is_slur(word: str) -> bool:
        term = terms.term_for(word, message.language)
        return term is not None and term.category == SLURS

    words = message.normalised.words
    slur_words, slur_heads = _slurs(terms.by_language.get(message.language, terms.by_language[UNKNOWN]))
    maybe = set(slur_words.intersection(words))
    heads = slur_heads.intersection(map(_head, words)) if slur_heads else ()
    if heads:
        maybe.update(word for word in words if word[:HEAD] in heads)
    return all_reclaimed(words, is_slur, maybe)


@lru_cache(maxsize=64)
def _slurs(matcher: TermMatcher) -> tuple[frozenset[str], frozenset[str]]:
    """(the words that are slurs, the first letters of the prefixes that are): every word `term_for` may call a
    slur is one of the first or starts with one of the second, so the others need no look-up."""
    words = frozenset(word for word, term in matcher.words.items() if term.category == SLURS)
    heads = frozenset(prefix[:HEAD] for prefix, term in matcher.prefixes.items() if term.category == SLURS)
    return words, heads


def denounced(message: MessageFacts, found: list[Term]) -> bool:
    """Every term found is a slur, quoted to denounce it ("calling gay people X is homophobic", « traiter
    quelqu'un de X, c'est du racisme ») or reported by the one it was aimed at ("he called me a X", « il m'a
    traité de sale X »), and aimed at no one in the message: counter-speech, not abuse."""
    if not found or any(t.category != SLURS for t in found) or aimed_at_someone(message):
        return False
    words = message.normalised.words
    if denounces(words):
        return True
    return reports_being_called(words, frozenset(w for t in found for w in normalise_term(t.text).split()))


def _hit(rule: str, found: list[Term]) -> Hit:
    if len(found) == 1:
        return Hit(rule, found[0].severity, found[0].category)
    worst = max(term.severity for term in found)
    return Hit(rule, worst, ", ".join(sorted({term.category for term in found})))


class Gate:
    """A `TermGate` over the lists of several finders, and one `TermIndex` look-up for all of them, each
    answered once per message (the finders and the engine's triage share it).

    `open` is the cheap test (a candidate word of some list is present); `found` gives each list's terms,
    looked up once for every list; `finds` says whether any list found one: when it does not, no rule reading
    only these lists can hit."""

    def __init__(self, lists: list[LanguageTerms]) -> None:
        self.lists = list(lists)
        self.gate = TermGate(lists)
        languages = {language for terms in self.lists for language in terms.by_language}
        self._index = {language: TermIndex([terms.by_language.get(language, terms.by_language[UNKNOWN])
                                            for terms in self.lists]) for language in languages}  # fmt: skip
        self._unknown = self._index[UNKNOWN]
        self._last: tuple[MessageFacts, bool] | None = None
        self._found: tuple[MessageFacts, list[list[Term]]] | None = None

    def open(self, message: MessageFacts) -> bool:
        if self._last is None or self._last[0] is not message:
            self._last = (message, self.gate.open(message.normalised))
        return self._last[1]

    def position(self, terms: LanguageTerms) -> int | None:
        """Where `terms` is among this gate's lists (the very object), or None."""
        return next((index for index, own in enumerate(self.lists) if own is terms), None)

    def found(self, message: MessageFacts) -> list[list[Term]]:
        """Each list's terms in `message` (what `LanguageTerms.find` returns for it), looked up once."""
        known = self._found
        if known is not None and known[0] is message:
            return known[1]
        if self.open(message):
            found = self._index.get(message.language, self._unknown).find(message.normalised)
        else:
            found = [[] for _ in self.lists]
        self._found = (message, found)
        return found

    def finds(self, message: MessageFacts) -> bool:
        """Some list holds a term of `message`."""
        return self.open(message) and any(self.found(message))


class Swearing:
    """The terms of one list found in the last message checked: the `terms` and `profanity` rules share one per
    list (insults, profanity), so each look-up runs once per message. With a `gate` shared with the other
    list's finder, a message holding no candidate for either list is not looked up at all."""

    def __init__(self, profanity: LanguageTerms, gate: Gate | None = None) -> None:
        self.profanity = profanity
        self.gate = gate
        self._position = gate.position(profanity) if gate is not None else None  # its list in the gate's index
        self._last: tuple[MessageFacts, list[Term]] | None = None
        self._excused: tuple[MessageFacts, str | None] | None = None

    def excuse(self, message: MessageFacts) -> str | None:
        """Why the terms found in `message` are no attack: `RECLAIMED`, `DENOUNCED` or None. The `terms` and
        `profanity` rules both ask about the same message: it is answered once."""
        if self._excused is not None and self._excused[0] is message:
            return self._excused[1]
        found = self.find(message)
        why = RECLAIMED if reclaimed(message, found, self.profanity) else (
            DENOUNCED if denounced(message, found) else None)  # fmt: skip
        self._excused = (message, why)
        return why

    def find(self, message: MessageFacts) -> list[Term]:
        if self._last is not None and self._last[0] is message:
            return self._last[1]
        if self._position is not None and self.gate is not None:
            found: list[Term] = self.gate.found(message)[self._position]
        elif self.gate is not None and not self.gate.open(message):
            found = []
        else:
            found = self.profanity.find(message.normalised, message.language)
        self._last = (message, found)
        return found


Insults = Swearing  # the same cache, over the list of insults, slurs and threats


def _gate_over(finders: list[Swearing]) -> Gate:
    """The gate the finders share when it covers each one's list, else a new one over their lists: closed, none
    of them can find anything, so a rule reading only them cannot hit (what the engine's triage asks)."""
    shared = finders[0].gate
    if shared is not None and all(f.gate is shared and any(f.profanity is t for t in shared.lists) for f in finders):
        return shared
    return Gate([f.profanity for f in finders])


def _swearing(profanity: LanguageTerms | Swearing) -> Swearing:
    return profanity if isinstance(profanity, Swearing) else Swearing(profanity)


class BannedTerms:
    name = "terms"

    def __init__(
        self, matcher: TermMatcher | LanguageTerms | Insults, profanity: LanguageTerms | Swearing | None = None
    ) -> None:
        self._insults = matcher if isinstance(matcher, Insults) else Insults(_as_language_terms(matcher))
        self.matcher = self._insults.profanity
        self.profanity = profanity
        self._swearing = _swearing(profanity) if profanity is not None else None
        self._gate = _gate_over([self._insults] + ([self._swearing] if self._swearing is not None else []))

    def term_gate(self) -> Gate:
        """A gate over every list this rule reads: when it is closed, `check` returns None."""
        return self._gate

    def check(self, message: MessageFacts) -> Hit | None:
        found = self._insults.find(message)
        if found and self._insults.excuse(message) is None:
            return _hit(self.name, found)
        if self._swearing is None:
            return None
        swearing = self._swearing.find(message)
        if swearing and swearing_at_someone(message, self._swearing.profanity):
            return Hit(self.name, Severity.MEDIUM, "profanity at someone")
        return None


class Profanity:
    """Swearing aimed at no one: low severity, and in shadow by default (see `config.moderation`)."""

    name = "profanity"

    def __init__(self, profanity: LanguageTerms | Swearing, insults: LanguageTerms | Insults | None = None) -> None:
        self.profanity = profanity
        # a message that also holds an insult is the `terms` rule's alone
        self._insults = insults if isinstance(insults, Insults) or insults is None else Insults(insults)
        self.insults = self._insults.profanity if self._insults is not None else None
        self._swearing = _swearing(profanity)
        self._gate = _gate_over([self._swearing] + ([self._insults] if self._insults is not None else []))

    def term_gate(self) -> Gate:
        """A gate over every list this rule reads: when it is closed, `check` returns None."""
        return self._gate

    def check(self, message: MessageFacts) -> Hit | None:
        swearing = self._swearing.find(message)
        if swearing and swearing_at_someone(message, self._swearing.profanity):
            return None
        insults = self._insults.find(message) if self._insults is not None else []
        if insults and self._insults is not None:  # the `terms` rule's, unless each is a slur used about oneself
            why = self._insults.excuse(message)  # reclaimed, or quoted to denounce it
            return Hit(self.name, Severity.LOW, why) if why is not None else None
        return Hit(self.name, Severity.LOW, "profanity") if swearing else None
