"""Group-directed hate without a listed slur (written from general knowledge, invented examples): generalisations
("X are pathetic losers", « les X sont des menteurs »), a death wished on a group ("the only good X is a dead
X", "I hope all X die"), rights denied ("X shouldn't be allowed to vote"), a group told it has no place or to
go back, to hell, that it stinks or lacks wits, comparisons that negate nothing ("no better than animals",
« ne sont que des parasites »); and the near misses that stay no hate: mistreatment told, praise, the same
words about things, negated statements, a language rather than its speakers. A pronoun in a later clause
("Muslims. They are …") stands for the group named before it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.moderation import hate_words
from handlers.moderation.hate import find_hate
from handlers.moderation.inflections import english_plural, forms
from handlers.moderation.lexicon import GROUPS
from handlers.moderation.normalise import normalise, normalise_term


def kind(text: str) -> str | None:
    found = find_hate(normalise(text))
    return found.kind if found else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The only good muslim is a dead muslim", "threat"),
        ("le seul bon arabe est un arabe mort", "threat"),
        ("I hope all the jews die", "threat"),
        ("j'espère que tous les arabes crèvent", "threat"),
        ("feminists should rot", "threat"),
        ("gays shouldn't be allowed to marry", "exclusion"),
        ("immigrants should not be allowed to vote", "exclusion"),
        ("les musulmans ne devraient pas avoir le droit de voter", "exclusion"),
        ("women have no place in politics", "exclusion"),
        ("les arabes n'ont rien à faire ici", "exclusion"),
        ("mexicans should go back", "exclusion"),
        ("les roumains doivent rentrer chez eux", "exclusion"),
        ("stop letting muslims in", "exclusion"),
        ("jews can go to hell", "derogation"),
        ("gypsies stink", "derogation"),
        ("les roms puent", "derogation"),
        ("blacks have low iq", "derogation"),
        ("feminists are pathetic losers", "derogation"),
        ("trannies are mentally ill freaks", "derogation"),
        ("homosexuality is a mental disorder", "derogation"),
        ("refugees are a burden", "derogation"),
        ("fat people are disgusting", "derogation"),
        ("les belges sont des idiots", "derogation"),
        ("les musulmans sont dangereux", "derogation"),
        ("les gitanes sont des menteuses", "derogation"),
        ("muslims are no better than animals", "dehumanising"),
        ("les juifs ne sont que des parasites", "dehumanising"),
        ("irish are a plague", "dehumanising"),
        ("les kabyles sont un fléau", "dehumanising"),
        ("les tziganes sont des nuisibles", "dehumanising"),
        ("Muslims. They are disgusting.", "derogation"),
        ("Gays? They should be shot", "threat"),
        ("Les roms ? Ils puent.", "derogation"),
        ("I can't stand muslims", "derogation"),
        ("I'm sick and tired of these immigrants", "derogation"),
        ("j'en ai marre des arabes", "derogation"),
        ("women are the problem", "derogation"),
        ("gays are not normal", "derogation"),
        ("feminists should commit suicide", "threat"),
        ("jews are brainwashed", "derogation"),
        ("go back to africa", "exclusion"),
        ("retourne en Afrique", "exclusion"),
        ("women should shut up", "derogation"),
        ("les femmes devraient se taire", "derogation"),
        ("the quran is a book of hate", "derogation"),
        ("muhammad was a pedophile", "derogation"),
    ],
)
def test_a_group_generalised_or_wished_ill(text: str, expected: str) -> None:
    assert kind(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "et ça ne dérange personne que l'on parque les migrants comme du bétail",
        "they are treating refugees like cattle",
        "les noirs ne sont pas des rats",
        "I hope the refugees in the boat don't drown",
        "immigrants shouldn't live in fear",
        "women have a place in science",
        "i love how indian food smells",
        "the french are lovely people",
        "women are strong",
        "these are pests in my garden",
        "they are pests",
        "When Americans claim ISIS is just a local threat",
        "un film sur le génocide rwandais",
        "I wouldn't say gays are evil",
        "english is a stupid language",
        "muslims should be allowed to vote",
        "les arabes n'ont pas le droit d'être maltraités",
        "I love muslims. They are great people",
        "Muslims are great. They are not terrorists",
        "They are the worst",
        "i can't stand the heat",
        "I'm sick of the rain",
        "je retourne en Inde cet été",
        "I want to go to India",
        "I went back to China last year",
        "the jews were killed in the war",
    ],
)
def test_near_misses_stay_no_hate(text: str) -> None:
    assert kind(text) is None


def _words(text: str) -> list[str]:
    return text.split()


_EN_ADDED = _words("""mormon protestant evangelical jihadi persian semite hebrew gipsy aborigine shemale ladyboy
transvestite poofter sodomite spaz gimp jigaboo darkie sambo yid heeb kyke dago wop kraut polack gringo redneck
mudslime coolie wog kaffir irish scottish welsh belgian austrian hungarian czech saudi yemeni sudanese rwandan
nepali tamil bengali tibetan mongolian taiwanese cambodian peruvian chilean argentinian bolivian guatemalan
dominican slav""")
_FR_ADDED = _words("""mormon protestant chiite sunnite salafiste djihadiste sarrasin beur boche autrichien hongrois
irlandais belge saoudien soudanais rwandais tamoul tibétain cambodgien péruvien chilien argentin guinéen togolais
gabonais antillais kabyle berbère""")


@given(st.sampled_from(_EN_ADDED))
def test_english_group_words_come_with_their_plurals(word: str) -> None:
    expected = {word} if word.endswith(("ese", "ish", "ch")) else {word, english_plural(word)}
    assert expected <= GROUPS["en"]
    assert kind(f"all {sorted(expected)[-1]} are disgusting") == "derogation"


@given(st.sampled_from(_FR_ADDED))
def test_french_group_words_come_with_their_feminines_and_plurals(word: str) -> None:
    expected = {normalise_term(form) for form in forms(word, "fr", feminine=True)}
    assert len(expected) >= 2 and expected <= GROUPS["fr"]
    assert kind(f"les {sorted(expected)[-1]} sont des menteurs") == "derogation"


@given(st.sampled_from(sorted(GROUPS["fr"] & {w for w in GROUPS["fr"] if w.endswith("s")})),
       st.sampled_from(sorted(hate_words.STRONG_DEHUMANISING - {"sous"})))  # fmt: skip
def test_ne_que_is_only_and_ne_pas_negates(group: str, noun: str) -> None:
    assert kind(f"les {group} ne sont que des {noun}") == "dehumanising"
    assert kind(f"les {group} ne sont pas des {noun}") is None
