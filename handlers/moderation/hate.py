"""Group-directed hate and threats as patterns: a group word and a predicate in one clause, not a word list.

« il faut tuer tous les X », "X are a disease", « je déteste les X », "X don't deserve to live": none needs a
slur, and a list of every such sentence would never end. Each clause of the message is rewritten as a line
of word classes (G a group from `lexicon.py`, K a killing verb, E an exclusion verb, D a dehumanising noun, B
a derogatory word, H a verb of hatred, N a negation, S a verb of saying, C a word that denounces hate) and a
few short patterns over that line say what is hate: threat, dehumanisation, exclusion, derogation.

What is not hate is as important. A negation between the group and the predicate (« les X ne sont pas des
rats ») cancels it; so does reporting or denouncing (« dire que les X sont des rats, c'est du racisme »,
"calling X vermin is racist"), except the classic "I'm not racist but…". Profanity aimed at no one is left to
the profanity rule. Work is bounded: only the first `MAX_TOKENS` tokens are read, clauses are cut at
`MAX_CLAUSE` tokens, and every pattern has bounded gaps, so the time is linear in the message length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from handlers.moderation import addressed
from handlers.moderation.clauses import MAX_CLAUSE, MAX_TOKENS, TOKENS_WINDOW, clauses, clauses_by_token
from handlers.moderation.counter_speech import (
    DENOUNCING,
    denounces,
    genuinely_denouncing,
    reports_being_called,
    self_called,
)
from handlers.moderation.hate_patterns import (
    ANCHORED,
    AT_SOMEONE,
    DEHUMANISING,
    GROUP,
    GROUP_KINDS,
    PATTERNS,
    PERSON,
    THREAT,
)
from handlers.moderation.hate_words import (
    ADDRESSED_VERMIN,
    CLASSES,
    DEMONSTRATIVE,
    GROUP_ADJECTIVES,
    LINKING,
    PEOPLE,
    POINTING,
    REFERRING,
    STRONG_DEHUMANISING,
    THINGS_TOO,
    TRIGGERS,
)
from handlers.moderation.normalise import Normalised
from handlers.moderation.severity import Severity

# What the other modules and the tests read from here: the hate rule's one front door.
__all__ = ["GROUP_KINDS", "MAX_CLAUSE", "MAX_TOKENS", "PATTERNS", "TOKENS_WINDOW", "TRIGGERS", "HateFinding",
           "clauses", "clauses_by_token", "denounces", "find_hate", "reports_being_called"]

# A negation among the few words before a match: "not all X are …", "no X is …", "I don't think X are …" (but
# "no wonder X are …" negates nothing, and "I'm not racist but X are …" turns it over).
_NEGATED_BEFORE = re.compile(r"\bN (?!(?:wonder|doubt|surprise|matter)\b)(?:(?!but |mais )\w+ ){0,3}$")
# Mistreatment told right before the group: "treating X like dogs", « on parque les X comme du bétail ».
_TREATED_BEFORE = re.compile(r"\bT (?:(?:les|des|ces|the|these|those|all|tous|toutes|nos|our) )?$")
_REPORTED = re.compile(r"\bS (?:\w+ )?(?:que|qu|that)\b")


@dataclass(frozen=True, slots=True)
class HateFinding:
    """`kind` is the pattern's (threat, dehumanising, exclusion, derogation); `rank` orders findings (a finding
    against a group before one against a person, then the pattern's rank)."""

    kind: str
    rank: Severity
    target: str = GROUP
    words: tuple[str, ...] = ()  # the words it was found on (its clause when no narrower span is known)

    @property
    def severity(self) -> Severity:
        """High for hate against a group; a finding aimed at a person keeps its rank (a threat high, a
        dehumanising insult medium), the severity of an insult."""
        return Severity.HIGH if self.target == GROUP else self.rank

    @property
    def detail(self) -> str:
        """What the hit says to moderators: the kind, and "to someone" / "someone" when aimed at a person."""
        return self.kind if self.target == GROUP else AT_SOMEONE.get(self.kind, self.kind)

    def before(self, target: str, rank: Severity) -> bool:
        """This finding is reported before one of `target` and `rank` (a group first, then the higher rank)."""
        return (self.target == GROUP, self.rank) >= (target == GROUP, rank)


def _line(clause: Sequence[str]) -> str:
    """The clause as word classes; a colour or condition before a word for people is a group ("black people")."""
    classes = list(map(CLASSES.get, clause, clause))
    if not GROUP_ADJECTIVES.isdisjoint(clause):
        for index, token in enumerate(clause[:-1]):
            if token in GROUP_ADJECTIVES and clause[index + 1] in PEOPLE:
                classes[index] = "G"
    if not _NOT_NEGATING_HINTS.isdisjoint(clause):
        _unnegate(clause, classes)
    return " ".join(classes)


# Negation words that negate nothing: "X are no better than rats", « les X ne sont que des parasites » (« ne …
# que » is "only"). Read only when one of these hints is in the clause.
_NOT_NEGATING_HINTS = frozenset(("no", "que", "qu"))
_COMPARED = frozenset(("better", "different", "more", "less"))
_RESTRICTED = frozenset(("que", "qu"))
_NEGATING_AFTER_NE = frozenset(("pas", "jamais", "plus", "rien", "personne", "point", "aucun", "aucune", "guere"))


def _unnegate(clause: Sequence[str], classes: list[str]) -> None:
    """Take the negation class off "no" in "no better than" and off « ne » in « ne … que » (within four words,
    with no « pas », « jamais »… between)."""
    for index, token in enumerate(clause):
        if token == "no":
            if clause[index + 1 : index + 2] and clause[index + 1] in _COMPARED and clause[index + 2 : index + 3] == [
                    "than"]:  # fmt: skip
                classes[index] = token
        elif token in ("ne", "n"):
            for word in clause[index + 1 : index + 5]:
                if word in _RESTRICTED:
                    classes[index] = token
                    break
                if word in _NEGATING_AFTER_NE:
                    break


def _pointing(clause: Sequence[str], line: str) -> bool:
    """People pointed at and dehumanised without a group word: "they are animals", "those are vermin",
    « ces cafards », "they're just parasites" (a negation or mistreatment between them cancels it)."""
    symbols = line.split()
    for index, token in enumerate(clause):
        if token not in POINTING:
            continue
        after = clause[index + 1 : index + 4]
        if token in DEMONSTRATIVE and any(word in STRONG_DEHUMANISING for word in after[:2]):
            return True
        for offset, word in enumerate(after):
            if word in LINKING:
                start = index + offset + 2
                rest = symbols[start : start + 4]
                if "D" in rest and clause[start + rest.index("D")] not in THINGS_TOO:
                    between = rest[: rest.index("D")]
                    if "N" not in between and "T" not in between and "like" not in between:
                        return True
                break
    return False


def _referred(clause: Sequence[str], line: str) -> str:
    """The line with each pronoun that may stand for a group named in an earlier clause read as that group."""
    symbols = line.split()
    for index, word in enumerate(clause):
        if word in REFERRING:
            symbols[index] = "G"
    return " ".join(symbols)


def _named_vermin(clause: Sequence[str], line: str) -> bool:
    """A group word or a colour right before a strong dehumanising noun: "muslim scum", "non-white parasites",
    « ces arabes barbares » (not "chinese dogs", nor « les arabes sous la pluie »: strong nouns only)."""
    symbols = line.split()
    for index, word in enumerate(clause[1:], 1):
        if word in STRONG_DEHUMANISING and word != "sous" and (
                symbols[index - 1] == "G" or clause[index - 1] in GROUP_ADJECTIVES):
            return True
    return False


def find_hate(normalised: Normalised, anchored: bool = True) -> HateFinding | None:
    """The worst group-directed hate or threat in the message, or None (cheap when no trigger word is present).

    `anchored` skips a pattern a clause lacks the tokens of (`Pattern.required`, `Pattern.needs`), which it
    could not match; `anchored=False` searches every pattern, the reference the shortcut is tested against."""
    if TRIGGERS.isdisjoint(normalised.words):
        return None
    found = clauses(normalised.source)
    lines = [_line(clause) for clause in found]
    if any("C" in line.split() for line in lines) and genuinely_denouncing([t for c in found for t in c]):
        return None  # denouncing or reporting hate is not hate
    tokens = [t for clause in found for t in clause]
    # "they call us racist for saying that X are …": what follows is the speaker's own, not reported speech
    labelled = not DENOUNCING.isdisjoint(tokens) and any(
        t in DENOUNCING and self_called(tokens, i) for i, t in enumerate(tokens))  # fmt: skip
    worst: HateFinding | None = None
    named = False  # a group was named in an earlier clause: "they", « ils » may stand for it
    for clause, line in zip(found, lines, strict=True):
        present = set(line.split())
        if named and "G" not in present and not REFERRING.isdisjoint(clause):
            line = _referred(clause, line)  # "Muslims. They are disgusting.", « Les X ? Ils puent. »
            present.add("G")
        named = named or "G" in present
        if "D" in present and (worst is None or not worst.before(GROUP, Severity.MEDIUM)) and _pointing(clause, line):
            worst = HateFinding(DEHUMANISING, Severity.MEDIUM, GROUP, tuple(clause))  # "they are animals"
        if "D" in present and (worst is None or not worst.before(PERSON, Severity.MEDIUM)) and ADDRESSED_VERMIN.search(
                " ".join(clause)):  # fmt: skip
            worst = HateFinding(DEHUMANISING, Severity.MEDIUM, PERSON, tuple(clause))  # « t'es qu'un déchet »
        if "D" in present and (worst is None or not worst.before(GROUP, Severity.HIGH)) and _named_vermin(
                clause, line):  # fmt: skip
            worst = HateFinding(DEHUMANISING, Severity.HIGH, GROUP, tuple(clause))
        if worst is None or not worst.before(PERSON, Severity.HIGH):
            aimed = addressed.find_addressed_words(clause)  # « j'espère que tu crèves », « t'es qu'une tache »
            if aimed is not None and aimed[0] == addressed.THREAT:
                worst = HateFinding(THREAT, Severity.HIGH, PERSON, aimed[1])
            elif aimed is not None and (worst is None or not worst.before(PERSON, Severity.MEDIUM)):
                worst = HateFinding(addressed.INSULT, Severity.MEDIUM, PERSON, aimed[1])
        if "G" not in present and "K" not in present and "X" not in present and "V" not in present and (
                "W" not in present):
            continue
        for pattern in ANCHORED.candidates(present) if anchored else PATTERNS:
            if worst is not None and worst.before(pattern.target, pattern.severity):
                continue
            if not pattern.needs <= present:
                continue
            match = pattern.regex.search(line)
            if match is None:
                continue
            if " T " in f" {match.group()} " or _TREATED_BEFORE.search(line, 0, match.start()):
                continue  # "X are treated like animals", "treating X like dogs": what is done to them
            if pattern.negatable and (" N " in f" {match.group()} " or (
                    match.group().startswith("G") and _NEGATED_BEFORE.search(line[: match.start()]))):
                continue  # « les X ne sont pas … »; a statement about X negated: "not all X are …", "no X is …"
            if not labelled and _REPORTED.search(line[: match.start()]):
                continue  # « ils disent que les X sont … »: reported speech
            if self_called(clause, line[: match.start()].count(" ") + (match.start() > 0)):
                continue  # « il m'a traité de sale X »: a slur reported by the one it was aimed at
            start = line[: match.start()].count(" ")
            worst = HateFinding(pattern.kind, pattern.severity, pattern.target,
                                tuple(clause[start : start + match.group().count(" ") + 1]))  # fmt: skip
    return worst
