"""Whether swearing is aimed at someone: the swear word near the one addressed, in the same clause.

"fuck you", "you are a dumb fuck", « t'es une merde », « merde à toi », « espèce de petite merde » insult
someone; "why are you still on the air? shit", « pourquoi tu travailles pas sur ton putain de roman »,
« putain, tu traînes » swear near a "you" without insulting anyone. So a swear word is aimed when the one
addressed stands within a few words of it in the same clause (a sentence break or a comma right after an
interjection ends it), or when it is a noun called names ("little shit", « grosse merde ») — but not when it
intensifies what someone owns ("your fucking car", « ton putain de roman »). A mention ("@name") still
addresses the whole message.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def _split(text: str) -> frozenset[str]:
    return frozenset(text.split())


ADDRESSEE = _split("you u ya youre ur yall yourself urself tu t toi te vous")
POSSESSIVE = _split("your ur yo ton ta tes votre vos")
# Swear words that intensify the next word ("fucking car", « putain de roman ») rather than name someone.
INTENSIFIERS = _split("fucking fuckin fking freaking frigging damn goddamn bloody putain putains bordel")
# Words that call a swear noun names: "you little shit", « espèce de petite merde », « grosse merde ».
NAME_CALLING = _split("little petite petit grosse gros espece sale dumb stupid smelly pile tas sac")
# « putain de » / « putains de » intensify the noun that follows, whoever is addressed nearby.
OF = _split("de d")
WINDOW = 4
_TOKEN = re.compile(r"[a-z0-9]+|[.!?;:\n,]")
_BREAK = frozenset(".!?;:\n")


def swearing_aimed(source: str, is_swear: Callable[[str], bool]) -> bool:
    """Some swear word of the folded text `source` is aimed at the one addressed (see the module docstring)."""
    clause: list[str] = []
    commas: set[int] = set()  # positions in the clause followed by a comma
    for match in _TOKEN.finditer(source):
        token = match.group()
        if token in _BREAK:
            if _clause_aimed(clause, commas, is_swear):
                return True
            clause, commas = [], set()
        elif token == ",":
            if clause:
                commas.add(len(clause) - 1)
        else:
            clause.append(token)
    return _clause_aimed(clause, commas, is_swear)


def _clause_aimed(words: list[str], commas: set[int], is_swear: Callable[[str], bool]) -> bool:
    if ADDRESSEE.isdisjoint(words) and NAME_CALLING.isdisjoint(words):
        return False
    for index, word in enumerate(words):
        if not is_swear(word):
            continue
        if index and words[index - 1] in NAME_CALLING:
            return True  # « petite merde », "dumb smelly fuck" is caught by the window below
        if word in INTENSIFIERS and ((index and words[index - 1] in POSSESSIVE) or (
                index + 1 < len(words) and words[index + 1] in OF)):
            continue  # "your fucking car", « ton putain de roman », « vous avez cassé dix putains de fonctions »
        # « t'es une putain de merde »: the noun after « putain de » is where the window is measured from
        anchor = index - 2 if index >= 2 and words[index - 1] in OF and words[index - 2] in INTENSIFIERS else index
        interjection = index in commas or (index - 1) in commas
        start = index + 1 if index in commas else max(0, anchor - WINDOW)
        end = index + 1 if interjection and index in commas else index + 1 + WINDOW
        if (index - 1) in commas:
            start = index
        nearby = words[start:index] + words[index + 1 : end]
        if not ADDRESSEE.isdisjoint(w for w in nearby if w not in POSSESSIVE or w == "ur"):
            return True
    return False
