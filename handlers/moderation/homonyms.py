"""Words that are insults in one use and everyday words in another, told apart by the words around them.

« mongol » is an insult (« t'es mongol », « sale mongol ») and a people, a language and a page of history
(« l'empire mongol », « les cavaliers mongols », « parler en mongol »); « attardé » is an insult (« t'es
attardé ») and the participle of « s'attarder » (« il s'est attardé sur ce point », « tu t'es attardé »);
« baiser » is crude as a verb and a kiss as a noun (« un baiser », « ses baisers »); « cul » is crude, « cul
sec » and « cul-de-sac » are not. Each such term names the contexts that make it harmless, written as a few
words and expanded here (plurals, every reflexive pronoun with every auxiliary), not typed form by form: an
occurrence is harmless when the words just before it or just after it are one of those contexts, and a term
whose every occurrence in a message is harmless is not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers.moderation.inflections import french_plural
from handlers.moderation.normalise import normalise_term


def _split(text: str) -> list[str]:
    return text.split()


MAX_CONTEXT = 6  # words in the longest context sequence (« tu t'en es pas trop »)


@dataclass(frozen=True, slots=True)
class Context:
    """Word sequences that make a term harmless just before it (`before`) or just after it (`after`)."""

    before: frozenset[tuple[str, ...]] = frozenset()
    after: frozenset[tuple[str, ...]] = frozenset()

    def harmless(self, words: Sequence[str], index: int, end: int) -> bool:
        """The occurrence `words[index:end]` stands right after a `before` sequence or right before an `after`."""
        for size in range(1, MAX_CONTEXT + 1):  # a few set look-ups, however many sequences
            if (size <= index and tuple(words[index - size : index]) in self.before) or (
                    tuple(words[end : end + size]) in self.after):  # fmt: skip
                return True
        return False


def _words(text: str, plural: bool = True) -> frozenset[tuple[str, ...]]:
    """One-word contexts, folded, each with its French plural."""
    found: set[tuple[str, ...]] = set()
    for word in _split(text):
        for form in {word, french_plural(word)} if plural else {word}:
            found.add((normalise_term(form),))
    return frozenset(found)


def _reflexive_auxiliaries() -> frozenset[tuple[str, ...]]:
    """« s'est », « se sont », « me suis », « nous nous sommes », « tu t'es », « s'y est »… (folded): a reflexive
    pronoun and an auxiliary, every pairing. « t'es » alone is « tu es » (« t'es attardé » insults), so a « t »
    counts only after « tu »."""
    auxiliaries = _split("""suis es est sommes etes sont etais etait etions etiez etaient etre etant serai seras sera
    serons serez seront serais serait seraient sois soit soyons soyez soient fus fut ss avais avait""")
    adverbs: list[tuple[str, ...]] = [(), *((word,) for word in _split("pas plus jamais trop assez vraiment guere"))]
    adverbs += [("pas", "trop"), ("jamais", "trop"), ("pas", "assez"), ("pas", "vraiment"), ("pas", "longtemps")]
    found: set[tuple[str, ...]] = set()
    pronouns = [(word,) for word in _split("me m se s nous vous te")] + [("tu", "t")]
    for pronoun in pronouns:
        for between in ((), ("y",), ("en",)):
            for auxiliary in auxiliaries:
                for adverb in adverbs:
                    found.add((*pronoun, *between, auxiliary, *adverb))
    return frozenset(found)


_DETERMINERS = _words("un le ce mon ton son du notre votre leur premier dernier doux long petit gros tendre",
                      plural=False)  # fmt: skip
_DETERMINERS_PLURAL = _words("des les ces mes tes ses nos vos leurs mille", plural=False)
# What one sucks that is no body part: « sucer un bonbon », « suce ton pouce », « sucé la moelle ».
_SUCKED = _split("bonbon sucette pouce glace caramel pastille os citron moelle glacon sucre doigt roue")


def _sucked() -> frozenset[tuple[str, ...]]:
    determiners = _split("un une le la l les des son sa ses ton ta tes mon ma mes du de")
    return frozenset((determiner, normalise_term(noun)) for determiner in determiners
                     for word in _SUCKED for noun in (word, french_plural(word)))  # fmt: skip

def _restrained() -> frozenset[tuple[str, ...]]:
    """« est bridé », « sont pas bridés », « a été complètement bridé »: a third-person form of « être » (or « a
    été »), an adverb or none. « t'es bridé » (« tu es ») names someone and stays an insult, so « es » is left
    out."""
    auxiliaries: list[tuple[str, ...]] = [(word,) for word in _split(
        "est sont etait etaient sera seront serait seraient etre soit soient")]
    auxiliaries += [(have, "ete") for have in _split("a ont avait avaient aura auront aurait")]
    adverbs: list[tuple[str, ...]] = [(), *((word,) for word in _split(
        "pas plus encore trop tres vraiment completement totalement volontairement artificiellement toujours deja"))]
    adverbs += [("un", "peu"), ("pas", "trop"), ("plus", "trop")]
    return frozenset((*auxiliary, *adverb) for auxiliary in auxiliaries for adverb in adverbs)


# What gets « bridé » (restricted, capped) in gaming and tech talk: « un moteur bridé », « la version bridée ».
_CAPPED = """moteur jeu debit connexion version compte forfait vitesse puissance processeur carte telephone appareil
serveur acces fps scooter voiture moto mode pc console modele offre abonnement wifi reseau fibre batterie chargeur
framerate resolution budget salaire"""

CONTEXTS: dict[str, Context] = {
    # « l'empire mongol », « les cavaliers mongols », « parler en mongol », « l'Empire mongol de Gengis Khan »
    "mongol": Context(
        before=_words("""empire peuple langue cavalier guerrier armée horde steppe invasion conquête khan yourte cheval
        tribu histoire république cuisine alphabet écriture dynastie nomade barbecue lutte chant musique""")
        | {("en",)},
        after=_words("""empire khan gengis ont envahi envahissent conquirent régnaient""", plural=False),
    ),
    # « il s'est attardé sur ce point », « tu t'es attardé », « ne s'est pas attardé »
    "attarde": Context(before=_reflexive_auxiliaries()),
    # « un baiser », « ses baisers », « baiser la main »
    "baiser": Context(
        before=_DETERMINERS | _DETERMINERS_PLURAL,
        after=frozenset({("la", "main"), ("les", "mains"), ("le", "front"), ("sur", "la"), ("sur", "le")}),
    ),
    # « sucer un bonbon », « suce ton pouce »
    "sucer": Context(after=_sucked()),
    "suce": Context(after=_sucked()),  # also « sucé », « sucée », « sucés » (folded)
    "sucent": Context(after=_sucked()),
    "sucez": Context(after=_sucked()),
    # « cul sec », « cul-de-sac », « faux cul » stays an insult
    "cul": Context(after=frozenset({("sec",), ("de", "sac"), ("de", "lampe"), ("de", "bouteille")})),
    # "a big-ass truck", "a badass move", "kick-ass": a compound adjective, no one called names
    "ass": Context(before=_words("big bad kick", plural=False)),
    # « le jeu est bridé à 30 images par seconde », « une version bridée », « bridé par le fabricant »
    "bride": Context(
        before=_restrained() | _words(_CAPPED),
        after=frozenset({("par", word) for word in _split("le la l les son sa ses leur leurs un une defaut")}),
    ),
    # « ça part en couille(s) », « partir en couilles »: things going wrong
    "couille": Context(before=frozenset({("en",)})),
}


# A threat told not to be carried out: "don't ever kill yourself", "never go die" (care, not a threat).
NEGATED = Context(before=frozenset({
    ("don", "t"), ("dont",), ("do", "not"), ("never",), ("don", "t", "ever"), ("dont", "ever"), ("do", "not", "ever"),
    ("never", "ever"), ("please", "don", "t"), ("please", "dont"), ("shouldn", "t"), ("shouldnt",), ("should", "not"),
}))  # fmt: skip
CATEGORY_CONTEXTS = {"threats": NEGATED}


def harmless_everywhere(term: tuple[str, ...], context: Context, words: Sequence[str]) -> bool:
    """Every occurrence in `words` of the term's words (`term`: one word or a phrase) is in a harmless context;
    False when the term does not occur as written (found glued or squeezed: nothing to judge by)."""
    seen = False
    size = len(term)
    first = term[0]
    for index, word in enumerate(words):
        if word == first and tuple(words[index : index + size]) == term:
            seen = True
            if not context.harmless(words, index, index + size):
                return False
    return seen


def context_for(word: str) -> Context | None:
    """The harmless contexts of a folded word, or of the word it is the regular plural or feminine of."""
    for base in (word, word[:-1], word[:-2]):
        if base in CONTEXTS and word in (base, base + "s", base + "e", base + "es"):
            return CONTEXTS[base]
    return None
