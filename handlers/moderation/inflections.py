"""Plural and feminine forms of French and English words, generated rather than typed by hand.

A list that holds « arabe » must also catch « arabes », and one that holds « juif » must catch « juive »,
« juifs », « juives »; typing every form by hand is how forms get forgotten. The rules below are the regular
ones of each language; irregular plurals ("women", « yeux ») are written in the lexicon as their own entries.
Accents are kept (« immigré » -> « immigrée »), so the forms can be folded or not, term by term.
"""

from __future__ import annotations

_INVARIABLE_END = ("s", "x", "z")
# French feminine endings: masculine ending -> feminine ending (longest first).
_FEMININE = (
    ("eux", "euse"), ("eur", "euse"), ("ien", "ienne"), ("éen", "éenne"), ("on", "onne"), ("el", "elle"),
    ("et", "ette"), ("if", "ive"), ("er", "ère"), ("ais", "aise"), ("ois", "oise"), ("ot", "otte"),
)  # fmt: skip


def french_plural(word: str) -> str:
    if word.endswith(_INVARIABLE_END):
        return word
    if word.endswith(("eau", "eu")):
        return word + "x"
    if word.endswith("al") and len(word) > 4:
        return word[:-2] + "aux"
    return word + "s"


def french_feminine(word: str) -> str:
    if word.endswith("e"):
        return word
    for masculine, feminine in _FEMININE:
        if word.endswith(masculine):
            return word[: -len(masculine)] + feminine
    return word + "e"


# Endings whose feminine is regular among the insults and slurs people type: « connard » -> « connarde »,
# « enculé » -> « enculée », « voleur » -> « voleuse », « chinois » -> « chinoise ». A word with another ending
# (« idiot », « blanc ») gets no generated feminine: the list types it if it needs one.
_REGULAR_FEMININE = (
    ("ain", "aine"), ("ien", "ienne"), ("ier", "ière"), ("ger", "gère"), ("ard", "arde"), ("eur", "euse"),
    ("ant", "ante"), ("ois", "oise"), ("ais", "aise"), ("in", "ine"), ("on", "onne"), ("ol", "ole"), ("é", "ée"),
)  # fmt: skip


def regular_feminine(word: str) -> str | None:
    """The feminine of a French insult when its ending makes it certain, else None (a noun in « -tion » has none)."""
    if word.endswith("tion"):
        return None
    for masculine, feminine in _REGULAR_FEMININE:
        if word.endswith(masculine):
            return word[: -len(masculine)] + feminine
    return None


def english_plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def forms(word: str, language: str, feminine: bool = False) -> set[str]:
    """The word and its regular plural (and, in French when asked, its feminine and feminine plural)."""
    if " " in word:  # a phrase: inflect its last word ("sale juif" -> "sale juive", "sales juifs" is typed)
        head, _, last = word.rpartition(" ")
        return {f"{head} {form}" for form in forms(last, language, feminine)}
    if language == "fr":
        found = {word, french_plural(word)}
        if feminine:
            female = french_feminine(word)
            found |= {female, french_plural(female)}
        return found
    return {word, english_plural(word)}


# Present, future and conditional endings of a French verb in « -er » after its stem, and the participle's
# forms, folded (no accents: the hate patterns read folded words). « tuer » -> « tue », « tues », « tuera »…
_ER_ENDINGS = ("er", "e", "es", "ent", "ons", "ez", "erai", "eras", "era", "erais", "erait", "erons", "erez",
               "eront", "eraient", "ee", "ees")  # fmt: skip


def french_verb_forms(infinitive: str) -> set[str]:
    """The folded forms of a French verb in « -er » that a threat is written with (« je vais te buter », « je te
    bute », « on le butera », « il mérite d'être buté »): infinitive, present, future, conditional and
    participle. A verb of another group (« pendre », « abattre ») gets itself only: its forms are typed."""
    if not infinitive.endswith("er") or len(infinitive) < 4:
        return {infinitive}
    stem = infinitive[:-2]
    if stem.endswith("g"):  # « égorger »: « nous égorgeons »
        return {stem + ("e" + ending if ending.startswith("o") else ending) for ending in _ER_ENDINGS}
    return {stem + ending for ending in _ER_ENDINGS}
