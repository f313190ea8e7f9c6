"""Concepts: features of the abuse model that hold in every language, read from the rules' own word classes.

The abuse model reads words, word pairs and letter 4-grams: what it learns of a French insult it learns from
the French rows it was trained on, and the French sets are few and small (a few thousand rows, against tens of
thousands in English). Yet the rules already know what many words *are*: a group of people, a killing verb, a
dehumanising noun, a derogatory adjective, a listed insult or slur, the one addressed. Naming those classes as
features ("a group word", "a group word and a dehumanising noun in one message") lets the model learn what
they weigh from every set, in either language: hate against a group learnt on French tweets counts on an
English comment, insults aimed at someone learnt on English chat count on a French forum post.

A message's concepts are the classes of its words (one set intersection with the words that have one) and every
pair of them; a message with no such word has none. Words are matched in their normalised form (lower case,
accents folded), as the model's other features are; terms whose accents make the word (« bridé ») and prefixes
are left out, since the folded word alone cannot tell them from an everyday word. The lists' phrases (« fils de
pute », « ta gueule », "son of a bitch") count written whole, word for word, looked for only beside their first
two words (the message's word pairs intersected with the phrases' starts).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import combinations, pairwise

from handlers.moderation.hate_words import CLASSES
from handlers.moderation.inflections import forms
from handlers.moderation.normalise import normalise_term
from handlers.moderation.terms import load_list


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


# The feature's mark: never in a normalised word, nor in a shape feature (`~`): a concept meets neither.
MARK = "^"
# The one addressed, in both languages (`aim.py` reads the same words to aim swearing).
ADDRESSED = frozenset(_split("you u ya youre ur yall yourself urself your tu t toi te vous ton ta tes votre vos"))
# The word lists' categories, each a class of its own (the hate rule's classes are single capitals too).
LIST_CLASSES = {"insults": "I", "slurs": "L", "sexual": "Q", "threats": "Z", "profanity": "P"}
LIST_MODES = frozenset({"word", "prefix"})  # a prefix ("connard", "encul") counts written whole, and its plural
CACHED = 4096  # distinct combinations of classes kept: bounded memory (a message holds a handful of classes)


Phrases = dict[tuple[str, str], list[tuple[tuple[str, ...], str]]]


def _build() -> tuple[dict[str, str], Phrases]:
    classes: dict[str, set[str]] = {}
    phrases: dict[tuple[str, ...], set[str]] = {}
    for word, symbol in CLASSES.items():
        classes.setdefault(word, set()).add(symbol)
    for word in ADDRESSED:
        classes.setdefault(word, set()).add("A")
    for language in ("fr", "en"):
        for term in load_list(language):
            symbol = LIST_CLASSES.get(term.category, "")
            word = normalise_term(term.text)
            if symbol and term.mode in LIST_MODES and word and " " not in word:
                for form in forms(word, language) if term.mode == "prefix" else (word,):
                    classes.setdefault(form, set()).add(symbol)
            elif symbol and term.mode == "word" and " " in word and len(word.split()) <= MAX_PHRASE:
                phrases.setdefault(tuple(word.split()), set()).add(symbol)
    by_start: Phrases = {}  # a phrase's first two words: a message's word is checked against a few phrases
    for phrase, symbols in phrases.items():
        by_start.setdefault((phrase[0], phrase[1]), []).append((phrase, "".join(sorted(symbols))))
    return {word: "".join(sorted(symbols)) for word, symbols in classes.items()}, by_start


MAX_PHRASE = 6  # as the word lists' own longest phrases
CONCEPTS, PHRASES = _build()
CONCEPT_WORDS = frozenset(CONCEPTS)
# The trigger: a phrase is looked for only where its first two words stand together. The message's word pairs
# are met in C (`pairwise` into a set intersection); a first word alone ("you", « tu », « les ») would open the
# search on most messages.
PHRASE_STARTS = frozenset(PHRASES)


def concept_classes(words: Sequence[str]) -> str:
    """The classes of the message's words, sorted and each once ("" when none has one)."""
    found = CONCEPT_WORDS.intersection(words)
    starts = PHRASE_STARTS.intersection(pairwise(words))
    if not found and not starts:
        return ""
    symbols = "".join(map(CONCEPTS.__getitem__, found))
    if starts:
        symbols += _phrase_classes(words, starts)
    return "".join(sorted(set(symbols)))


def _phrase_classes(words: Sequence[str], starts: frozenset[tuple[str, str]]) -> str:
    """The classes of the listed phrases written whole in the words (« fils de pute », "son of a bitch")."""
    found = ""
    for i, start in enumerate(pairwise(words)):
        if start in starts:
            for phrase, classes in PHRASES[start]:
                if tuple(words[i : i + len(phrase)]) == phrase:
                    found += classes
    return found


@lru_cache(maxsize=CACHED)
def class_features(classes: str) -> frozenset[str]:
    """Each class present ("^G") and each pair of them ("^G+D"): a linear model cannot read "both" otherwise."""
    return frozenset({MARK + c for c in classes} | {f"{MARK}{a}+{b}" for a, b in combinations(classes, 2)})


def concept_features(words: Sequence[str]) -> frozenset[str]:
    """The concepts of a message's normalised words."""
    classes = concept_classes(words)
    return class_features(classes) if classes else frozenset()
