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
from handlers.moderation.anchors import Anchored, required_tokens
from handlers.moderation.inflections import french_verb_forms
from handlers.moderation.lexicon import ALL_GROUPS
from handlers.moderation.normalise import Normalised
from handlers.moderation.severity import Severity


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


MAX_TOKENS = 1000
MAX_CLAUSE = 60

_KILL = _split("""kill killing killed murder murdered shoot shot hang hanged lynch lynched gas gassed burn burned
exterminate exterminated eradicate wipe slaughter slaughtered execute executed stab nuke bomb genocide massacre drown
tuer tue tuez tuons buter butez gazer gazez exterminer exterminez massacrer massacrez bruler brulez pendre
pendez fusiller fusillez eliminer eliminez egorger egorgez abattre abattez eradiquer cramer noyer noyez
exterminons eliminons sterilize sterilized sterilise sterilised castrate castrated steriliser sterilisez castrer
castrez beat beaten beating punch punching choke choking smack behead beheaded stone stoned lynchez lyncher
frapper frappez tabasser tabassez poignarder poignardez cogner decapiter decapitez crucifier crucifiez euthanize
euthanized euthanise euthanised euthanatize euthanatized euthanasier euthanasiez""")
# Violence done to one person, in French: « je vais te buter », « faut le pendre », « je t'égorge ». Strong verbs
# threaten whoever the pronoun names; the verbs of a beating are also banter about a match (« on va les
# défoncer »), so they threaten only the one addressed (« je vais te défoncer »). Forms are generated.
_HARM = sorted({form for verb in _split("""buter tuer egorger poignarder etrangler violer lyncher fusiller
decapiter trucider zigouiller flinguer assassiner lapider saigner torturer defigurer tabasser crever bruler
defenestrer gazer exterminer""") for form in french_verb_forms(verb)} | set(_split("""pendre pends pend pendu pendue
pendus pendues abattre abats abat abattu abattue abattus mourir""")))  # fmt: skip
_BEAT = sorted({form for verb in _split("""defoncer demonter eclater massacrer frapper cogner gifler baffer latter
fracasser""") for form in french_verb_forms(verb)})  # fmt: skip
_EXCLUDE = _split("""deport deported deporting expel expelled ban banned remove kick throw expulser expulsez renvoyer
renvoyez virer virez deporter deportez degager degagez chasser chassez deported banned removed expelled kicked
thrown expulses renvoyes vires deportes chasses""")
_DEHUMANISING = _split("""rat rats vermin vermine vermines cockroach cockroaches roach roaches cafard cafards parasite
parasites animal animals animaux ape apes monkey monkeys singe singes guenon guenons pig pigs porc porcs
dog dogs chien chiens chienne chiennes microbe microbes virus cancer plague peste disease maladie diseases
maladies pourriture pourritures subhuman subhumans filth scum trash garbage dechet dechets ordure ordures
leech leeches sangsue sangsues savage savages sauvage sauvages barbare barbares infestation termites
cancers vermins sous barbarians beast beasts bete betes insects insectes""")
_DEROGATORY = _split("""inferior inferieur inferieurs inferieure inferieures disgusting degoutant degoutants degoutante
degoutantes worthless useless stupid dumb idiots idiot criminals criminal terrorists terrorist thieves
thief rapists rapist evil dangerous dirty filthy ugly retarded retards voleurs voleur violeurs violeur
criminels criminel terroristes terroriste debiles debile cons connards nuls inutiles sale sales sal
crade crades degeneres degenere shit merde perverts pervert pedophiles pedophile degenerate degenerates
abomination abominations unnatural inbred primitive primitives lazy pervers pedophiles faineants feignants
consanguins arrieres envahisseurs invaders ill sick evil devils satanic hypocrites annoying malades vicieux
vicieuses manipulateurs manipulatrices hypocrites violents violentes fourbes terrorism devil""")
_HATE = _split("""hate hates hated despise despises detest detests loathe deteste detestent hais hait haissent
meprise meprisent vomis""")
_NEGATION = _split("""not no never don doesn isn aren wasn weren ne n pas jamais aucun aucune nor dont doesnt didnt
isnt arent wasnt werent cant cannot wont wouldnt shouldnt""")
_SAY = _split("""dire dit disent disant dis say says said saying claim claims claiming call calling called calls
appeler traiter traitent""")
# A homeland word: "go back to your country", « retourne dans ton pays » tell a person where they belong.
_HOMELAND = _split("""country countries pays bled land continent""")
# Verbs that cast a group as ruining or invading: "X are destroying our country", « les X envahissent ».
_RUIN = _split("""ruin ruining ruined ruins destroy destroying destroys invade invading invaded invades infest
infesting infests breed breeding envahissent envahir detruisent detruire pourrissent pourrir""")
_DENOUNCE = _split("""racisme raciste racistes racism racist racists homophobe homophobes homophobie homophobic
homophobia antisemite antisemites antisemitisme antisemitic antisemitism xenophobe xenophobie xenophobic
sexiste sexistes sexisme sexist sexism transphobe transphobie transphobic bigot bigots bigotry haineux
inacceptable unacceptable intolerable signale signaler reported report""")

# Verbs of mistreatment: "X are treated like animals" tells what is done to a group, it does not call them so.
_TREAT = _split("""treat treats treating treated""")
# A colour or condition names a group only beside a word for people: "black people", "deaf kids", not "black car".
_GROUP_ADJECTIVES = frozenset(_split("""black white brown yellow deaf blind mentally non"""))
_PEOPLE = frozenset(_split("""people folks folk men women guys kids children person persons boy boys girl girls
dudes race races americans countries"""))
# Words that point at people without naming a group ("they are animals", « ces cafards »), and the dehumanising
# nouns strong enough to be read as aimed at people after "those"/« ces » alone (not "these dogs", "ces rats").
_POINTING = frozenset(_split("""they those these ces ils eux"""))
_DEMONSTRATIVE = frozenset(_split("""those these ces"""))
_STRONG_DEHUMANISING = frozenset(_split("""vermin vermins vermine vermines cockroaches roaches cafards parasites
subhuman subhumans savages sauvages barbares barbarians scum pourritures sous"""))
_LINKING = frozenset(_split("""are r re sont were etaient"""))
# Nouns that judge things as often as people ("they're trash", "they were my guinea pigs"): not after "they are".
_THINGS_TOO = frozenset(_split("""trash garbage filth dechet dechets ordure ordures cancer cancers virus disease
diseases maladie maladies pig pigs dog dogs chien chiens"""))

# The one addressed called vermin or filth in French: « t'es qu'un déchet », « espèce de cafard », « vous êtes
# des parasites ». Not « t'es une bête » nor « t'es un animal »: in a game, praise.
_NOT_AN_INSULT = frozenset(_split("bete betes animal animals animaux beast beasts"))
_ADDRESSED = re.compile(
    r"\b(?:t es|tu es|vous etes|t etais|tu etais|espece de|espece d|bande de|bande d) (?:(?:un|une|qu un|qu une|que"
    r" des|qu des|des|vraiment|juste|rien qu un|rien qu une|gros|grosse|sale|sales|petit|petite|sous) ){0,2}(?:"
    + "|".join(sorted(set(_DEHUMANISING) - _NOT_AN_INSULT)) + r")\b"
)

_CLASSES: dict[str, str] = {}
for _symbol, _words in (("K", _KILL), ("V", _HARM), ("W", _BEAT), ("E", _EXCLUDE), ("D", _DEHUMANISING),
                        ("B", _DEROGATORY), ("H", _HATE), ("N", _NEGATION), ("S", _SAY), ("C", _DENOUNCE),
                        ("X", _HOMELAND), ("R", _RUIN), ("T", _TREAT)):  # fmt: skip
    for _word in _words:
        _CLASSES.setdefault(_word, _symbol)
for _word in ALL_GROUPS:
    if " " not in _word:
        _CLASSES[_word] = "G"  # a group word wins: "homo" names a group before it insults
# Group words, killing verbs, homelands, dehumanising nouns (the pointing patterns need no group word) and the
# adjectives that make a group with a word for people open the hate rule; a message with none cannot hit.
# French abuse aimed at the one addressed (`addressed.py`: « t'es nul », « j'espère que tu crèves ») opens it too.
TRIGGERS = frozenset({w for w, s in _CLASSES.items() if s in "GKXDVW"} | _GROUP_ADJECTIVES) | addressed.TRIGGERS

_GAP = r"(?:\w+ ){0,3}"
# A killing verb after "should"/"must" is a death wish whatever stands between the group and it: "X like him
# should get hanged", « les X comme lui devraient crever ».
_WIDE_GAP = r"(?:\w+ ){0,6}"
_NOT_THE_GROUP = "how|when|the way|seeing|to see|quand|comment"  # "I hate how X are treated" (but "I hate that X")
_SHORT = r"(?:\w+ ){0,1}"
# Who may threaten or wish harm in French: a speaker, "one must", "he deserves" (« je », « on », « faut »…).
# Not after « tu »: « tu vas t'éclater ce soir », « tu veux te défoncer » speak of the one addressed doing it.
_SPEAKERS = ("(?<!tu )(?:je|j|on|nous|faut|faudrait|faudra|vais|va|allons|veux|voudrais|merite|meriterait|meritent"
             "|doit|devrait|devraient|doivent)")


# Whom a finding is aimed at. Hate against a group (origin, religion, gender, sexuality, disability: a group word,
# a homeland, people pointed at as a kind) is reported at high severity; a threat or a dehumanising insult aimed
# at one person keeps its own (a threat stays high, « t'es qu'un déchet » medium), and its detail says so.
GROUP, PERSON = "group", "person"
_AT_SOMEONE = {"threat": "threat to someone", "dehumanising": "dehumanising someone", "insult": "insult to someone"}


@dataclass(frozen=True, slots=True)
class Pattern:
    kind: str
    severity: Severity  # its rank among the patterns (the worst found is reported); see `HateFinding.severity`
    regex: re.Pattern[str]
    negatable: bool = True  # a negation inside the match cancels it (not for "X don't deserve to live")
    needs: frozenset[str] = frozenset()  # word classes the line must hold for the pattern to be tried
    required: tuple[frozenset[str], ...] = ()  # tokens a match holds, one of each set (`anchors.py`)
    target: str = GROUP


def _p(kind: str, severity: Severity, pattern: str, negatable: bool = True) -> Pattern:
    """A pattern; a threat that needs no group word (« je vais te buter », "someone should shoot him") is aimed at
    a person."""
    plain = pattern.replace("\\b", " ")
    needs = frozenset(symbol for symbol in "GKEDBHNXRVW" if re.search(rf"(?<![\w\\]){symbol}(?![\w])", plain))
    if "|" in plain:  # a class inside an alternative ("(?:B|fucking) G") is not needed: keep those outside only
        needs = frozenset(s for s in needs if not re.search(rf"[(|:]{s}\||\|{s}[)|]", plain))
    target = PERSON if kind == "threat" and "G" not in needs else GROUP
    return Pattern(kind, severity, re.compile(pattern), negatable, needs, required_tokens(pattern), target)


THREAT, DEHUMANISING, EXCLUSION, DEROGATION = "threat", "dehumanising", "exclusion", "derogation"
GROUP_KINDS = frozenset({THREAT, DEHUMANISING, EXCLUSION, DEROGATION})  # a hit's detail when aimed at a group
PATTERNS = (
    # Threats: a killing verb before the group ("kill all the X", « gazer tous les X »), the group as subject
    # of a death wish, "death to X", « en finir avec les X », "get rid of every X".
    _p(
        THREAT,
        Severity.HIGH,
        r"\bK (?:(?:all|every|the|these|those|of|some|tous|toutes|les|ces|des|quelques|ce|cette|B|fucking) ){0,3}G\b",
    ),
    _p(
        THREAT,
        Severity.HIGH,
        rf"\bG {_WIDE_GAP}(?:should|must|need to|deserve to|doivent|devraient|meritent de|faut) {_SHORT}(?:be |get |got |etre )?(?:K|die|mourir|crever|disparaitre|burn)\b",  # noqa: E501
    ),
    _p(THREAT, Severity.HIGH, r"\b(?:mort aux|mort a|death to|a mort les) (?:\w+ )?G\b"),
    _p(
        THREAT,
        Severity.HIGH,
        rf"\b(?:en finir avec|finir avec|get rid of|rid the world of|debarrasser des|debarrasser de) {_GAP}G\b",
    ),
    _p(
        THREAT,
        Severity.HIGH,
        r"\b(?:someone|somebody|quelqu un|qqn) (?:should|needs to|has to|must|devrait|doit|va) (?:\w+ ){0,2}K\b",
    ),
    _p(THREAT, Severity.HIGH, r"\b(?:je vais|j vais|jvais|on va|je v|nous allons) (?:te|vous|t|les|le|la) K\b"),
    # « je vais te buter », « faut le pendre », « il mérite qu'on le crève », « je t'éclate »
    _p(THREAT, Severity.HIGH, rf"\b(?:{_SPEAKERS}) (?:\w+ ){{0,2}}(?:te|t|vous|le|la|l|les|lui|leur) (?:V|K)\b"),
    _p(THREAT, Severity.HIGH, rf"\b(?:{_SPEAKERS}) (?:\w+ ){{0,2}}(?:te|t|vous) W\b"),
    # « tu mérites de crever », « il mériterait d'être pendu »
    _p(THREAT, Severity.HIGH, r"\b(?:merite|merites|meritent|meritez|meriterait|meriterais|meriteraient) (?:de |d )?(?:etre |se faire )?(?:V|K)\b"),  # noqa: E501
    _p(
        THREAT,
        Severity.HIGH,
        r"\b(?:i ll|i will|ill|im going to|i m going to|i m gonna|im gonna|gonna|imma|ima|we ll|we will) K (?:you|u|ya|them|him|her|all)\b",  # noqa: E501
    ),
    # Dehumanisation: the group and a dehumanising noun in one clause, either order (« ces rats de X »).
    _p(DEHUMANISING, Severity.HIGH, rf"\bG {_GAP}(?:are|is|sont|est|r|c est|ce sont|like|comme|tous|all) {_GAP}D\b"),
    _p(DEHUMANISING, Severity.HIGH, r"\bD (?:de|d|of|comme|like) (?:\w+ )?G\b"),
    _p(
        DEHUMANISING,
        Severity.HIGH,
        r"\bG (?:\w+ )?(?:lives|life|vies|vie) (?:N ){1,2}(?:t )?(?:matter|comptent|compte)\b",
        negatable=False,
    ),
    _p(
        DEHUMANISING,
        Severity.HIGH,
        rf"\bG {_SHORT}(?:N ){{1,2}}(?:\w+ )?(?:deserve|meritent|merite) (?:to live|de vivre|to exist|d exister|rights|droits|respect)\b",  # noqa: E501
        negatable=False,
    ),
    _p(
        DEHUMANISING,
        Severity.HIGH,
        rf"\bG {_SHORT}(?:N ){{1,2}}(?:\w+ )?(?:human|humans|humains|humain|people|personnes)\b",
        negatable=False,
    ),
    # Antisemitic and conspiracy tropes: "X control the media", « les X contrôlent les banques ».
    _p(
        DEROGATION,
        Severity.MEDIUM,
        rf"\bG {_GAP}(?:control|controls|controlling|run|runs|own|owns|controlent|controle|dirigent|possedent|tiennent) (?:(?:all|the|our|les|la|le|nos|notre|tous|toutes) ){{0,2}}(?:media|medias|banks|banques|finance|world|monde|hollywood|government|gouvernement|pouvoir)\b",  # noqa: E501
    ),
    # Exclusion: expelling or banning the group, or telling someone to go back where they came from.
    _p(EXCLUSION, Severity.MEDIUM, rf"\bE {_GAP}G\b"),
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        rf"\bG {_GAP}(?:should|must|need to|needs to|have to|doivent|devraient|faut) {_SHORT}(?:be |etre )?E\b",
    ),
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"\b(?:go back to|get back to|go home to|back to) (?:your|ur|their|his|her) (?:own )?(?:\w+ )?X\b",
    ),
    # "get out of our country", « dégage de notre pays »
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"\b(?:get out of|get out|out of|degage de|degagez de|sortez de|casse toi de) (?:our|my|this|notre|mon|ce) (?:\w+ )?X\b",  # noqa: E501
    ),
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"\b(?:retourne|retournez|rentre|rentrez|repartez|reparte|retournent|rentrent) (?:dans|a|au|en) (?:ton|ta|votre|leur|leurs|son) X\b",  # noqa: E501
    ),
    _p(EXCLUSION, Severity.MEDIUM, r"\b(?:dehors les|dehors|out with the|out with) G\b"),
    _p(EXCLUSION, Severity.MEDIUM, r"\bN G (?:allowed|admis|acceptes|bienvenus|welcome)\b", negatable=False),
    # "X are not welcome here", « les X ne sont pas les bienvenus »
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        rf"\bG {_SHORT}(?:N ){{1,2}}(?:\w+ ){{0,3}}(?:welcome|wanted|bienvenus|bienvenues|bienvenu|bienvenue)\b",
        negatable=False,
    ),
    # "we don't want X here", « on ne veut pas de X chez nous »: wanting a group gone (not "… want X to be hurt")
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"\bN (?:\w+ )?(?:want|wants|need|needs|veut|veux|voulons|voulez) (?:N )?(?:(?:any|more|no|de|d|des|les|plus) ){0,2}G(?= (?:here|in|ici|en|chez|dans|anymore|around|back)\b|$)",  # noqa: E501
        negatable=False,
    ),
    # "send all X back / to hell", « renvoyez les X chez eux »
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"\b(?:send|ship|envoyer|envoyez|renvoyer|renvoyez|renvoyons) (?:\w+ ){0,2}G (?:\w+ ){0,2}(?:back|home|away|hell|enfer|chez)\b",  # noqa: E501
    ),
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"\bG (?:dehors|out|go home|go back|get out|rentrez chez vous|retournez chez vous)\b",
    ),
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        rf"\bG {_SHORT}(?:N ){{1,2}}(?:\w+ )?(?:belong|appartiennent|have a place|ont leur place|place ici)\b",
        negatable=False,
    ),
    # Derogation: hating the group, or the group as subject of a derogatory word.
    # "I hate that X are treated like …", « je déteste qu'on … »: hating what is done, not the group
    _p(DEROGATION, Severity.MEDIUM, rf"\bH (?!(?:{_NOT_THE_GROUP}) ){_GAP}G\b"),
    _p(DEROGATION, Severity.MEDIUM, rf"\bG {_GAP}(?:are|is|sont|est|r|c est|ce sont|all|tous|toutes) {_GAP}B\b"),
    _p(DEROGATION, Severity.MEDIUM, r"\b(?:B|fucking|fuckin|putain de|putains de) G\b"),
    _p(DEROGATION, Severity.MEDIUM, r"\bG (?:de merde|of shit|d merde)\b"),
    # "fuck all X", « nique les X »
    _p(
        DEROGATION,
        Severity.MEDIUM,
        r"\b(?:fuck|fuk|fck|screw|nique|niquez|niquer) (?:(?:all|the|those|these|les|tous|toutes|ces|des) ){0,2}G\b",
    ),
    # Ruin and invasion: "X are destroying our country", « les X envahissent la France ».
    _p(DEROGATION, Severity.MEDIUM, rf"\bG {_GAP}R\b"),
    # A group to be destroyed: "destroy islam", « détruire les X »
    _p(DEROGATION, Severity.MEDIUM, r"\bR (?:(?:all|the|les|tous|des|ces) ){0,2}G\b"),
    # A group told its place or its only use: "X belong in the kitchen", "X are only good for …", « les X ne
    # sont bonnes qu'à … », "X are made for making babies".
    _p(
        DEROGATION,
        Severity.MEDIUM,
        rf"\bG {_GAP}(?:(?:only good for|bons qu a|bonnes qu a|juste bons a|juste bonnes a|are made for|were made for|sont faites pour|sont faits pour|place is|belong|belongs|ont leur place) (?:\w+ ){{0,3}}(?:kitchen|kitchens|home|house|cooking|babies|sandwich|sandwiches|cuisine|menage|vaisselle|foyer|maison|bebes|gosses|nothing|rien)|good for nothing|bons a rien|bonnes a rien)\b",  # noqa: E501
        negatable=False,
    ),
    # Supremacy and inequality stated of a group: "X are superior in every way", "X are not equal to us".
    _p(DEROGATION, Severity.MEDIUM, rf"\bG {_SHORT}(?:are|is|sont|est) {_SHORT}(?:superior|superieurs|superieures)\b"),
    _p(
        DEROGATION,
        Severity.MEDIUM,
        r"\bG (?:are|is|sont|est) (?:N ){1,2}(?:\w+ )?(?:equal|equals|egaux|egales) (?:to|with|a|aux|as)\b",
        negatable=False,
    ),
    # A belief cast as a creed of violence: "X is a religion of hate", « l'islam est une religion de haine ».
    _p(
        DEROGATION,
        Severity.MEDIUM,
        r"\bG (?:is|est) (?:a |an |une |un )?(?:\w+ )?(?:religion|cult|ideology|secte|ideologie) (?:of|de|d) (?:H|hatred|violence|terror|death|war|pedophiles|haine|mort|guerre|terreur|pedophiles|pedos)\b",  # noqa: E501
    ),
    # Breeding like vermin: "X multiply like rats", « les X se reproduisent comme des lapins ».
    _p(
        DEHUMANISING,
        Severity.HIGH,
        rf"\bG {_GAP}(?:multiply|multiplying|breed|breeding|reproduce|reproduisent|multiplient|pullulent) (?:like|comme des|comme) (?:D|rabbits|ants|flies|lapins|fourmis|mouches)\b",  # noqa: E501
    ),
)
_ANCHORED = Anchored(PATTERNS, lambda p: (*p.required, *(frozenset({s}) for s in p.needs)))
# Words that quote a term rather than use it: a verb of saying, or naming the word itself ("the word X").
_QUOTING = frozenset(_SAY) | frozenset(_split("""word words mot mots term terms terme termes slur slurs insulte
insultes""")) - {"dis", "dit"}
_DENOUNCING = frozenset(_DENOUNCE)


# Being called a name: "they call us racist", « on nous traite de racistes », "he called me a X".
_CALLING = frozenset(_split("""call calls called calling label labels labelled labeled brand branded accuse accuses
accused accusing traite traitent traiter traites traitee traitees traitait traitaient accusent accuser accusee
qualifie qualifient insulte insultent insulter"""))
_SELF = frozenset(_split("i we us me m nous moi je j"))
# Words that may stand between the speaker, the calling verb and the name: "I get called a", « m'a traité de ».
_BETWEEN = frozenset(_split("""a an the of as de d du un une sale sales get got gets getting am are was were be been
being is ai as a ont avait avaient suis sommes est sont etre ete se s fait faire on"""))
_CALLED_WINDOW = 6


def _self_called(words: Sequence[str], index: int) -> bool:
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
        if word not in _DENOUNCING:
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        if following in ("but", "mais") or _self_called(words, index):
            continue
        return True
    return False


def denounces(words: Sequence[str]) -> bool:
    """The message quotes words to denounce them: a denouncing word ("racist", « homophobe ») beside a verb of
    saying or the naming of a word ("calling them X is racist", « traiter quelqu'un de X, c'est homophobe »),
    and not "I'm not racist but…" nor "they call us racist for saying X". One pass over the first
    `MAX_TOKENS` words."""
    words = words[:MAX_TOKENS]
    if _DENOUNCING.isdisjoint(words) or _QUOTING.isdisjoint(words):
        return False
    return genuinely_denouncing(words)


def reports_being_called(words: Sequence[str], slur_words: frozenset[str]) -> bool:
    """The speaker reports a slur they were called ("he called me a X", « il m'a traité de sale X »): a word of
    the slur right after a calling verb and "me"/"us" (only small words between)."""
    words = words[:MAX_TOKENS]
    if _CALLING.isdisjoint(words) or _SELF.isdisjoint(words):
        return False
    return any(word in slur_words and _self_called(words, index) for index, word in enumerate(words))


_CLAUSE_TOKEN = re.compile(r"[a-z0-9]+|[.!?;:\n]")
# A negation among the few words before a match: "not all X are …", "no X is …", "I don't think X are …" (but
# "no wonder X are …" negates nothing, and "I'm not racist but X are …" turns it over).
_NEGATED_BEFORE = re.compile(r"\bN (?!(?:wonder|doubt|surprise|matter)\b)(?:(?!but |mais )\w+ ){0,3}$")
_REPORTED = re.compile(r"\bS (?:\w+ )?(?:que|qu|that)\b")


@dataclass(frozen=True, slots=True)
class HateFinding:
    """`kind` is the pattern's (threat, dehumanising, exclusion, derogation); `rank` orders findings (a finding
    against a group before one against a person, then the pattern's rank)."""

    kind: str
    rank: Severity
    target: str = GROUP

    @property
    def severity(self) -> Severity:
        """High for hate against a group; a finding aimed at a person keeps its rank (a threat high, a
        dehumanising insult medium), the severity of an insult."""
        return Severity.HIGH if self.target == GROUP else self.rank

    @property
    def detail(self) -> str:
        """What the hit says to moderators: the kind, and "to someone" / "someone" when aimed at a person."""
        return self.kind if self.target == GROUP else _AT_SOMEONE.get(self.kind, self.kind)

    def before(self, target: str, rank: Severity) -> bool:
        """This finding is reported before one of `target` and `rank` (a group first, then the higher rank)."""
        return (self.target == GROUP, self.rank) >= (target == GROUP, rank)


_CLAUSE_END = frozenset(".!?;:\n")
TOKENS_WINDOW = 8 * MAX_TOKENS  # characters tokenised first: enough for MAX_TOKENS tokens in ordinary text


def clauses(source: str) -> list[list[str]]:
    """The message's words, cut into clauses at sentence punctuation (bounded in tokens and per clause).

    The tokens are cut in one C-speed scan of a window (the whole text only when the window holds too few of
    them, so that none is cut at its edge), and a message with no sentence punctuation is one clause. With
    punctuation, the tokens are joined and split again at it, all in C (`clauses_by_token` is the same cut
    made token by token, the reference it is tested against)."""
    tokens = _tokens(source)
    if _CLAUSE_END.isdisjoint(tokens):
        return [tokens[:MAX_CLAUSE]] if tokens else []
    return [words[:MAX_CLAUSE] for piece in _SPLIT_CLAUSES(" ".join(tokens)) if (words := piece.split())]


def _tokens(source: str) -> list[str]:
    tokens = _CLAUSE_TOKEN.findall(source[:TOKENS_WINDOW])
    if len(tokens) <= MAX_TOKENS and len(source) > TOKENS_WINDOW:
        tokens = _CLAUSE_TOKEN.findall(source)
    del tokens[MAX_TOKENS:]
    return tokens


_SPLIT_CLAUSES = re.compile(r"[.!?;:\n]").split  # a clause end is a token of its own: never inside a word


def clauses_by_token(source: str) -> list[list[str]]:
    """`clauses`, one token at a time."""
    found: list[list[str]] = []
    current: list[str] = []
    for token in _tokens(source):
        if token in _CLAUSE_END:
            if current:
                found.append(current)
            current = []
        elif len(current) < MAX_CLAUSE:
            current.append(token)
    if current:
        found.append(current)
    return found


def _line(clause: Sequence[str]) -> str:
    """The clause as word classes; a colour or condition before a word for people is a group ("black people")."""
    classes = list(map(_CLASSES.get, clause, clause))
    if not _GROUP_ADJECTIVES.isdisjoint(clause):
        for index, token in enumerate(clause[:-1]):
            if token in _GROUP_ADJECTIVES and clause[index + 1] in _PEOPLE:
                classes[index] = "G"
    return " ".join(classes)


def _pointing(clause: Sequence[str], line: str) -> bool:
    """People pointed at and dehumanised without a group word: "they are animals", "those are vermin",
    « ces cafards », "they're just parasites" (a negation or mistreatment between them cancels it)."""
    symbols = line.split()
    for index, token in enumerate(clause):
        if token not in _POINTING:
            continue
        after = clause[index + 1 : index + 4]
        if token in _DEMONSTRATIVE and any(word in _STRONG_DEHUMANISING for word in after[:2]):
            return True
        for offset, word in enumerate(after):
            if word in _LINKING:
                start = index + offset + 2
                rest = symbols[start : start + 4]
                if "D" in rest and clause[start + rest.index("D")] not in _THINGS_TOO:
                    between = rest[: rest.index("D")]
                    if "N" not in between and "T" not in between and "like" not in between:
                        return True
                break
    return False


def _named_vermin(clause: Sequence[str], line: str) -> bool:
    """A group word or a colour right before a strong dehumanising noun: "muslim scum", "non-white parasites",
    « ces arabes barbares » (not "chinese dogs", nor « les arabes sous la pluie »: strong nouns only)."""
    symbols = line.split()
    for index, word in enumerate(clause[1:], 1):
        if word in _STRONG_DEHUMANISING and word != "sous" and (
                symbols[index - 1] == "G" or clause[index - 1] in _GROUP_ADJECTIVES):
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
    labelled = not _DENOUNCING.isdisjoint(tokens) and any(
        t in _DENOUNCING and _self_called(tokens, i) for i, t in enumerate(tokens))  # fmt: skip
    worst: HateFinding | None = None
    for clause, line in zip(found, lines, strict=True):
        present = set(line.split())
        if "D" in present and (worst is None or not worst.before(GROUP, Severity.MEDIUM)) and _pointing(clause, line):
            worst = HateFinding(DEHUMANISING, Severity.MEDIUM)  # "they are animals", "those are vermin"
        if "D" in present and (worst is None or not worst.before(PERSON, Severity.MEDIUM)) and _ADDRESSED.search(
                " ".join(clause)):  # fmt: skip
            worst = HateFinding(DEHUMANISING, Severity.MEDIUM, PERSON)  # « t'es qu'un déchet »
        if "D" in present and (worst is None or not worst.before(GROUP, Severity.HIGH)) and _named_vermin(
                clause, line):  # fmt: skip
            worst = HateFinding(DEHUMANISING, Severity.HIGH)
        if worst is None or not worst.before(PERSON, Severity.HIGH):
            aimed = addressed.find_addressed(clause)  # « j'espère que tu crèves », « t'es qu'une tache »
            if aimed == addressed.THREAT:
                worst = HateFinding(THREAT, Severity.HIGH, PERSON)
            elif aimed == addressed.INSULT and (worst is None or not worst.before(PERSON, Severity.MEDIUM)):
                worst = HateFinding(addressed.INSULT, Severity.MEDIUM, PERSON)
        if "G" not in present and "K" not in present and "X" not in present and "V" not in present and (
                "W" not in present):
            continue
        for pattern in _ANCHORED.candidates(present) if anchored else PATTERNS:
            if worst is not None and worst.before(pattern.target, pattern.severity):
                continue
            if not pattern.needs <= present:
                continue
            match = pattern.regex.search(line)
            if match is None:
                continue
            if " T " in f" {match.group()} " or line[: match.start()].endswith("T "):
                continue  # "X are treated like animals", "treating X like dogs": what is done to them
            if pattern.negatable and (" N " in f" {match.group()} " or (
                    match.group().startswith("G") and _NEGATED_BEFORE.search(line[: match.start()]))):
                continue  # « les X ne sont pas … »; a statement about X negated: "not all X are …", "no X is …"
            if not labelled and _REPORTED.search(line[: match.start()]):
                continue  # « ils disent que les X sont … »: reported speech
            if _self_called(clause, line[: match.start()].count(" ") + (match.start() > 0)):
                continue  # « il m'a traité de sale X »: a slur reported by the one it was aimed at
            worst = HateFinding(pattern.kind, pattern.severity, pattern.target)
    return worst
