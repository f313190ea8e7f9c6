"""The word classes the hate patterns read: killing and harming verbs, dehumanising nouns, derogatory words…

A clause is rewritten as a line of symbols before the patterns (`hate_patterns.py`) are searched in it: G a
group from `lexicon.py`, K a killing verb, V a verb of harm done to one person (French), W a verb of a beating,
E an exclusion verb, D a dehumanising noun, B a derogatory word, H a verb of hatred, N a negation, S a verb of
saying, C a word that denounces hate, X a homeland, R a verb of ruin or invasion, T a verb of mistreatment. The
words are data: each class is a list here, and `CLASSES` maps every word to its symbol (a group word wins).
Words are folded (accents removed), as the patterns read them; French verb forms are generated
(`inflections.py`).
"""

from __future__ import annotations

import re

from handlers.moderation import addressed
from handlers.moderation.inflections import english_plural, forms, french_verb_forms
from handlers.moderation.lexicon import ALL_GROUPS
from handlers.moderation.normalise import normalise_term


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


def _french(singulars: str, feminine: bool = True) -> list[str]:
    """French adjectives and nouns written once, in the masculine singular: their plural (and, with `feminine`,
    their feminine and its plural) generated, folded (the patterns read folded words)."""
    return sorted({normalise_term(form) for word in _split(singulars) for form in forms(word, "fr", feminine)})


def _english(nouns: str) -> list[str]:
    """English nouns written once, in the singular, with their regular plural."""
    return sorted({form for word in _split(nouns) for form in (word, english_plural(word))})


KILLING = _split("""kill killing killed murder murdered shoot shot hang hanged lynch lynched gas gassed burn burned
exterminate exterminated eradicate wipe slaughter slaughtered execute executed stab nuke bomb massacre drown
tuer tue tuez tuons buter butez gazer gazez exterminer exterminez massacrer massacrez bruler brulez pendre
pendez fusiller fusillez eliminer eliminez egorger egorgez abattre abattez eradiquer cramer noyer noyez
exterminons eliminons sterilize sterilized sterilise sterilised castrate castrated steriliser sterilisez castrer
castrez beat beaten beating punch punching choke choking smack behead beheaded stone stoned lynchez lyncher
frapper frappez tabasser tabassez poignarder poignardez cogner decapiter decapitez crucifier crucifiez euthanize
euthanized euthanise euthanised euthanatize euthanatized euthanasier euthanasiez annihilate annihilated eliminate
eliminated exterminating purge purged cull culled torture tortured rape raped hunt hunted butcher butchered
slaughtering massacred murdering beheading decapitate decapitated strangle strangled lynching gassing wiped
violer violez torturer torturez flinguer flinguez atomiser atomisez aneantir aneantissez""")
# Violence done to one person, in French: « je vais te buter », « faut le pendre », « je t'égorge ». Strong verbs
# threaten whoever the pronoun names; the verbs of a beating are also banter about a match (« on va les
# défoncer »), so they threaten only the one addressed (« je vais te défoncer »). Forms are generated.
HARMING = sorted({form for verb in _split("""buter tuer egorger poignarder etrangler violer lyncher fusiller
decapiter trucider zigouiller flinguer assassiner lapider saigner torturer defigurer tabasser crever bruler
defenestrer gazer exterminer""") for form in french_verb_forms(verb)} | set(_split("""pendre pends pend pendu pendue
pendus pendues abattre abats abat abattu abattue abattus mourir""")))  # fmt: skip
BEATING = sorted({form for verb in _split("""defoncer demonter eclater massacrer frapper cogner gifler baffer latter
fracasser""") for form in french_verb_forms(verb)})  # fmt: skip
EXCLUDING = _split("""deport deported deporting expel expelled ban banned remove kick throw expulser expulsez renvoyer
renvoyez virer virez deporter deportez degager degagez chasser chassez deported banned removed expelled kicked
thrown expulses renvoyes vires deportes chasses lock locked jail jailed imprison imprisoned banish banished
segregate segregated exile exiled outlaw outlawed enfermer enfermez interner internez bannir bannissez refouler
refoulez""")
DEHUMANISING_NOUNS = _split("""rat rats vermin vermine vermines cockroach cockroaches roach roaches cafard cafards
parasite parasites animal animals animaux ape apes monkey monkeys singe singes guenon guenons pig pigs porc porcs
dog dogs chien chiens chienne chiennes microbe microbes virus cancer plague peste disease maladie diseases
maladies pourriture pourritures subhuman subhumans filth scum trash garbage dechet dechets ordure ordures
leech leeches sangsue sangsues savage savages sauvage sauvages barbare barbares infestation termites
cancers vermins sous barbarians beast beasts bete betes insects insectes sub""") + _english("""monster demon zombie
locust swarm horde pest louse lice maggot worm snake hyena gorilla baboon chimp chimpanzee primate mongrel tumor
tumour rodent swine hog scumbag""") + _split("""cattle livestock bacteria sewage feces excrement rubbish""") + _french(
    """bestiole nuisible pou punaise hyène macaque gorille babouin troupeau horde fléau plaie gangrène tumeur
monstre démon zombie cloporte asticot criquet sauterelle""") + _split("""betail cholera excrements""")
DEROGATORY = _split("""inferior inferieur inferieurs inferieure inferieures disgusting degoutant degoutants degoutante
degoutantes worthless useless stupid dumb idiots idiot criminals criminal terrorists terrorist thieves
thief rapists rapist evil dangerous dirty filthy ugly retarded retards voleurs voleur violeurs violeur
criminels criminel terroristes terroriste debiles debile cons connards nuls inutiles sale sales sal
crade crades degeneres degenere shit merde perverts pervert pedophiles pedophile degenerate degenerates
abomination abominations unnatural inbred primitive primitives lazy pervers pedophiles faineants feignants
consanguins arrieres envahisseurs invaders ill sick evil devils satanic hypocrites annoying malades vicieux
vicieuses manipulateurs manipulatrices hypocrites violents violentes fourbes terrorism devil vile gross nasty
repulsive revolting sickening uncivilized uncivilised backward backwards brainless mindless greedy cowardly pathetic
smelly stinky parasitic perverted sinful godless abnormal mental insane barbaric bloodthirsty murderous cancerous
toxic poisonous dumber dumbest stupider stupidest worst brainwashed""") + _english("""moron imbecile cretin freak
weirdo loser thug liar cheater coward deviant sinner heathen infidel psycho psychopath lunatic maniac murderer killer
freeloader mooch moocher burden menace danger enemy illness disorder sin mistake""") + _french("""puant stupide
crétin abruti taré attardé menteur lâche paresseux profiteur assisté délinquant dangereux répugnant immonde ignoble
dégueulasse moche laid psychopathe égorgeur tueur assassin""") + _french("""racaille voyou bandit pédo""", False) + (
    _split("""idiote idiotes menace danger fleau plaie gangrene poison"""))
HATING = _split("""hate hates hated despise despises detest detests loathe deteste detestent hais hait haissent
meprise meprisent vomis""")
NEGATIONS = _split("""not no never don doesn isn aren wasn weren ne n pas jamais aucun aucune nor dont doesnt didnt
isnt arent wasnt werent cant cannot wont wouldnt shouldnt wouldn couldn didn hasn haven hadn
couldnt hasnt havent mustnt""")
SAYING = _split("""dire dit disent disant dis say says said saying claim claims claiming call calling called calls
appeler traiter traitent""")
# A homeland word: "go back to your country", « retourne dans ton pays », "go back to Africa" tell a person
# where they belong.
HOMELANDS = _split("""country countries pays bled land continent africa afrique asia asie mexico mexique india inde
pakistan china chine syria syrie somalia somalie iraq irak iran afghanistan arabia arabie maghreb algerie maroc
tunisie senegal mali jungle""")
# Verbs that cast a group as ruining or invading: "X are destroying our country", « les X envahissent ».
RUINING = _split("""ruin ruining ruined ruins destroy destroying destroys invade invading invaded invades infest
infesting infests breed breeding envahissent envahir detruisent detruire pourrissent pourrir""")
DENOUNCING_WORDS = _split("""racisme raciste racistes racism racist racists homophobe homophobes homophobie homophobic
homophobia antisemite antisemites antisemitisme antisemitic antisemitism xenophobe xenophobie xenophobic
sexiste sexistes sexisme sexist sexism transphobe transphobie transphobic bigot bigots bigotry haineux
inacceptable unacceptable intolerable signale signaler reported report""")

# Verbs of mistreatment: "X are treated like animals", « on parque les X comme du bétail » tell what is done to a
# group, they do not call them so.
TREATING = _split("""treat treats treating treated parque parquent parquer parques parquee parquees entasse
entassent entasser entasses entassee entassees""")
# A colour or condition names a group only beside a word for people: "black people", "deaf kids", not "black car".
GROUP_ADJECTIVES = frozenset(_split("""black white brown yellow deaf blind mentally non fat obese foreign mixed"""))
PEOPLE = frozenset(_split("""people folks folk men women guys kids children person persons boy boys girl girls
dudes race races americans countries ppl peoples individuals families couples teens teenagers students ladies
females males man woman kid child lads gals"""))
# Words that point at people without naming a group ("they are animals", « ces cafards »), and the dehumanising
# nouns strong enough to be read as aimed at people after "those"/« ces » alone (not "these dogs", "ces rats").
POINTING = frozenset(_split("""they those these ces ils eux"""))
# Pronouns that stand for a group named in an earlier clause of the message ("Muslims. They are …"): read as it.
REFERRING = frozenset(_split("""they them ils elles eux"""))
DEMONSTRATIVE = frozenset(_split("""those these ces"""))
STRONG_DEHUMANISING = frozenset(_split("""vermin vermins vermine vermines cockroaches roaches cafards parasites
subhuman subhumans savages sauvages barbares barbarians scum pourritures sous"""))
LINKING = frozenset(_split("""are r re sont were etaient"""))
# Nouns that judge things as often as people ("they're trash", "they were my guinea pigs"): not after "they are".
THINGS_TOO = frozenset(_split("""trash garbage filth dechet dechets ordure ordures cancer cancers virus disease
diseases maladie maladies pig pigs dog dogs chien chiens pest pests louse lice maggot maggots worm worms snake
snakes rodent rodents bacteria sewage feces excrement rubbish cattle livestock swarm swarms horde hordes locust
locusts hog hogs tumor tumors tumour tumours sub poux punaise punaises betail troupeau troupeaux asticot asticots
criquet criquets sauterelle sauterelles bestiole bestioles cloporte cloportes monster monsters zombie zombies
monstre monstres zombi zombis demon demons"""))

# The one addressed called vermin or filth in French: « t'es qu'un déchet », « espèce de cafard », « vous êtes
# des parasites ». Not « t'es une bête » nor « t'es un animal »: in a game, praise.
NOT_AN_INSULT = frozenset(_split("""bete betes animal animals animaux beast beasts monstre monstres monstresse
monstresses demon demons demone demones zombie zombies zombi zombis monster monsters"""))
ADDRESSED_VERMIN = re.compile(
    r"\b(?:t es|tu es|vous etes|t etais|tu etais|espece de|espece d|bande de|bande d) (?:(?:un|une|qu un|qu une|que"
    r" des|qu des|des|vraiment|juste|rien qu un|rien qu une|gros|grosse|sale|sales|petit|petite|sous) ){0,2}(?:"
    + "|".join(sorted(set(DEHUMANISING_NOUNS) - NOT_AN_INSULT)) + r")\b"
)

CLASSES: dict[str, str] = {}
for _symbol, _words in (("K", KILLING), ("V", HARMING), ("W", BEATING), ("E", EXCLUDING), ("D", DEHUMANISING_NOUNS),
                        ("B", DEROGATORY), ("H", HATING), ("N", NEGATIONS), ("S", SAYING), ("C", DENOUNCING_WORDS),
                        ("X", HOMELANDS), ("R", RUINING), ("T", TREATING)):  # fmt: skip
    for _word in _words:
        CLASSES.setdefault(_word, _symbol)
for _word in ALL_GROUPS:
    if " " not in _word:
        CLASSES[_word] = "G"  # a group word wins: "homo" names a group before it insults
# Group words, killing verbs, homelands, dehumanising nouns (the pointing patterns need no group word) and the
# adjectives that make a group with a word for people open the hate rule; a message with none cannot hit.
# French abuse aimed at the one addressed (`addressed.py`: « t'es nul », « j'espère que tu crèves ») opens it too.
TRIGGERS = frozenset({w for w, s in CLASSES.items() if s in "GKXDVW"} | GROUP_ADJECTIVES) | addressed.TRIGGERS
