"""The triage before the rules may skip a rule only when that rule could not have hit: every verdict of the
gated engine is the verdict of the engine that runs every rule on every message, each by its full path
(`gated=False, shortcuts=False`).

Checked on the Watcher path (authors, roles, join dates, channels, time, so the context rules and the spam
rule's memory of domains run too), with the shipped models, on rows of every public set (skipped cleanly
without the data), and on generated text full of the tricks the rules look for: leetspeak, accents, glued
and spaced-out words, links, mentions, capitals, emoji, digits.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.moderation import ChannelOverride, ModerationSettings
from handlers.moderation import hate
from handlers.moderation.classifier import SHIPPED, ClassifierRule, TextClassifier, shipped_model_path
from handlers.moderation.engine import Engine, Verdict, build_engine
from handlers.moderation.rules.base import MessageFacts
from handlers.moderation.triage import Triage, spam_cue_words
from handlers.moderation.watch import facts_of
from tests.moderation.public_rows import public_sets_present, sampled_texts
from tests.moderation.work import calls

ROWS_PER_SET = 700
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_MODELS = ClassifierRule([TextClassifier.load(shipped_model_path(name), name) for name in SHIPPED])


def _pair(settings: ModerationSettings | None = None) -> tuple[Engine, Engine]:
    settings = settings or ModerationSettings()
    return (build_engine(settings, classifier=_MODELS),
            build_engine(settings, classifier=_MODELS, gated=False, shortcuts=False))  # fmt: skip


def _same(gated: Verdict, reference: Verdict) -> bool:
    return gated.hits == reference.hits and gated.shadow == reference.shadow


def _events(texts: list[str], seed: int) -> list:
    from benchmarks.moderation_speed import stream

    return stream(texts, START, seed)


@pytest.mark.skipif(not public_sets_present(), reason="public data sets not present")
def test_the_triage_changes_no_verdict_on_the_public_sets() -> None:
    texts = sampled_texts(ROWS_PER_SET)
    gated, reference = _pair()
    differences = []
    flagged = 0
    for event in _events(texts, seed=7):
        mine, theirs = gated.check(facts_of(event)), reference.check(facts_of(event))
        flagged += bool(theirs)
        if not _same(mine, theirs):
            differences.append((event.text[:80], mine, theirs))
    assert not differences, differences[:5]
    assert len(texts) > 5000 and 0.1 * len(texts) < flagged < 0.9 * len(texts)  # both kinds of row were seen


_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "$", "t": "7"})
_ACCENTS = str.maketrans({"e": "é", "a": "à", "i": "ï", "o": "ô", "c": "ç", "u": "ü"})
_LEXICON = sorted(hate.TRIGGERS)[::9] + sorted(spam_cue_words()) + [
    "fuck", "shit", "connard", "salope", "merde", "bitch", "idiot", "nègre", "pédé", "bridé", "attardé", "tuer",
    "kill", "all", "les", "you", "are", "sont", "des", "rats", "sale", "espece", "de", "the", "game", "tonight",
    "bonjour", "merci", "free", "nitro", "dm", "me", "sub", "4", "sub", "check", "my", "channel", "$500",
    "+33 6 12 34 56 78", "100%", "@everyone", "@here", "<@123>", "<!channel>", ":fire:", "🔥🔥🔥", "😂",
    "https://bit.ly/x1", "discord.gg/abc", "www.example.com", "dlscord-nitro.gift", "t.me/offer", "ФУЦК",
    "HELLO", "WHY", "sooooo", "!!!!!!", "&amp;", "&#99;on", "c.o.n.n.a.r.d", "f u c k",
    "доход", "пишите", "в лс", "заработок", "без вложений", "привет", "ticker", "deploy", "@launchbot", "$FROG",
    "like + RT", "?ref=12",
]  # fmt: skip
_WORD = st.sampled_from(_LEXICON) | st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç013457$@!. :/-_'ABC",
                                             min_size=1, max_size=10)  # fmt: skip
_TRICK = st.sampled_from(["plain", "leet", "accents", "glued", "upper", "spaced"])


def _written(words: list[str], trick: str) -> str:
    text = " ".join(words)
    if trick == "leet":
        return text.translate(_LEET)
    if trick == "accents":
        return text.translate(_ACCENTS)
    if trick == "glued":
        return "".join(words)
    if trick == "upper":
        return text.upper()
    if trick == "spaced":
        return " ".join(text)
    return text


_MESSAGE = st.tuples(st.lists(_WORD, max_size=14), _TRICK).map(lambda args: _written(*args)) | st.text(max_size=80)
_GATED, _REFERENCE = _pair()
_OVERRIDDEN = _pair(ModerationSettings.model_validate({
    "exempt": {"roles": ["role-moderator"]},
    "channels": {"channel-1": ChannelOverride(disable=("caps",), shadow=("spam",)).model_dump()},
}))  # fmt: skip
_clock = [START]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MESSAGE, st.integers(0, 5), st.booleans(), st.integers(0, 3))
def test_the_triage_changes_no_verdict_on_generated_text(text, channel, newcomer, mentions):
    _clock[0] += timedelta(seconds=1)
    facts = {
        "member_id": f"member-{channel}",
        "channel_id": f"channel-{channel}",
        "space_id": "space",
        "roles": frozenset({"role-moderator"} if channel == 5 else {"role-member"}),
        "at": _clock[0],
        "joined_at": _clock[0] - (timedelta(minutes=2) if newcomer else timedelta(days=40)),
        "mentioned_user_ids": tuple(f"user-{n}" for n in range(mentions)),
    }
    for gated, reference in ((_GATED, _REFERENCE), _OVERRIDDEN):
        mine, theirs = gated.check(MessageFacts(text, **facts)), reference.check(MessageFacts(text, **facts))
        assert _same(mine, theirs), (text, mine, theirs)


def test_a_clean_message_runs_only_the_rules_that_could_hit_it() -> None:
    """Counted, not timed: a clean message costs the gated engine far fewer calls than running every rule."""
    gated, reference = (build_engine(ModerationSettings()), build_engine(ModerationSettings(), gated=False))
    text = "see you at the meetup on saturday, bring the board games"
    names = [slot.rule.name for slot in gated.slots]
    opened = {names[i] for i in range(len(names)) if gated.triage.mask(MessageFacts(text)) >> i & 1}
    assert {"terms", "profanity", "hate", "spam", "caps", "emoji", "mentions"}.isdisjoint(opened)
    assert {"flood", "crosspost", "newcomer", "links", "repeated"} <= opened
    gated.check(MessageFacts(text))  # warm: the per-mask plan is built once
    assert 3 * calls(lambda: gated.check(MessageFacts(text))) < 2 * calls(lambda: reference.check(MessageFacts(text)))


def test_a_trigger_opens_its_rule() -> None:
    triage = Triage([rule for rule, _ in [(slot.rule, None) for slot in build_engine(ModerationSettings()).slots]])
    names = [slot.rule.name for slot in build_engine(ModerationSettings()).slots]

    def opened(text: str) -> set[str]:
        mask = triage.mask(MessageFacts(text))
        return {names[i] for i in range(len(names)) if mask >> i & 1}

    assert {"terms", "profanity"} <= opened("you are a connard")
    assert "hate" in opened("kill all the jews") and "hate" not in opened("kill them all")  # a group is needed
    assert "spam" in opened("sub for sub") and "spam" in opened("call 0612345678") and "spam" in opened("see x.com")
    assert "mentions" in opened("hi @here") and "emoji" in opened("ok :fire:")
    assert "caps" in opened("WHY WOULD YOU EVER DO THAT") and "caps" not in opened("why would you ever do that")
