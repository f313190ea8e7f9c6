"""One index over several word lists, so a message is looked up once for all of them.

The `terms` and `profanity` rules read two lists (insults, slurs and threats; swearing), and each list's
matcher (`terms.TermMatcher`) would intersect the message's words with its words, prefixes and phrases, read
its squeezed words again and split glued words, once per list. `TermIndex` merges the lists' keys when it is
built, each key naming the list (or lists) whose term it is, so one pass over the message finds the terms of
every list, and each list's own filters (accents that make the word, harmless contexts) are then applied to
its own terms only. Nothing is typed here: the index is read from the matchers, so a list or a matcher changed
elsewhere moves it with them, and `find` returns, list by list, what each matcher's `find` returns (the same
terms, as many times each; tested on generated and real text).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

from handlers.moderation.glued import glued_terms_each
from handlers.moderation.homonyms import harmless_everywhere
from handlers.moderation.normalise import Normalised
from handlers.moderation.terms import HEAD, REGEX_WINDOW, Term, TermMatcher, occurrences

_head = operator.itemgetter(slice(0, HEAD))


class TermIndex:
    """The word, prefix and phrase terms of several matchers, each entry tagged with its matcher's position."""

    def __init__(self, matchers: Sequence[TermMatcher]) -> None:
        self.matchers = tuple(matchers)
        words: dict[str, list[tuple[int, Term]]] = {}
        heads: dict[str, list[tuple[str, int, Term]]] = {}
        phrases: dict[str, list[tuple[int, list[str], int, Term]]] = {}
        for position, matcher in enumerate(self.matchers):
            for key, term in matcher.words.items():
                words.setdefault(key, []).append((position, term))
            for prefix, term in matcher.prefixes.items():
                heads.setdefault(prefix[:HEAD], []).append((prefix, position, term))
            for anchor, entries in matcher.phrases.items():
                for offset, phrase, term in entries:
                    phrases.setdefault(anchor, []).append((offset, phrase, position, term))
        self.words = {key: tuple(entries) for key, entries in words.items()}
        self.word_keys = frozenset(self.words)
        self.prefix_heads = {head: tuple(entries) for head, entries in heads.items()}
        self.head_keys = frozenset(self.prefix_heads)
        self.phrases = {anchor: tuple(entries) for anchor, entries in phrases.items()}
        self.phrase_anchors = frozenset(self.phrases)
        self._lookups = tuple(matcher.term_for for matcher in self.matchers)
        self._plain = not any(m.substrings or m.regexes or m.accents or m.contexts for m in self.matchers)

    def find(self, normalised: Normalised) -> list[list[Term]]:
        """Per matcher, in their order, what its `find` returns for `normalised`."""
        found: list[list[Term]] = [[] for _ in self.matchers]
        self._find_words(normalised.words, found)
        if normalised.squeezed is not None:
            self._find_words(normalised.squeezed, found)
        glued = glued_terms_each(normalised.text, self._lookups)
        if self._plain:
            return [own + more if more else own for own, more in zip(found, glued, strict=True)]
        return [self._finish(matcher, own, more, normalised)
                for matcher, own, more in zip(self.matchers, found, glued, strict=True)]  # fmt: skip

    def _find_words(self, words: list[str], found: list[list[Term]]) -> None:
        for word in self.word_keys.intersection(words):
            for position, term in self.words[word]:
                found[position].append(term)
        heads = self.head_keys.intersection(map(_head, words))
        if heads:
            for word in set(words):
                if word[:HEAD] in heads:
                    for prefix, position, term in self.prefix_heads[word[:HEAD]]:
                        if word.startswith(prefix):
                            found[position].append(term)
        for anchor_word in self.phrase_anchors.intersection(words):
            for index in occurrences(words, anchor_word):
                for offset, phrase, position, term in self.phrases[anchor_word]:
                    start = index - offset
                    if start >= 0 and words[start : start + len(phrase)] == phrase:
                        found[position].append(term)

    @staticmethod
    def _finish(matcher: TermMatcher, found: list[Term], glued: list[Term], normalised: Normalised) -> list[Term]:
        """One matcher's substring and regex terms added and its filters applied, as `TermMatcher.find` does."""
        if matcher.substrings:
            compact = normalised.text.replace(" ", "")
            found.extend(term for key, term in matcher.substrings if key in compact)
        if matcher.regexes:
            window = normalised.text[:REGEX_WINDOW]
            found.extend(term for pattern, term in matcher.regexes if pattern.search(window))
        accents = matcher.accents
        if found and accents:
            found = [t for t in found if t not in accents or accents[t] <= normalised.accented]
        if found and matcher.contexts:
            contexts = matcher.contexts
            found = [t for t in found if t not in contexts or not harmless_everywhere(*contexts[t], normalised.words)]
        if glued and accents:
            glued = [t for t in glued if t not in accents or all(
                any(w.endswith(needed) for w in normalised.accented) for needed in accents[t])]  # fmt: skip
        return found + glued if glued else found
