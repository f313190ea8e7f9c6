"""What the scam-domain model reads of a name: bait words however glued, confusables folded, the kind of TLD,
how random a name looks; bounded work; and a verdict of the model says why, in a moderator's words."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.domain_features import FEATURES_VERSION, TOPICS, describe, domain_features, topic_words
from handlers.moderation.engine import build_engine, shipped_domain_model
from handlers.moderation.model import LinearModel
from handlers.moderation.rules.links import Links
from handlers.moderation.urls import ScamList


def test_bait_words_are_found_glued_or_hyphenated() -> None:
    assert {"bait:claim", "bait:airdrop", "baits:2"} <= domain_features("claimairdrop.com")
    assert {"bait:wallet", "bait:sync"} <= domain_features("wallet-sync.xyz")
    assert "baits:0" in domain_features("wikipedia.org")


def test_brands_and_lures_are_read_however_glued() -> None:
    assert {"brand:inside", "lure:airdrop", "lures:1"} <= domain_features("layerzer0airdrop.com")
    assert {"lure:captcha", "lure:verif", "lures:2"} <= domain_features("captcha-verify.net")
    assert "brand:inside" not in domain_features("wikipedia.org")
    assert "lures:0" in domain_features("wikipedia.org")
    assert describe("lure:captcha") == "lure captcha" and describe("brand:inside") == "a brand inside the name"


def test_confusables_meet_the_same_skeleton_features() -> None:
    plain, disguised = domain_features("steamcommunity.ru"), domain_features("stearncornmunity.ru")
    shared = {f for f in plain & disguised if f.startswith("s:")}
    assert {"s:<ste", "s:comm", "s:mmun", "s:nlty"} <= shared


def test_top_level_domain_and_its_class() -> None:
    assert {"tld:xyz", "tldc:new", "tldc:suspicious"} <= domain_features("anything.xyz")
    assert {"tld:com", "tldc:legacy"} <= domain_features("anything.com")
    assert "tldc:cc" in domain_features("anything.fr") and "tldc:suspicious" not in domain_features("anything.fr")


def test_random_names_look_random() -> None:
    assert "consonants:6" in domain_features("xkqzvbnt.top")
    assert "mixed:3" in domain_features("a1b2c3d4.top")
    assert "mixed:0" in domain_features("wikipedia.org")


@given(st.text(max_size=400))
def test_any_name_gives_bounded_features(name: str) -> None:
    features = domain_features(name)
    assert 0 < len(features) < 600
    assert all(isinstance(describe(feature), str) for feature in features)


def test_the_shipped_model_was_trained_on_these_features() -> None:
    model = shipped_domain_model()
    assert model is not None and model.meta["features_version"] == FEATURES_VERSION


def test_a_model_of_other_features_is_not_used() -> None:
    stale = LinearModel({"tld:xyz": 5.0}, 0.0, 0.5, {"features_version": "domain-features/1"})
    assert Links(ScamList([]), domain_model=stale).domain_model is None


def test_a_domain_model_verdict_says_why() -> None:
    model = LinearModel({"bait:claim": 40.0, "tld:xyz": 30.0, "tldc:suspicious": 20.0}, -2.0, 0.5,
                        {"features_version": FEATURES_VERSION})  # fmt: skip
    links = Links(ScamList([]), lookalikes=False, domain_model=model)
    hit = links._judge_host("quickclaim.xyz")
    assert hit is not None and not isinstance(hit, type(links)) and hasattr(hit, "detail")
    assert hit.detail.startswith("domain model ")
    assert "bait word claim" in hit.detail and "top-level domain .xyz" in hit.detail
    assert hit.detail.endswith(": quickclaim.xyz")


def test_the_engine_names_the_domain_model_and_its_reasons() -> None:
    engine = build_engine(ModerationSettings())
    details = [hit.detail for hit in engine.check_text("log in here https://login-account.online/x").hits]
    assert any(d.startswith("domain model") and d.endswith(": login-account.online") for d in details), details
    # a weaker shape is named before the model: it says more plainly why
    details = [hit.detail for hit in engine.check_text("gift for you https://claimbonus-airdrop.top/x").hits]
    assert "top-level domain scams favour (.top): claimbonus-airdrop.top" in details


def test_the_trades_words_are_found_in_names_without_a_brand() -> None:
    assert topic_words("sol-apes") == {"crypto": {"sol", "apes"}, "game": set()}
    assert topic_words("rustroulettes")["game"] == {"rust", "roulette"}
    assert topic_words("moonpunksclub")["crypto"] == {"moon", "punks"}
    assert {"word:sol", "word:apes", "topic:crypto:2", "topic:game:0"} <= domain_features("sol-apes.xyz")
    assert {"topic:crypto:0", "topic:game:0"} <= domain_features("wikipedia.org")


def test_short_trade_words_count_only_at_a_word_s_edges() -> None:
    assert topic_words("solplanet")["crypto"] == {"sol"}  # the start of a longer word
    assert topic_words("paper")["crypto"] == set()  # "ape" in the middle of a word
    assert topic_words("apes")["crypto"] == {"apes"}
    assert topic_words("grape")["crypto"] == set()  # "ape" at the end, but "gr" is too short to be a word


def test_the_trades_words_read_as_reasons() -> None:
    assert describe("word:apes") == "word apes"
    assert describe("topic:crypto:2") == "crypto words"
    assert describe("topic:game:0") == "no trade's words"


def _naive_topic_words(name: str) -> dict[str, set[str]]:
    """Each word of each trade tried against each word of the name, as the rule is said."""
    tokens = re.findall(r"[a-z0-9]+", name)
    found: dict[str, set[str]] = {}
    for topic, words in TOPICS.items():
        long = re.compile("|".join(sorted((w for w in words if len(w) >= 4), key=lambda w: (-len(w), w))))
        hits = {hit for token in tokens for hit in long.findall(token)}
        for token in tokens:
            for word in (w for w in words if len(w) < 4):
                if token == word or (len(token) >= len(word) + 3 and (token.startswith(word) or token.endswith(word))):
                    hits.add(word)
        found[topic] = hits
    return found


_TRADE_TEXT = st.lists(st.sampled_from([w for words in TOPICS.values() for w in words] + ["x", "ab", "-", ".", "7"]),
                       max_size=8).map("".join)  # fmt: skip


@given(st.one_of(_TRADE_TEXT, st.text(alphabet="abcdeilmnoprstuwxyz0123-.", max_size=40)))
def test_the_trades_words_match_a_naive_reference(name: str) -> None:
    assert topic_words(name) == _naive_topic_words(name)
