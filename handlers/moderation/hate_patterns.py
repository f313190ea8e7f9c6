"""The hate patterns: short regular expressions over a clause's line of word classes (`hate_words.py`).

Each pattern says one kind of hate (threat, dehumanisation, exclusion, derogation) with bounded gaps, so a
search is linear in the clause. A pattern records the classes and tokens a match needs (`needs`,
`required`, read from the pattern itself by `anchors.py`), so a clause lacking them is never searched, and
whom it is aimed at: a group, or (a threat with no group word, « je vais te buter ») a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.moderation.anchors import Anchored, required_tokens
from handlers.moderation.severity import Severity

_GAP = r"(?:\w+ ){0,3}"
# A killing verb after "should"/"must" is a death wish whatever stands between the group and it: "X like him
# should get hanged", « les X comme lui devraient crever ».
_WIDE_GAP = r"(?:\w+ ){0,6}"
_NOT_THE_GROUP = "how|when|the way|seeing|to see|quand|comment"  # "I hate how X are treated" (but "I hate that X")
_SHORT = r"(?:\w+ ){0,1}"
# What a group is denied: "X shouldn't be allowed to vote", « les X ne devraient pas avoir le droit de … ».
_RIGHTS = ("(?:be allowed|allowed|be permitted|permitted|have rights|have any rights|have the right|avoir le droit"
           "|avoir de droits|avoir des droits|etre autorises|etre autorisees|exist|exister|breed|reproduce"
           "|se reproduire|marry|se marier|adopt|adopter|vote|voter)")
# Who may threaten or wish harm in French: a speaker, "one must", "he deserves" (« je », « on », « faut »…).
# Not after « tu »: « tu vas t'éclater ce soir », « tu veux te défoncer » speak of the one addressed doing it.
_SPEAKERS = ("(?<!tu )(?:je|j|on|nous|faut|faudrait|faudra|vais|va|allons|veux|voudrais|merite|meriterait|meritent"
             "|doit|devrait|devraient|doivent)")


# Whom a finding is aimed at. Hate against a group (origin, religion, gender, sexuality, disability: a group word,
# a homeland, people pointed at as a kind) is reported at high severity; a threat or a dehumanising insult aimed
# at one person keeps its own (a threat stays high, « t'es qu'un déchet » medium), and its detail says so.
GROUP, PERSON = "group", "person"
AT_SOMEONE = {"threat": "threat to someone", "dehumanising": "dehumanising someone", "insult": "insult to someone"}


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
        rf"\bG {_WIDE_GAP}(?:should|must|need to|deserve to|doivent|devraient|meritent de|faut) {_SHORT}(?:be |get |got |etre )?(?:K|die|mourir|crever|disparaitre|burn|rot|suffer|perish|starve|pourrir|souffrir|put down|commit suicide|se suicider)\b",  # noqa: E501
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
    # "go back to Africa", "send them back to the jungle", « retourne en Afrique » (not « je retourne en Inde »)
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"\b(?:go|get|goes|send them|send em|ship them|fuck off|piss off|sent) back to (?:the )?X\b",
    ),
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"(?<!je )(?<!j )(?<!on )(?<!nous )\b(?:retourne|retournez|rentre|rentrez) (?:en|au|dans|a) (?:la |le |l )?X\b",
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
    _p(
        DEROGATION,
        Severity.MEDIUM,
        rf"\bG {_GAP}(?:are|is|was|were|sont|est|etait|etaient|r|c est|ce sont|all|tous|toutes) {_GAP}B\b",
    ),
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
        r"\bG (?:is|est) (?:a |an |une |un )?(?:\w+ )?(?:religion|cult|ideology|secte|ideologie|book|livre) (?:of|de|d) (?:H|hatred|violence|terror|death|war|pedophiles|haine|mort|guerre|terreur|pedophiles|pedos)\b",  # noqa: E501
    ),
    # Breeding like vermin: "X multiply like rats", « les X se reproduisent comme des lapins ».
    _p(
        DEHUMANISING,
        Severity.HIGH,
        rf"\bG {_GAP}(?:multiply|multiplying|breed|breeding|reproduce|reproduisent|multiplient|pullulent) (?:like|comme des|comme) (?:D|rabbits|ants|flies|lapins|fourmis|mouches)\b",  # noqa: E501
    ),    # "The only good X is a dead X", « le seul bon X est un X mort »: a death wish as a saying.
    _p(THREAT, Severity.HIGH, r"\bonly good G (?:is|are) (?:a |the )?dead\b", negatable=False),
    _p(
        THREAT,
        Severity.HIGH,
        r"\b(?:bon|bonne|bons|bonnes) G (?:est|sont|c est) (?:un |une |des )?(?:G )?(?:mort|morte|morts|mortes)\b",
        negatable=False,
    ),
    # Death wished on a group: "I hope all X die", "pray the X burn", « j'espère que tous les X crèvent ».
    _p(
        THREAT,
        Severity.HIGH,
        r"\b(?:wish|hope|pray) (?:that )?(?:(?:all|every|the|these|those|some) )?(?:\w+ )?G (?:\w+ ){0,2}(?:K|die|dies|burn|rot|perish|suffer|disappear|vanish|drown|starve)\b",  # noqa: E501
    ),
    _p(
        THREAT,
        Severity.HIGH,
        r"\b(?:j espere|jespere|je souhaite|pourvu|vivement) (?:que|qu) (?:(?:tous|toutes|les|ces|des) ){0,2}G (?:\w+ ){0,2}(?:V|crevent|meurent|disparaissent|brulent|pourrissent|souffrent)\b",  # noqa: E501
    ),
    # A group sent to hell: "X can go to hell", « les X peuvent aller en enfer ».
    _p(
        DEROGATION,
        Severity.MEDIUM,
        rf"\bG {_WIDE_GAP}(?:can|should|must|will|deserve to|need to|doivent|devraient|peuvent|vont) (?:all |tous |toutes )?(?:go to|burn in|rot in|aller en|bruler en|pourrir en) (?:hell|enfer)\b",  # noqa: E501
    ),
    # Rights denied to a group: "X should not be allowed to vote", "X shouldn't exist", « les X ne devraient pas
    # avoir le droit de … ».
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        rf"\bG {_SHORT}(?:should|must|shall|devraient|doivent|ought) (?:to )?(?:N ){{1,2}}(?:\w+ )?{_RIGHTS}\b",
        negatable=False,
    ),
    _p(EXCLUSION, Severity.MEDIUM, rf"\bG {_SHORT}(?:shouldn|mustn) t (?:\w+ )?{_RIGHTS}\b", negatable=False),
    # "X have no place in …", « les X n'ont rien à faire ici »
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"\bG (?:\w+ ){0,2}(?:have|has|ont) N (?:place|a faire) (?:in|here|ici|en|chez|dans|among|parmi)\b",
        negatable=False,
    ),
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"\bG (?:\w+ ){0,2}(?:ont|a) rien a faire (?:ici|en|chez|dans|parmi)\b",
        negatable=False,
    ),
    # Sent back where they came from: "X should go back", « les X doivent retourner chez eux ».
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        rf"\bG {_GAP}(?:should|must|need to|needs to|have to|can|doivent|devraient|peuvent) (?:all |tous |toutes )?(?:go back|go home|get out|degager|foutre le camp|retourner chez eux|retourner chez elles|rentrer chez eux|rentrer chez elles|retourner dans leur|rentrer dans leur|retourner d ou|rentrer d ou)\b",  # noqa: E501
    ),
    # Letting a group in called a fault: "stop letting X in", « arrêtez de faire venir des X ».
    _p(EXCLUSION, Severity.MEDIUM, r"\bstop (?:letting|importing) (?:\w+ ){0,2}G\b"),
    _p(
        EXCLUSION,
        Severity.MEDIUM,
        r"\b(?:arretez|arretons|arreter) (?:d importer|de faire venir|d accueillir) (?:\w+ ){0,2}G\b",
    ),
    # A group said to stink or to lack wits: "X stink", « les X puent », "X have low IQs".
    _p(
        DEROGATION,
        Severity.MEDIUM,
        r"\bG (?:all |tous |toutes |really |vraiment )?(?:stink|stinks|smell|smells|reek|reeks|puent|schlinguent)\b",
    ),
    _p(
        DEROGATION,
        Severity.MEDIUM,
        rf"\bG {_GAP}(?:have|has|ont|with) (?:\w+ )?(?:low|lower|N|small|tiny|faible|petit|petits|aucun|zero) (?:iq|iqs|brains|brain|cerveau|cerveaux|qi|intelligence|neurones)\b",  # noqa: E501
        negatable=False,
    ),
    # A group called abnormal: "X are not normal", « les X ne sont pas naturels ».
    _p(
        DEROGATION,
        Severity.MEDIUM,
        rf"\bG {_SHORT}(?:N ){{1,2}}(?:\w+ )?(?:normal|natural|normaux|normales|naturel|naturels|naturelles)\b",
        negatable=False,
    ),
    # Fed up with a group: "I can't stand X", "sick of X", "fed up with X", « j'en ai marre des X ».
    _p(DEROGATION, Severity.MEDIUM, r"\b(?:N|can t) stand (?:(?:all|the|these|those) )?G\b", negatable=False),
    _p(
        DEROGATION,
        Severity.MEDIUM,
        r"\b(?:B of|B and tired of) (?:(?:all|the|these|those) )?G\b",
    ),
    _p(
        DEROGATION,
        Severity.MEDIUM,
        r"\b(?:tired of|fed up with|marre des|marre de ces|marre de tous ces|ras le bol des) (?:(?:all|the|these|those) )?G\b",  # noqa: E501
    ),
    # A group told to be silent or to know its place: "X should shut up", « les X devraient se taire ».
    _p(
        DEROGATION,
        Severity.MEDIUM,
        rf"\bG {_GAP}(?:should|must|need to|needs to|have to|doivent|devraient) (?:just |all |tous |toutes )?(?:shut up|stay home|stay in the kitchen|know their place|be seen and not heard|se taire|fermer leur gueule|rester a la maison|rester a leur place)\b",  # noqa: E501
    ),
    # A group as the problem: "X are the problem", « les X sont le problème ».
    _p(
        DEROGATION,
        Severity.MEDIUM,
        rf"\bG {_SHORT}(?:are|is|sont|est) (?:the|a|our|le|un|notre) (?:real |main |biggest |vrai |seul )?(?:problem|problems|probleme|problemes)\b",  # noqa: E501
    ),
)
ANCHORED = Anchored(PATTERNS, lambda p: (*p.required, *(frozenset({s}) for s in p.needs)))
