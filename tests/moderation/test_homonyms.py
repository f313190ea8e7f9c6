"""Homonyms told apart by the words around them (`homonyms.py`): « mongol » the people, language and history,
« attardé » the participle of « s'attarder », « baiser » the kiss, « cul sec »; and threats told not to be
carried out ("don't ever kill yourself"). The contexts are generated, so the tests generate them too."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.engine import build_engine
from handlers.moderation.homonyms import CONTEXTS, MAX_CONTEXT, NEGATED, Context, harmless_everywhere

ENGINE = build_engine(ModerationSettings())


def abuse(text: str) -> bool:
    verdict = ENGINE.check_text(text)
    return any(hit.rule in ("terms", "hate") and hit.rule not in verdict.shadow for hit in verdict.hits)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("l'empire mongol de Gengis Khan", False),
        ("les cavaliers mongols traversaient la steppe", False),
        ("il parle en mongol avec sa grand-mère", False),
        ("sale mongol", True),
        ("t'es vraiment mongol", True),
        ("il s'est attardé sur ce point", False),
        ("tu t'es attardé sur les détails", False),
        ("elle ne s'est pas attardée", False),
        ("t'es attardé ou quoi", True),
        ("le seul attardé ici c'est toi", True),
        ("un long baiser sur la joue", False),
        ("ses baisers me manquent", False),
        ("on va baiser ta copine", True),
        ("cul sec, les amis", False),
        ("don't ever kill yourself, you matter", False),
        ("please don't kill yourself", False),
        ("kill yourself", True),
    ],
)
def test_homonyms_in_context(text: str, flagged: bool) -> None:
    assert abuse(text) is flagged


@given(st.sampled_from(sorted(CONTEXTS["attarde"].before)), st.sampled_from(["attardé", "attardée", "attardés"]))
def test_every_reflexive_auxiliary_makes_attarde_a_verb(before: tuple[str, ...], word: str) -> None:
    assert not abuse("je crois qu'il " + " ".join(before) + f" {word} sur ce point")


@given(st.sampled_from(sorted(s for s in CONTEXTS["mongol"].before if len(s) == 1)),
       st.sampled_from(["mongol", "mongols", "mongole", "mongoles"]))  # fmt: skip
def test_every_context_noun_makes_mongol_a_people(before: tuple[str, ...], word: str) -> None:
    assert not abuse(f"regarde {before[0]} {word}")


@given(st.sampled_from(sorted(NEGATED.before)))
def test_a_threat_told_not_to_be_carried_out_is_no_threat(before: tuple[str, ...]) -> None:
    assert not abuse(" ".join(before) + " kill yourself")


@given(st.lists(st.sampled_from(["a", "b", "x", "y", "z"]), max_size=20), st.integers(1, 3))
def test_harmless_everywhere_matches_a_naive_reading(words: list[str], size: int) -> None:
    """Against a naive reading: every occurrence of the term has a context sequence right before or after it."""
    term = ("x",) * size
    context = Context(before=frozenset({("a",), ("a", "b")}), after=frozenset({("z",)}))
    occurrences = [i for i in range(len(words) - size + 1) if tuple(words[i : i + size]) == term]

    def naive(i: int) -> bool:
        before = any(tuple(words[max(0, i - len(s)) : i]) == s and i >= len(s) for s in context.before)
        return before or any(tuple(words[i + size : i + size + len(s)]) == s for s in context.after)

    expected = bool(occurrences) and all(naive(i) for i in occurrences)
    assert harmless_everywhere(term, context, words) is expected


def test_contexts_fit_the_bound() -> None:
    assert max(len(s) for c in [*CONTEXTS.values(), NEGATED] for s in c.before | c.after) <= MAX_CONTEXT
