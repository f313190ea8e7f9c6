"""French abuse aimed at the one addressed, as shapes: « t'es nul », « espèce de thon », « j'espère que tu crèves ».

Many French insults are everyday words that insult only when said of the one addressed: « nul », « bête »,
« moche », « thon », « boulet » (« un match nul », « une bête de jeu », « du thon en boîte »). A word list cannot
hold them; a shape can: a frame that names the one addressed (« t'es », « tu es », « vous êtes », « espèce de »,
« bande de ») followed by such a word, with a few words of emphasis between (« t'es vraiment trop nul »,
« t'es qu'une grosse tache ») and never a negation (« t'es pas nul » is no insult). Adjectives and nouns
are written once, in the masculine singular; the feminine and the plurals are generated (`inflections.py`).

Wishes of harm and threats in everyday forms are shapes too: « j'espère que tu crèves », « que tu crèves »,
« t'es un homme mort », « tu vas morfler », a look mocked (« t'as une tête de thon », « gueule de porc »).
Only folded words are read (accents removed, as the hate patterns read them); each shape is one regular
expression with bounded gaps, searched only in a clause holding one of its words (`TRIGGERS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from handlers.moderation.inflections import forms
from handlers.moderation.normalise import normalise_term


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


# Adjectives that insult the one addressed: wits, looks and body, worth. Not « fou », « ouf », « malade »
# (« t'es fou ! » is banter), « gros » (« t'es gros joueur »), « sale » (dirty), « incapable » (« tu es
# incapable de venir ? »).
_ADJECTIVES = [*_split("""nul nulle stupide bête con débile inculte ignare analphabète illettré arriéré demeuré
écervelé lobotomisé incompétent inutile pathétique ridicule minable laid moche obèse difforme hideux affreux
répugnant dégueulasse dégueu immonde puant crade édenté boutonneux gras grasse pitoyable lamentable
insignifiant idiot crétin imbécile abruti taré attardé teubé golmon gogol neuneu niais benêt ahuri décérébré
bouché ignorant crasseux squelettique disgracieux repoussant merdeux"""), "grosse", "grosses"]
# Nouns that insult the one addressed, after an article or « espèce de »: wits, looks, body, worth, sex. Not
# « bête » (« t'es une bête » is praise in a game), « victime » (said in earnest too).
_NOUNS = _split("""nul nulle con débile idiot abruti crétin imbécile attardé quiche tanche truffe buse gland cruche
manche boulet tache nullard raté loser looser bouffon guignol clown pleurnichard chouineur rageux kikoo kikou
noob thon boudin cageot laideron baleine vache truie porc cochon mocheté obèse tas planche limace larve cafard
déchet merde ordure raclure traînée salope pute catin chienne cochonne suceur pouffiasse pétasse grognasse
connasse chaudasse garce morue salopard branleur puceau cachalot lard tocard toquard minus mauviette lopette
cassos clochard clodo plouc bouseux péquenaud larbin pignouf parasite trouduc teubé golmon gogol neuneu benêt
simplet tafiole golem""")
# A look mocked: « t'as une tête de thon », « gueule de porc », « tronche de cake » (with a noun above or these).
_FACE = _split("""tete gueule face tronche""")
_FACE_NOUNS = _split("""con cul bite rat porc thon cake pet cadavre violeur psychopathe debile""")
# Whom « t'as … » speaks of: the one addressed having something (« t'as pas de cerveau »).
_HAVE = r"(?:t as|tu as|vous avez|t a|ta)"
# The frames that name the one addressed (not the reflexive « tu t'es attardé », « vous vous êtes trompé »), and
# what may stand between frame and word.
_FRAMES = (r"(?<!tu )(?<!vous )(?:t es|tu es|t etais|tu etais|vous etes|vous etiez|t as l air|tu as l air"
           r"|vous avez l air)")
_ADVERBS = (r"(?:(?:vraiment|trop|tellement|completement|grave|si|tres|bien|juste|super|plus|carrement|franchement"
            r"|vachement) ){0,2}")
_ARTICLE = (r"(?:un|une|des|qu un|qu une|que des|qu des|rien qu un|rien qu une|le pire|la pire|le roi des|"
            r"la reine des|le plus|la plus)")
_BEFORE_NOUN = (r"(?:(?:gros|grosse|grand|grande|petit|petite|sale|sacre|sacree|vieux|vieille|vrai|vraie|pauvre|"
                r"espece de|espece d) ){0,2}")

# Wishes of harm: « j'espère que tu crèves », « qu'il meure », « t'es un homme mort », « tu vas morfler ». Not
# the participle after « es » (« j'espère que t'es pas trop crevé »), nor a negation (« qu'il ne meure pas »).
_DIE = _split("""creve creves crevent creviez crevera creveras creverez creveront meure meures meurent meurt meurs
mouriez mourras mourra mourrez mourront crever mourir""")
_WHO = r"(?:tu|t|vous|il|elle|ils|elles|ta mere|ta famille|ta race|toute ta famille|ton pere|tes parents|ton gosse)"
_NOT_BEFORE = r"(?!(?:es|est|etes|etait|etais|n|ne|pas|sois|soit|soyez|te|t|s|se) )"



def _inflected(words: Iterable[str]) -> list[str]:
    found: set[str] = set()
    for word in words:
        for form in forms(word, "fr", feminine=True):
            folded = normalise_term(form)
            if folded:
                found.add(folded)
    return sorted(found, key=lambda w: (-len(w), w))


ADJECTIVES = _inflected(_ADJECTIVES)
NOUNS = _inflected(_NOUNS)
_ADJECTIVE = "|".join(ADJECTIVES)
_NOUN = "|".join(NOUNS)
INSULT, THREAT = "insult", "threat"
SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (INSULT, re.compile(rf"\b{_FRAMES} {_ADVERBS}(?:{_ADJECTIVE})\b")),
    (INSULT, re.compile(rf"\b{_FRAMES} {_ADVERBS}{_ARTICLE} {_BEFORE_NOUN}(?:{_NOUN})\b")),
    (INSULT, re.compile(rf"\b(?:espece de|espece d|bande de|bande d) {_BEFORE_NOUN}(?:{_NOUN}|{_ADJECTIVE})\b")),
    (INSULT, re.compile(rf"\bpauvre (?:{_NOUN})\b")),
    (INSULT, re.compile(rf"\b(?:t as|tu as|vous avez|t a) (?:vraiment )?(?:un|une) (?:{'|'.join(_FACE)}) (?:de|d) "
                        rf"(?:{'|'.join(_FACE_NOUNS)}|{_NOUN})\b")),
    (THREAT, re.compile(rf"\b(?:j espere|jespere|je souhaite|pourvu) (?:que|qu) {_WHO} {_NOT_BEFORE}(?:\w+ )?"
                        rf"(?:{'|'.join(_DIE)})\b")),
    (THREAT, re.compile(r"^(?:et |allez |bref )?que (?:tu|vous) (?:creves|crevies|creviez|meures|mouriez)\b")),
    (THREAT, re.compile(r"\b(?:t es|tu es|vous etes) (?:un homme|une femme|des hommes) (?:mort|morte|morts)\b")),
    (THREAT, re.compile(r"\b(?:tu vas|vous allez|tu va) morfler\b")),
    # « va crever », « allez mourir » as an order (not « il va mourir », « ça va crever l'écran »)
    (THREAT, re.compile(r"(?:^|\b(?:et|allez|bref|alors|mais|toi|vous|connard|connasse|salope|batard|enfoire) )"
                        r"(?:va|vas|allez) (?:crever|mourir|bruler en enfer|pourrir en enfer)\b")),
    (THREAT, re.compile(r"^(?:creve|crevez) (?:en enfer|la bouche ouverte|sale|connard|connasse|salope|batard|"
                        r"enfoire|espece)\b")),
    # « je te souhaite de crever », « on va te faire la peau », « je sais où tu habites », « je vais te casser la
    # gueule »
    (THREAT, re.compile(r"\b(?:je te|je vous|on te|j te) souhaite (?:de |d )(?:\w+ )?(?:crever|mourir|souffrir)\b")),
    (THREAT, re.compile(r"\b(?:te|vous|t) faire la peau\b")),
    (THREAT, re.compile(r"\bje sais ou (?:tu habites|tu vis|vous habitez|t habites|tu creches)\b")),
    (THREAT, re.compile(r"\b(?:je|j|on|nous) (?:\w+ ){0,2}(?:te|t|vous) (?:casser|peter|exploser|refaire|arracher|"
                        r"fracasser|niquer) (?:la|les|ta|tes|ton|votre|vos) (?:gueule|dents|tete|jambes|bras|crane|"
                        r"nez|machoire|face|tronche|portrait)\b")),
    # « tu pues », wits mocked: « t'as pas de cerveau », « t'as 2 de QI », « t'as un QI d'huître »
    (INSULT, re.compile(r"\b(?:tu|vous) (?:pues|puez)\b")),
    (INSULT, re.compile(rf"\b{_HAVE} (?:vraiment )?(?:pas|aucun|meme pas|zero) (?:de |d )?(?:cerveau|cervelle|"
                        r"neurone|neurones)\b")),
    (INSULT, re.compile(rf"\b{_HAVE} (?:\d+|zero|deux|trois) (?:de |d )(?:qi|q i)\b")),
    (INSULT, re.compile(rf"\b{_HAVE} (?:vraiment )?(?:un|le) (?:qi|q i|cerveau) (?:de|d) (?:\w+ )?(?:huitre|moule|"
                        r"poisson|poulet|moineau|mouche|bulot|escargot|huitres|poule|pigeon|cailloux|caillou|"
                        r"noix|petit pois|bigorneau|crevette)\b")),
    (INSULT, re.compile(rf"\b{_HAVE} (?:une|un) (?:toute )?(?:petite|petit|micro|minuscule) (?:bite|queue|zizi|"
                        r"penis|teub|kiki)\b")),
    (INSULT, re.compile(rf"\b{_FRAMES} {_ADVERBS}(?:sans cervelle|sans cerveau|sans neurone|sans neurones|"
                        r"bete a manger du foin)\b")),
)
# The words one of which a clause must hold for a shape to be searched (and which open the hate rule).
TRIGGERS = frozenset(ADJECTIVES) | frozenset(NOUNS) | frozenset(_DIE) | frozenset(_split("""mort morte morts morfler
souhaite peau habites vis habitez crevez casser peter exploser refaire arracher fracasser niquer pues puez cerveau
cervelle neurone neurones qi bite queue zizi penis teub kiki"""))


def find_addressed(clause: Sequence[str]) -> str | None:
    """`INSULT` or `THREAT` when the clause (folded words) holds a shape aimed at the one addressed, else None;
    a threat before an insult."""
    found = find_addressed_words(clause)
    return found[0] if found is not None else None


def find_addressed_words(clause: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
    """(`INSULT` or `THREAT`, the words the shape matched), a threat before an insult; None when no shape
    matches. The words let a finding be told apart from a word list's hit on the same words."""
    if TRIGGERS.isdisjoint(clause):
        return None
    line = " ".join(clause)
    found = None
    for kind, shape in SHAPES:
        match = shape.search(line)
        if match is None:
            continue
        words = tuple(match.group().split())
        if kind == THREAT:
            return THREAT, words
        if found is None:
            found = (INSULT, words)
    return found
