"""Word lists: loading the shipped and community terms, and matching them against normalised words.

Matching is by dictionary look-up on the message's words, never by scanning the text once per term, so the
cost grows with the message, not with the list. Word terms match whole words only (no Scunthorpe problem),
prefix terms the start of a word, phrases consecutive words (or the same words written as one block).
Substring terms are few and use `in`; regex terms are checked for safety first (see `safe_regex`).

Each shipped term belongs to the language of its list, and a list may declare that some of its terms are also
insults in the other language (`[languages]`): French text is matched against French terms only, so the
English slur "homo" never fires on the ordinary French word. Accents are folded term by term: a term in
`accented` mode matches only when written with its accents (« bridé », never the everyday « bride »). Single
word terms of the shipped lists also match their regular plural, generated rather than typed.
"""

from __future__ import annotations

import logging
import operator
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

from handlers.moderation.glued import glued_terms, may_be_glued
from handlers.moderation.homonyms import CATEGORY_CONTEXTS, Context, context_for, harmless_everywhere
from handlers.moderation.inflections import forms, french_plural, regular_feminine
from handlers.moderation.language import UNKNOWN
from handlers.moderation.normalise import Normalised, normalise_term
from handlers.moderation.severity import Severity

log = logging.getLogger(__name__)
MODES = ("word", "prefix", "substring", "regex", "accented")
PROFANITY = "profanity"  # the category of swearing that insults no one by itself ("merde", "shit")
GENDERED_CATEGORIES = frozenset({"insults", "slurs"})  # French terms of these also match their regular feminine
INFLECT_MIN = 4  # shorter words get no generated plural ("fu" must not become "fus")
REGEX_WINDOW = 4000  # regex terms see at most this many normalised characters: bounded time whatever the input
MAX_PHRASE_WORDS = 6
HEAD = 4  # prefixes shorter than this would match too much; they are kept as whole words
_head = operator.itemgetter(slice(0, HEAD))


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    category: str
    severity: Severity
    mode: str = "word"
    languages: frozenset[str] = frozenset()  # the languages it is an insult in; empty: every language


class UnsafeRegex(ValueError):
    pass


def _walk(parsed, depth_in_repeat: int, counts: list[int]) -> None:
    from re import _constants as c  # type: ignore[attr-defined]

    for op, arg in parsed:
        if op in (c.GROUPREF, c.GROUPREF_EXISTS):
            raise UnsafeRegex("back-references are not allowed")
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            _low, high, sub = arg
            if depth_in_repeat:
                raise UnsafeRegex("nested repetition is not allowed")
            if high == c.MAXREPEAT:
                counts[0] += 1
            _walk(sub, depth_in_repeat + 1, counts)
        elif op in (c.SUBPATTERN, c.ATOMIC_GROUP):
            _walk(arg[-1], depth_in_repeat, counts)
        elif op == c.BRANCH:
            for branch in arg[1]:
                _walk(branch, depth_in_repeat, counts)
        elif op in (c.ASSERT, c.ASSERT_NOT):
            _walk(arg[1], depth_in_repeat, counts)


def occurrences(words: Sequence[str], word: str) -> Iterator[int]:
    """Every index of `word` in `words`, each found by `list.index` (a C scan) from just past the last."""
    index = -1
    while True:
        try:
            index = words.index(word, index + 1)
        except ValueError:
            return
        yield index


def safe_regex(pattern: str) -> re.Pattern[str]:
    """Compile a community's regex term, or raise `UnsafeRegex` saying why it is refused.

    Python's engine backtracks, so a pattern is accepted only when its worst case stays polynomial and small:
    no back-references, no repetition inside a repetition, at most one unbounded repetition; and it may not
    match the empty string (".*" would flag every message). Matching also sees at most `REGEX_WINDOW`
    characters, so the time per message is bounded whatever its length.
    """
    from re import _parser  # type: ignore[attr-defined]

    if len(pattern) > 200:
        raise UnsafeRegex("longer than 200 characters")
    try:
        compiled = re.compile(pattern)
        parsed = _parser.parse(pattern)
    except re.error as error:
        raise UnsafeRegex(f"not a valid regular expression: {error}") from None
    counts = [0]
    _walk(parsed, 0, counts)
    if counts[0] > 1:
        raise UnsafeRegex("more than one unbounded repetition (*, + or {n,})")
    if compiled.search("") is not None:
        raise UnsafeRegex("matches an empty message")
    return compiled


def load_list(language: str) -> Iterator[Term]:
    """The shipped list `config/wordlists/<language>.toml`: category -> severity -> mode -> terms.

    Its terms are in `language`; the `[languages]` table names those that are insults in other languages too
    (`fr = ["fuck", ...]` in the English list). Single words also match their generated plural.
    """
    source = resources.files("config").joinpath("wordlists", f"{language}.toml").read_text(encoding="utf-8")
    table = tomllib.loads(source)
    no_plural = {normalise_term(w) for w in table.pop("plurals", {}).get("none", [])}
    shared: dict[str, set[str]] = {}
    for other, words in table.pop("languages", {}).items():
        for word in words:
            shared.setdefault(normalise_term(word), set()).add(other)
    for term in parse_list(table, f"{language}.toml"):
        languages = frozenset({language} | shared.get(normalise_term(term.text), set()))
        for form in {term.text} if normalise_term(term.text) in no_plural else _inflected(term, language):
            yield Term(form, term.category, term.severity, term.mode, languages)


def _inflected(term: Term, language: str) -> set[str]:
    """The term and its generated forms: the regular plural of a single word; in French, for insults and slurs,
    also the feminine when its ending makes it certain (« connard » -> « connarde(s) »), and the same forms of
    « sale X » (« sale connarde », « sales connards »)."""
    if term.mode not in ("word", "accented"):
        return {term.text}
    text = term.text.strip()
    gendered = language == "fr" and term.category in GENDERED_CATEGORIES
    head, _, last = text.rpartition(" ")
    if head in ("sale", "sales") and gendered and len(last) >= INFLECT_MIN:
        found = {text}
        for word in _with_feminine(last):
            found |= {f"sale {word}", f"sales {french_plural(word)}"} if head == "sale" else {f"sales {word}"}
        return found
    if " " in text or len(text) < INFLECT_MIN:
        return {term.text}
    if gendered:
        return {form for word in _with_feminine(text) for form in forms(word, language)}
    return forms(term.text, language)


def _with_feminine(word: str) -> set[str]:
    feminine = regular_feminine(word)
    return {word, feminine} if feminine else {word}


def parse_list(table: dict, origin: str) -> Iterator[Term]:
    for category, by_severity in table.items():
        for severity_name, by_mode in by_severity.items():
            try:
                severity = Severity.parse(severity_name)
            except KeyError:
                raise ValueError(f"{origin}: [{category}.{severity_name}] is not a severity") from None
            for mode, terms in by_mode.items():
                if mode not in MODES:
                    raise ValueError(f"{origin}: [{category}.{severity_name}] has unknown mode {mode!r}")
                for term in terms:
                    yield Term(term, category, severity, mode)


class TermMatcher:
    """All of a community's terms, indexed for look-up; `find` returns the terms a message contains."""

    def __init__(self, terms: Iterable[Term], allow: Iterable[str] = ()) -> None:
        self.words: dict[str, Term] = {}
        self.prefixes: dict[str, Term] = {}
        self.phrases: dict[str, list[tuple[int, list[str], Term]]] = {}
        self.substrings: list[tuple[str, Term]] = []
        self.regexes: list[tuple[re.Pattern[str], Term]] = []
        self.refused: list[tuple[str, str]] = []
        self.accents: dict[Term, frozenset[str]] = {}  # accented terms -> the accented words they need
        self.contexts: dict[Term, tuple[tuple[str, ...], Context]] = {}  # homonyms -> (their words, harmless contexts)
        allowed = {normalise_term(a) for a in allow}
        for term in terms:
            self._add(term, allowed)
        self.word_keys = frozenset(self.words)
        # Prefixes grouped by their first HEAD letters: one look-up per word finds the few to compare.
        self.prefix_heads: dict[str, list[tuple[str, Term]]] = {}
        for prefix, term in self.prefixes.items():
            self.prefix_heads.setdefault(prefix[:HEAD], []).append((prefix, term))
        self.head_keys = frozenset(self.prefix_heads)
        self.phrase_anchors = frozenset(self.phrases)

    def _add(self, term: Term, allowed: set[str]) -> None:
        if term.mode == "regex":
            try:
                self.regexes.append((safe_regex(term.text), term))
            except UnsafeRegex as error:
                self.refused.append((term.text, str(error)))
                log.warning("regex term %r refused: %s", term.text, error)
            return
        key = normalise_term(term.text)
        if term.mode == "accented":
            needed = frozenset(w for w in term.text.lower().split() if not w.isascii())
            if needed:
                self.accents[term] = frozenset(unicodedata.normalize("NFC", w) for w in needed)
        if not key or key in allowed:
            if not key:
                self.refused.append((term.text, "no letters or digits left after normalisation"))
                log.warning("term %r refused: no letters or digits left after normalisation", term.text)
            return
        if term.mode in ("word", "accented"):
            context = CATEGORY_CONTEXTS.get(term.category) or (context_for(key) if " " not in key else None)
            if context is not None:
                self.contexts[term] = (tuple(key.split(" ")), context)
        if term.mode == "substring":
            self.substrings.append((key.replace(" ", ""), term))
        elif " " in key:
            words = key.split(" ")[:MAX_PHRASE_WORDS]
            anchor = max(range(len(words)), key=lambda i: len(words[i]))  # the longest word is the rarest
            self.phrases.setdefault(words[anchor], []).append((anchor, words, term))
            self._keep(self.words, "".join(words), term)  # "filsdepute", "fils-de-pute" (joined by the normaliser)
        elif term.mode == "prefix":
            if len(key) < HEAD:
                self._keep(self.words, key, term)  # too short to be a safe prefix: whole word only
            else:
                self._keep(self.prefixes, key, term)
        else:
            self._keep(self.words, key, term)

    @staticmethod
    def _keep(index: dict[str, Term], key: str, term: Term) -> None:
        current = index.get(key)
        if current is None or term.severity > current.severity:
            index[key] = term

    def __len__(self) -> int:
        return (
            len(self.words)
            + len(self.prefixes)
            + sum(map(len, self.phrases.values()))
            + len(self.substrings)
            + len(self.regexes)
        )

    def term_for(self, word: str) -> Term | None:
        """The word or prefix term `word` is (a whole normalised word), or None."""
        term = self.words.get(word)
        if term is None and word[:HEAD] in self.head_keys:
            term = next((t for prefix, t in self.prefix_heads[word[:HEAD]] if word.startswith(prefix)), None)
        return term

    def find(self, normalised: Normalised) -> list[Term]:
        found = self._find_words(normalised.words)
        glued = glued_terms(normalised.text, self.term_for)
        if normalised.squeezed is not None:
            found.extend(self._find_words(normalised.squeezed))
        if self.substrings:
            compact = normalised.text.replace(" ", "")
            found.extend(term for key, term in self.substrings if key in compact)
        if self.regexes:
            window = normalised.text[:REGEX_WINDOW]
            found.extend(term for pattern, term in self.regexes if pattern.search(window))
        if found and self.accents:
            found = [t for t in found if t not in self.accents or self.accents[t] <= normalised.accented]
        if found and self.contexts:  # « l'empire mongol », « il s'est attardé », « un baiser »
            found = [t for t in found if t not in self.contexts
                     or not harmless_everywhere(*self.contexts[t], normalised.words)]  # fmt: skip
        if glued and self.accents:  # « salenègre »: the accented word is the end of a written word
            glued = [t for t in glued if t not in self.accents or all(
                any(w.endswith(needed) for w in normalised.accented) for needed in self.accents[t])]  # fmt: skip
        return found + glued if glued else found

    def _find_words(self, words: list[str]) -> list[Term]:
        # Set operations run in C; the Python loops below only run for words that already matched a key.
        found = [self.words[word] for word in self.word_keys.intersection(words)]
        heads = self.head_keys.intersection(map(_head, words))
        if heads:
            for word in set(words):
                if word[:HEAD] in heads:
                    found.extend(term for prefix, term in self.prefix_heads[word[:HEAD]] if word.startswith(prefix))
        for anchor_word in self.phrase_anchors.intersection(words):
            for position in occurrences(words, anchor_word):
                for offset, phrase, term in self.phrases[anchor_word]:
                    start = position - offset
                    if start >= 0 and words[start : start + len(phrase)] == phrase:
                        found.append(term)
        return found


class LanguageTerms:
    """One matcher per message language: French text meets French terms, English text English terms, and a
    message whose language is unknown meets both. Terms with no language (a community's own) apply to all."""

    def __init__(self, terms: Iterable[Term], allow: Iterable[str] = ()) -> None:
        terms = list(terms)
        allow = list(allow)
        self.by_language = {
            language: TermMatcher([t for t in terms if not t.languages or language in t.languages], allow)
            for language in ("fr", "en")
        }
        self.by_language[UNKNOWN] = TermMatcher(terms, allow)
        self.refused = self.by_language[UNKNOWN].refused

    def __len__(self) -> int:
        return len(self.by_language[UNKNOWN])

    def find(self, normalised: Normalised, language: str = UNKNOWN) -> list[Term]:
        return self.by_language.get(language, self.by_language[UNKNOWN]).find(normalised)

    def term_for(self, word: str, language: str = UNKNOWN) -> Term | None:
        return self.by_language.get(language, self.by_language[UNKNOWN]).term_for(word)


class TermGate:
    """Whether a message may hold a term of any of some lists, answered once for all of them.

    Most messages hold no listed word, yet each list's matcher would still intersect the message's words (and
    its squeezed words) with its words, prefixes and phrases, and scan for glued words, once per list. The
    gate does that once, over the union of the lists' keys in every language (the matcher of an unknown
    language holds every term): when it is closed, no list can find anything and the matchers are skipped;
    when it is open, they run as before. Lists with substring or regex terms keep it always open.
    """

    def __init__(self, lists: Iterable[LanguageTerms]) -> None:
        matchers = [terms.by_language[UNKNOWN] for terms in lists]
        self.always = any(m.substrings or m.regexes for m in matchers)
        self.keys = frozenset().union(*(m.word_keys | m.phrase_anchors for m in matchers))
        self.heads = frozenset().union(*(m.head_keys for m in matchers))

    def open(self, normalised: Normalised) -> bool:
        if self.always:
            return True
        for words in (normalised.words, normalised.squeezed):
            if words is None:
                continue
            if not self.keys.isdisjoint(words) or (self.heads and not self.heads.isdisjoint(map(_head, words))):
                return True
        return may_be_glued(normalised.text)
