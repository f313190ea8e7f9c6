"""Scam domains beyond the list: confusables, brands in names and on free hosting, the domain model; every
verdict names its signal, and the brands' own domains, shorteners and hosting platforms are never judged whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.confusables import inside_within_edits, skeleton, within_edits
from handlers.moderation.domain_features import domain_features
from handlers.moderation.domains import judge_domain
from handlers.moderation.engine import build_engine, shipped_domain_model
from handlers.moderation.suspect_domains import suspect_domain
from handlers.moderation.training.datasets import load_domains

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "moderation"


@pytest.mark.parametrize(
    ("host", "signal", "brand"),
    [
        ("dlscordz-nltro.com", "look-alike", "discord"),
        ("dsicord-gifts.net", "look-alike", "discord"),
        ("steamcornmunlty.ru", "look-alike", "steamcommunity"),
        ("free-nitrogift.xyz", "brand in the name", "nitro"),
        ("rob1ox.com", "look-alike", "roblox"),
        ("opensea-claim.web.app", "brand on free hosting", "opensea"),
        ("dіscord.com", "look-alike", "discord"),  # Cyrillic і
        ("stearncommunnity.ru", "look-alike", "steamcommunity"),  # "rn" and three edits on a long brand
        ("sfeamcomrnunitty-profile.com", "look-alike", "steamcommunity"),
        ("freesteamcomunity-gifts.net", "look-alike", "steamcommunity"),  # a misspelt brand glued to bait
        ("hypesquad-events.com", "brand in the name", "hypesquad"),
        ("mytrustwalet-sync.com", "look-alike", "trustwallet"),
        ("sushiswqp.com", "look-alike", "sushiswap"),  # crypto exchanges, giveaways and e-sports teams
        ("teslagift-double.live", "brand in the name", "tesla"),
        ("elonmusk-double.site", "look-alike", "elonmusk"),
        ("vote-astralis.xyz", "look-alike", "astralis"),
        ("dyno-verify.net", "brand in the name", "dyno"),  # short brands as whole words, beside bait or a number
        ("navi2077.com", "brand in the name", "navi"),
        ("claim-layerzero.org", "brand in the name", "layerzero"),
        ("hypixell-rewards.com", "look-alike", "hypixel"),
    ],
)
def test_shapes_of_scam_domains(host: str, signal: str, brand: str) -> None:
    found = judge_domain(host)
    assert found is not None and (found.signal, found.brand) == (signal, brand)


@pytest.mark.parametrize(
    "host",
    ["discord.com", "discord.gg", "steamcommunity.com", "store.steampowered.com", "opensea.io", "roblox.com",
     "github.io", "myproject.github.io", "bit.ly", "example.org", "steaminventoryhelper.com", "discogs.com",
     "wikipedia.org", "lemonde.fr", "financeweekly-review.com", "mydisorderblog.org", "openstacks-docs.org",
     "blockchain-history.org", "instagrammers-guide.com", "space.com", "tesla.com", "spacex.com", "sushi.com",
     "teslarati.com", "navi.gg", "astralis.gg", "navigator.com", "dynamo-kyiv.com", "hcaptcha.com",
     "layerzero.network", "mee6.xyz"],
)  # fmt: skip
def test_real_domains_have_no_signal(host: str) -> None:
    assert judge_domain(host) is None


def _naive_distance(a: str, b: str) -> int:
    """Plain Levenshtein with adjacent swaps, the full table: the reference for both approximate matches."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            substitution = table[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, substitution)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


@given(st.text(alphabet="abcdeilmnorstuw", max_size=12), st.text(alphabet="abcdeilmnorstuw", max_size=12),
       st.integers(0, 3))
def test_approximate_distance_matches_a_naive_reference(a: str, b: str, limit: int) -> None:
    assert within_edits(a, b, limit) is (_naive_distance(a, b) <= limit)


@given(st.text(alphabet="abcdeilmnorstuw", max_size=12), st.text(alphabet="abcdeilmnorstuw", max_size=16),
       st.integers(0, 3))
def test_approximate_inside_matches_a_naive_reference(pattern: str, text: str, limit: int) -> None:
    best = min(_naive_distance(pattern, text[i:j]) for i in range(len(text) + 1) for j in range(i, len(text) + 1))
    assert inside_within_edits(pattern, text, limit) is (best <= limit)


def test_skeleton_folds_confusables() -> None:
    assert skeleton("dlscord") == skeleton("discord") == skeleton("d1scord")
    assert skeleton("steamcornmunity") == skeleton("steamcommunity")
    assert skeleton("r0blox") == skeleton("roblox")


def test_every_link_verdict_names_its_signal() -> None:
    engine = build_engine(ModerationSettings())
    details = [hit.detail for hit in engine.check_text("claim here https://opensea-claim.web.app/x").hits]
    assert "opensea on free hosting: opensea-claim.web.app" in details
    details = [hit.detail for hit in engine.check_text("https://free-nitrogift.xyz").hits]
    assert "nitro in the name: free-nitrogift.xyz" in details


def test_the_domain_model_ships_and_scores_names() -> None:
    model = shipped_domain_model()
    assert model is not None
    assert model.score(domain_features("discord-nitro-claim.xyz")) > model.score(domain_features("wikipedia.org"))


@pytest.mark.skipif(not (DATA / "extra" / "top_domains").is_dir(), reason="public data sets not present")
def test_no_popular_domain_is_flagged_high() -> None:
    _, popular = load_domains(DATA)
    assert [d for d in popular if judge_domain(d) is not None] == []


_VERDICTS = """
import sys
from config.moderation import ModerationSettings
from handlers.moderation.engine import build_engine
engine = build_engine(ModerationSettings())
for host in sys.argv[1:]:
    print([hit.detail for hit in engine.check_text("look https://" + host + "/x").hits])
"""


def test_the_domain_verdicts_and_their_reasons_are_the_same_in_every_process() -> None:
    """Features are sets of strings, whose order changes with each process's string hashing: the score's sum and
    the reasons of equal weight must not depend on it."""
    import os
    import subprocess
    import sys

    hosts = ["claimbonus-airdrop.top", "freeskins-drop.xyz", "wallet-sync-node.live", "qx7-rewards.site",
             "teslamotors.com", "cash.app", "steam-trade-offer.ru", "nft-mint-free.click"]  # fmt: skip
    root = Path(__file__).resolve().parents[2]
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        run = subprocess.run([sys.executable, "-c", _VERDICTS, *hosts], capture_output=True, text=True, env=env,
                             cwd=root, check=True, timeout=120)  # fmt: skip
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert "domain model" in next(iter(outputs))  # the model's reasons are among what is compared


@pytest.mark.parametrize(
    ("host", "signal", "what"),
    [
        ("tesla-online.net", "brand inside the name", "tesla"),  # invented shapes of the kinds of the source split
        ("openseaevent.com", "brand inside the name", "opensea"),
        ("promo-winner.top", "top-level domain scams favour", "top"),
        ("get3x-airdrop.com", "lure in the name", "airdrop"),
        ("cryptobonuses.org", "lure in the name", "crypto"),
        ("p2024118765.site", "long run of digits", ""),
        ("starter-pack.xyz", "top-level domain scams favour", "xyz"),
        ("vbuckshop.com", "lure in the name", "vbucks"),  # a lure that names nothing but a bait, alone
        ("csgoluck.net", "lure in the name", "csgo"),
        ("tslaevent.com", "lure in the name", "tsla"),
        ("getbtcnow.org", "lure in the name", "btc"),
        ("dyno.ws", "brand on another top-level domain", "dyno"),  # the brand's name, not the brand's domain
        ("navi-arena.com", "brand inside the name", "navi"),
        ("captchagate.com", "lure in the name", "captcha"),  # verification-bot pages
        ("free-premium.net", "lure in the name", "free"),
    ],
)
def test_weaker_shapes_name_their_signal(host: str, signal: str, what: str) -> None:
    found = suspect_domain(host)
    assert found is not None and (found.signal, found.brand) == (signal, what)
    assert found.describe(host).endswith(": " + host)


@pytest.mark.parametrize("host", ["tesla.com", "opensea.io", "wikipedia.org", "lemonde.fr", "myproject.github.io",
                                  "bit.ly", "github.io", "example.org", "freebsd.org", "coindesk.com",
                                  # words that hold a lone lure's letters, and lures that need company
                                  "debtconsolidation.com", "nftables.org", "muskoka.com", "skinstore.com",
                                  "coinbasics.net", "cashback.com", "recaptcha.net", "hcaptcha.com",
                                  "betawi.com", "navigation.org"])  # fmt: skip
def test_weaker_shapes_spare_ordinary_and_official_domains(host: str) -> None:
    assert suspect_domain(host) is None


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-.", min_size=1, max_size=200))
def test_weaker_shapes_never_judge_official_hosting_or_shortener_hosts(label: str) -> None:
    for suffix in ("discord.com", "github.io", "web.app"):
        assert suspect_domain(f"{label.strip('.')}.{suffix}".lstrip(".")) is None


def test_a_weaker_shape_is_a_medium_flag_naming_its_signal() -> None:
    engine = build_engine(ModerationSettings())
    hits = [hit for hit in engine.check_text("look https://openseaevent.com/x").hits if hit.rule == "links"]
    expected = [("MEDIUM", "opensea inside the name: openseaevent.com")]
    assert [(hit.severity.name, hit.detail) for hit in hits] == expected


@pytest.mark.skipif(not (DATA / "extra" / "top_domains").is_dir(), reason="public data sets not present")
def test_few_popular_domains_have_a_weaker_shape() -> None:
    _, popular = load_domains(DATA)
    weak = [d for d in popular if judge_domain(d) is None and suspect_domain(d) is not None]
    assert len(weak) <= 0.01 * len(popular)


@pytest.mark.parametrize(
    ("host", "level", "detail"),
    [
        ("discord-nitro.duckdns.org", "high", "discord on dynamic DNS: discord-nitro.duckdns.org"),
        ("steamcommunity-trade.trycloudflare.com", "high",
         "steamcommunity on dynamic DNS: steamcommunity-trade.trycloudflare.com"),
        ("myhome.duckdns.org", "medium", "dynamic DNS (duckdns.org): myhome.duckdns.org"),
        ("files.home.ddns.net", "medium", "dynamic DNS (ddns.net): files.home.ddns.net"),
        ("claim-2x.web.app", "medium", "lure on free hosting (claim): claim-2x.web.app"),
        ("freeairdrop.vercel.app", "medium", "lure on free hosting (free): freeairdrop.vercel.app"),
    ],
)  # fmt: skip
def test_dynamic_dns_and_lures_on_free_hosting(host: str, level: str, detail: str) -> None:
    strong, weak = judge_domain(host), suspect_domain(host)
    found = strong if level == "high" else weak
    assert found is not None and found.describe(host) == detail
    assert level == "high" or strong is None


@pytest.mark.parametrize("host", ["duckdns.org", "ddns.net", "myproject.github.io", "docs.vercel.app", "web.app"])
def test_the_platforms_themselves_and_plain_sub_domains_of_hosting_pass(host: str) -> None:
    assert judge_domain(host) is None and suspect_domain(host) is None


def test_a_link_to_a_dynamic_dns_host_is_a_medium_flag_naming_it() -> None:
    engine = build_engine(ModerationSettings())
    hits = [hit for hit in engine.check_text("my server: http://abc.ddns.net:8080/x").hits if hit.rule == "links"]
    assert [(hit.severity.name, hit.detail) for hit in hits] == [("MEDIUM", "dynamic DNS (ddns.net): abc.ddns.net")]
