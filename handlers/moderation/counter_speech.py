"""Counter-speech: hate quoted to denounce it, and slurs reported by the one they were aimed at.

« dire que les X sont des rats, c'est du racisme », "calling them X is racist", "he called me a X", « il m'a
traité de sale X »: the words of hate are there, the hate is not. But "I'm not racist but…" and "they call us
racist for saying X" introduce the hate rather than denounce it. Both the hate patterns and the word lists
ask these questions; work is bounded by the first `MAX_TOKENS` words.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.moderation.clauses import MAX_TOKENS
from handlers.moderation.hate_words import DENOUNCING_WORDS, SAYING


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


# Words that quote a term rather than use it: a verb of saying, or naming the word itself ("the word X").
_QUOTING = frozenset(SAYING) | frozenset(_split("""word words mot mots term terms terme termes slur slurs insulte
insultes""")) - {"dis", "dit"}
DENOUNCING = frozenset(DENOUNCING_WORDS)


# Being called a name: "they call us racist", « on nous traite de racistes », "he called me a X".
_CALLING = frozenset(_split("""call calls called calling label labels labelled labeled brand branded accuse accuses
accused accusing traite traitent traiter traites traitee traitees traitait traitaient accusent accuser accusee
qualifie qualifient insulte insultent insulter"""))
_SELF = frozenset(_split("i we us me m nous moi je j"))
# Words that may stand between the speaker, the calling verb and the name: "I get called a", « m'a traité de ».
_BETWEEN = frozenset(_split("""a an the of as de d du un une sale sales get got gets getting am are was were be been
being is ai as a ont avait avaient suis sommes est sont etre ete se s fait faire on"""))
_CALLED_WINDOW = 6


def self_called(words: Sequence[str], index: int) -> bool:
    """The word at `index` is what the speaker is called ("they call us racist", « on m'a traité de … »,
    "I get called a …"): reading back, only a calling verb, "me"/"us" and small words stand before it."""
    calling = speaker = False
    for word in reversed(words[max(0, index - _CALLED_WINDOW) : index]):
        if word in _CALLING:
            calling = True
        elif word in _SELF:
            speaker = True
        elif word not in _BETWEEN:
            return False
        if calling and speaker:
            return True
    return False


def genuinely_denouncing(words: Sequence[str]) -> bool:
    """A denouncing word that denounces: not "I'm not racist but…", and not the label the speaker complains of
    being given ("they call us racist for saying X", « on nous traite de racistes parce que … »), which
    introduces the hate rather than denouncing it."""
    for index, word in enumerate(words):
        if word not in DENOUNCING:
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        if following in ("but", "mais") or self_called(words, index):
            continue
        return True
    return False


def denounces(words: Sequence[str]) -> bool:
    """The message quotes words to denounce them: a denouncing word ("racist", « homophobe ») beside a verb of
    saying or the naming of a word ("calling them X is racist", « traiter quelqu'un de X, c'est homophobe »),
    and not "I'm not racist but…" nor "they call us racist for saying X". One pass over the first
    `MAX_TOKENS` words."""
    words = words[:MAX_TOKENS]
    if DENOUNCING.isdisjoint(words) or _QUOTING.isdisjoint(words):
        return False
    return genuinely_denouncing(words)


def reports_being_called(words: Sequence[str], slur_words: frozenset[str]) -> bool:
    """The speaker reports a slur they were called ("he called me a X", « il m'a traité de sale X »): a word of
    the slur right after a calling verb and "me"/"us" (only small words between)."""
    words = words[:MAX_TOKENS]
    if _CALLING.isdisjoint(words) or _SELF.isdisjoint(words):
        return False
    return any(word in slur_words and self_called(words, index) for index, word in enumerate(words))


