"""The target-group lexicon: the words that name a group of people, in French and English, with all their forms.

Group-directed hate rarely needs a slur: « il faut tuer tous les X », "X are a disease". The hate patterns
(`hate.py`) look for a group word and a predicate in one clause, so this lexicon is the one place that says
what a group word is: origin, religion, gender, sexuality and disability, neutral names and slang and slurs
alike (a slur as the target of a threat is still a threat). Forms are generated (`inflections.py`):
singulars are written, plurals and French feminines are derived.
"""

from __future__ import annotations

from collections.abc import Iterable

from handlers.moderation.inflections import forms
from handlers.moderation.normalise import normalise_term


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


# French: words that take a feminine (« juif » -> « juive ») and words that do not.
_FR_GENDERED = _split("""arabe juif musulman chrétien catholique immigré migrant étranger réfugié clandestin
africain maghrébin algérien marocain tunisien sénégalais malien chinois asiatique japonais indien
pakistanais afghan syrien roumain gitan manouche tzigane mexicain américain anglais allemand polonais
ukrainien russe israélien palestinien sioniste islamiste homosexuel gay lesbien bisexuel transsexuel
handicapé autiste trisomique attardé mongolien aveugle sourd féministe bougnoule bicot youpin feuj
rebeu renoi négro nègre chinetoque bridé niakoué bamboula crouille raton tapette tarlouze pédé gouine travelo
fiotte pd mormon protestant évangélique chiite sunnite salafiste djihadiste jihadiste intégriste bohémien
sarrasin beur youtre chintok bougnoul tafiole tantouze gogol triso boche""")
_FR_FIXED = _split("""hindou bouddhiste athée hétéro homo lgbt lgbtq queer trans rom turc sikh catho
pansexuel asexuel intersexe schleu rital polak portos toubab babtou gaouri négresse
beurette gonzesse""")
# Peoples and nations (with « -ien », « -ais », « -ois » endings the feminine is regular: generated).
_FR_PEOPLES = _split("""italien espagnol portugais néerlandais suédois norvégien danois finlandais bulgare serbe
croate albanais grec kurde iranien irakien libanais égyptien libyen nigérian somalien éthiopien congolais ivoirien
camerounais comorien coréen vietnamien thaïlandais philippin indonésien bangladais tchétchène brésilien colombien
cubain haïtien européen asiat noich autrichien hongrois tchèque slovaque lituanien letton estonien irlandais
écossais gallois belge suisse saoudien yéménite qatari jordanien soudanais érythréen rwandais ougandais
tanzanien népalais tamoul pendjabi bengali ouzbek kazakh tibétain taïwanais cambodgien laotien birman
malaisien péruvien chilien argentin bolivien équatorien guatémaltèque hondurien dominicain guinéen béninois
togolais burkinabè nigérien gabonais mauritanien antillais guadeloupéen martiniquais réunionnais kabyle berbère
amérindien aborigène""")
# Beliefs and movements: « l'islam est un cancer » targets their followers.
_FR_BELIEFS = _split("""islamisme christianisme catholicisme judaïsme bouddhisme hindouisme féminisme
homosexualité transidentité coran talmud mahomet""")
_FR_IRREGULAR = _split(
    """femmes filles meufs nanas hommes turque turques noirs noires blancs blanches islam judaisme"""
)
_EN_WORDS = _split("""arab jew muslim moslem christian catholic hindu sikh buddhist atheist immigrant migrant
foreigner refugee alien illegal african mexican latino latina hispanic asian chinese japanese indian pakistani
afghan syrian turk gypsy roma romanian polish russian ukrainian israeli palestinian zionist islamist gay lesbian
homosexual bisexual transgender transsexual tranny queer homo dyke fag faggot retard autist cripple spastic tard negro
nigger nigga coon kike chink gook spic wetback beaner paki raghead towelhead sandnigger feminist lgbt
feminazi jihadist mormon protestant evangelical shia sunni jihadi persian semite hebrew gipsy traveller
aborigine aboriginal indigenous native jain trannie shemale ladyboy transvestite enby nonbinary intersex
asexual pansexual lesbo lezzie poofter sodomite spaz gimp mong mongoloid jigaboo darkie
sambo zipperhead yid hymie heeb kyke goy dago wop kraut polack gyppo pikey gringo honky redneck hillbilly
mudslime mohammedan coolie wog jap kaffir kafir negress""")
_EN_IRREGULAR = _split("""women men girls females blacks whites jewry trans mongoloids islam judaism disabled
handicapped autistic negroes jewish islamic female christianity catholicism buddhism hinduism feminism
homosexuality transgenderism lgbtq dyslexic dyslexics paraplegic paraplegics schizophrenic schizophrenics
ladies wives bitches jews goyim trannies shemales honkies hillbillies gypsies jewess
islamists muzzies asians orientals niggas niggaz hindus sikhs quran koran talmud muhammad""")
# Peoples and nations. Names take a regular plural ("koreans"), but not those in -ese, -ish and -ch ("chinese").
_EN_PEOPLES = _split("""american british german italian spanish portuguese dutch swede norwegian dane
bulgarian serbian croatian albanian greek kurd iranian iraqi lebanese egyptian moroccan algerian tunisian libyan
nigerian somali ethiopian kenyan ghanaian congolese korean vietnamese thai filipino indonesian bangladeshi chechen
brazilian colombian venezuelan cuban haitian jamaican caucasian european canadian australian muzzie irish scottish
welsh swiss belgian austrian hungarian czech slovak lithuanian latvian estonian finn turkish saudi
emirati yemeni qatari jordanian sudanese eritrean rwandan ugandan tanzanian zimbabwean nepali tamil punjabi
bengali afghani uzbek kazakh tibetan mongolian taiwanese cambodian laotian burmese malaysian singaporean
peruvian chilean argentinian argentine bolivian ecuadorian guatemalan honduran salvadoran nicaraguan dominican
chicano oriental slav arabian bedouin gaijin""")
# The invariable singulars above already have no plural: "chinese", « chinois », "trans".


def _build(language: str) -> frozenset[str]:
    words: set[str] = set()
    if language == "fr":
        for word in _FR_GENDERED:
            words |= forms(word, "fr", feminine=True)
        for word in _FR_FIXED:
            words |= forms(word, "fr")
        for word in _FR_PEOPLES:
            words |= forms(word, "fr", feminine=True)
        words |= set(_FR_IRREGULAR) | set(_FR_BELIEFS)
    else:
        for word in (*_EN_WORDS, *_EN_PEOPLES):
            words |= {word} if word.endswith(("ese", "ish", "ch")) else forms(word, "en")
        words |= set(_EN_IRREGULAR)
    # Messages are matched in folded form (accents removed): « immigrés » is found written « immigres » too.
    return frozenset(normalise_term(w) for w in words if normalise_term(w))


GROUPS = {"fr": _build("fr"), "en": _build("en")}
ALL_GROUPS = GROUPS["fr"] | GROUPS["en"]


def names_group(words: Iterable[str]) -> bool:
    """The normalised words name a group of people (a word of the lexicon, in either language)."""
    return not ALL_GROUPS.isdisjoint(words)
