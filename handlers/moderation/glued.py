"""Words run together and slurs reclaimed: two shapes a word list reads wrong on its own.

**Glued words.** An insult is often glued to the word before it — "youfaggot", « salenègre »,
« espècedeconnard », "fuckingidiot" — so it is no word of the message and the list misses it. A word that
starts with one of a few words that lead into an insult (« sale », « espèce de », "you", "fucking"…) and
whose rest is a listed term of at least `MIN_REST` letters is read as both. Only these leading words are
split off, never any prefix: "uranus" or « salade » stay whole.

**Reclaimed slurs.** Members of a group use its slurs about themselves ("I'm a proud dyke", « en tant que
pédé, je… », « nous les gouines »). That is not an attack; a flag on it is a false positive that tells the
member they are unwelcome. When every slur of a message is in such a self-referential frame — a first-person
subject (I'm, we're, as a, « je suis », « en tant que », « nous les »…) right before it, across at most
`MAX_MODIFIERS` modifiers (« fière », "proud", an article) — the `terms` rule leaves it and the `profanity`
rule, low and in shadow by default, records it for moderators to see. A slur also aimed elsewhere in the
message, or any other insult beside it, keeps the whole message a `terms` flag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence

from handlers.moderation.normalise import normalise_term


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


MIN_REST = 4
MAX_MODIFIERS = 3
MAX_RECLAIMING_WORDS = 200  # a longer message is no in-group aside: its slurs are judged as usual (bounded work)
# Words that lead into an insult, as the normaliser writes them (accents folded, "espèce de" joined).
LEADS = tuple(
    sorted(
        {
            normalise_term(w).replace(" ", "")
            for w in (
                "you", "youre", "ure", "your", "ya", "yall", "fucking", "fuckin", "fking", "stupid", "dirty",
                "dumb", "filthy", "ugly", "fat", "lil", "little", "sale", "sal", "sales", "gros", "grosse",
                "espèce de", "espece d", "pauvre", "bande de", "sous", "fils de", "ta", "ton", "tes", "vous",
            )
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
GLUE_WINDOW = 4000  # characters of the normalised text searched: bounded work


def _trie(words: Sequence[str]) -> str:
    """An alternation grouped by first letter ("s(?:ale|al)|y(?:ou|a)"): the regex engine tries far fewer
    branches at each word than with a flat list."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(sorted(rests, key=len, reverse=True))})" for first, rests in
                    sorted(by_first.items()))  # fmt: skip


# One C-speed scan finds the candidates: a word (words are joined by single spaces) that starts with a leading
# word and goes on for at least MIN_REST letters.
_CANDIDATE = re.compile(rf"(?:^| )(?=(?:{_trie(LEADS)})[a-z]{{{MIN_REST}}})([a-z0-9]{{1,46}})(?![a-z0-9])")
# The same scan over the text after one space: every word then follows a space, so the pattern starts with a
# literal, which the regular expression engine skips to in C instead of trying the pattern at every character.
_SPACED_CANDIDATE = re.compile(rf" (?=(?:{_trie(LEADS)})[a-z]{{{MIN_REST}}})([a-z0-9]{{1,46}})(?![a-z0-9])")
# A first-person frame right before a slur, as normalised words ("I'm a" becomes "ima").
_FRAMES: tuple[tuple[str, ...], ...] = tuple(
    tuple(frame.split())
    for frame in (
        "ima", "im", "i am", "i m", "we re", "we are", "as a", "as an", "as", "us", "we", "my fellow", "fellow",
        "call myself", "calls herself", "calls himself", "je suis", "suis", "en tant que", "nous les", "nous autres",
        "on est", "moi le", "moi la", "d etre", "entre", "nous sommes", "sommes",
    )
)  # fmt: skip
_FRAMES_BY_LENGTH = {n: frozenset(f for f in _FRAMES if len(f) == n) for n in {len(f) for f in _FRAMES}}
_MODIFIERS = frozenset(
    _split("a an the proud happy big old fellow openly out fier fiere fiers fieres un une des le la les de vrai vraie "
           "vrais bon bonne gros grosse petit petite vieux vieille heureux heureuse")
)


# The leading words by their first letter, longest first as in LEADS: a candidate is compared with a few.
_LEADS_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _lead in LEADS:
    _LEADS_BY_FIRST[_lead[0]] = (*_LEADS_BY_FIRST.get(_lead[0], ()), _lead)
_last: tuple[str, list[str]] = ("", [])


def candidates(text: str) -> list[str]:
    """The words of `text` that start with a leading word and go on for at least `MIN_REST` letters.

    The gate and each word list's matcher ask about the same message in turn, so the scan of the last text
    asked about is kept (one text, compared by identity: the same message, never an earlier one)."""
    global _last
    last = _last  # read once: another thread may replace it meanwhile
    if last[0] is not text:
        last = _last = (text, _SPACED_CANDIDATE.findall(" " + text[:GLUE_WINDOW]))
    return last[1]


def may_be_glued(text: str) -> bool:
    """Some word of `text` starts with a leading word and goes on: `glued_terms` could find a term in it."""
    return bool(candidates(text))


def glued_terms(text: str, lookup: Callable[[str], object | None]) -> list:
    """The terms found in words of `text` (normalised words joined by spaces) made of a leading word and a
    listed term; `lookup` finds the term a word is, or None."""
    return glued_terms_each(text, (lookup,))[0]


def glued_terms_each(text: str, lookups: Sequence[Callable[[str], object | None]]) -> list[list]:
    """`glued_terms` of `text` for each of several lists at once (one `lookup` per list): the candidates are
    read once, and each list keeps, per word, the term of the longest leading word whose rest it holds."""
    found: list[list] = [[] for _ in lookups]
    for word in candidates(text):
        pending = list(range(len(lookups)))
        for lead in _LEADS_BY_FIRST[word[0]]:
            if word.startswith(lead) and len(word) - len(lead) >= MIN_REST:
                rest = word[len(lead) :]
                for index in tuple(pending):
                    term = lookups[index](rest)
                    if term is not None:
                        found[index].append(term)
                        pending.remove(index)
                if not pending:
                    break
    return found


def self_referential(words: Sequence[str], position: int) -> bool:
    """The word at `position` follows a first-person frame ("I'm a proud X", « je suis une X »)."""
    start = position
    skipped = 0
    while start > 0 and skipped < MAX_MODIFIERS and words[start - 1] in _MODIFIERS:
        start -= 1
        skipped += 1
    for stop in range(start, position + 1):
        for length, frames in _FRAMES_BY_LENGTH.items():
            if stop >= length and tuple(words[stop - length : stop]) in frames:
                return True
    return False


def all_reclaimed(words: Sequence[str], is_slur: Callable[[str], bool], maybe: Container[str] | None = None) -> bool:
    """Every slur in `words` is in a self-referential frame (and there is at least one). `maybe`, when given,
    holds every word of `words` that may be a slur (a superset): the others are not asked about."""
    if len(words) > MAX_RECLAIMING_WORDS:
        return False
    if maybe is None:
        positions = [i for i, word in enumerate(words) if is_slur(word)]
    else:
        positions = [i for i, word in enumerate(words) if word in maybe and is_slur(word)]
    return bool(positions) and all(self_referential(words, i) for i in positions)
