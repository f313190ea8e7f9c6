"""Properties of the scam-domain shapes that hold for any input: confusable folding settles in one call, any
confusable spelling of a brand is its look-alike, a brand's own domains and their sub-domains are never judged,
and no popular domain linked in a message, however it is written, is flagged high by the links rule."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.moderation import ModerationSettings
from handlers.moderation.brands import BRANDS, OFFICIAL
from handlers.moderation.confusables import skeleton
from handlers.moderation.domains import judge_domain
from handlers.moderation.engine import Engine, build_engine
from handlers.moderation.hosts import registrable
from handlers.moderation.rules.base import Severity
from handlers.moderation.suspect_domains import suspect_domain
from handlers.moderation.training.datasets import load_domains
from handlers.moderation.training.models import never_negative

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "moderation"
LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9\-]{0,18}[a-z0-9])?", fullmatch=True)
# How a letter of a brand is disguised: digits, look-alike letters and Cyrillic letters that fold to it.
DISGUISES = {"o": ("0", "о"), "i": ("1", "l", "і", "!"), "l": ("1", "i", "|"), "e": ("3", "е"), "a": ("4", "а", "@"),
             "s": ("5", "$"), "m": ("rn",), "w": ("vv",), "d": ("cl",), "c": ("с",), "p": ("р",)}  # fmt: skip


@given(st.text(max_size=60))
def test_confusable_folding_is_idempotent(text: str) -> None:
    once = skeleton(text)
    assert skeleton(once) == once


@given(st.text(alphabet="rnvwcldi10o!|3e4a5s7t8b9g@$_-", max_size=40))
def test_folding_confusable_sequences_is_idempotent(text: str) -> None:
    """The letters whose folding makes new sequences ("c1" -> "cl" -> "d") are tried more often than text gives."""
    once = skeleton(text)
    assert skeleton(once) == once


@given(st.sampled_from(sorted(b for b in BRANDS if len(b) >= 5 and b.isalpha())), st.data())
def test_any_confusable_spelling_of_a_brand_is_its_look_alike(brand: str, data: st.DataObject) -> None:
    letters = [
        data.draw(st.sampled_from((c, *DISGUISES[c]))) if c in DISGUISES else c for c in brand
    ]
    spelt = "".join(letters)
    if spelt == brand:
        spelt = brand.replace(next(c for c in brand if c in DISGUISES), DISGUISES[next(c for c in brand
                                                                                       if c in DISGUISES)][0], 1)
    found = judge_domain(f"{spelt}.com")
    assert found is not None and found.signal == "look-alike", (spelt, found)
    assert skeleton(spelt) == skeleton(brand)


@given(st.sampled_from(sorted(OFFICIAL)), st.lists(LABEL, max_size=3))
def test_a_brand_s_own_domains_and_their_sub_domains_are_never_judged(domain: str, subs: list[str]) -> None:
    host = ".".join([*subs, domain])
    assert judge_domain(host) is None and suspect_domain(host) is None


@given(st.lists(LABEL, min_size=2, max_size=5))
def test_the_registrable_domain_is_a_suffix_of_the_host_and_its_own(labels: list[str]) -> None:
    host = ".".join(labels)
    name = registrable(host)
    assert host.endswith(name) and registrable(name) == name


@cache
def _popular() -> list[str]:
    _, popular = load_domains(DATA)
    return [d for d in popular if not never_negative(d)]


@cache
def _engine() -> Engine:
    return build_engine(ModerationSettings())


@pytest.mark.skipif(not (DATA / "extra" / "top_domains").is_dir(), reason="public data sets not present")
@given(st.data(), st.sampled_from(["", "https://", "http://", "HTTPS://"]), st.booleans(), st.booleans(),
       st.from_regex(r"(?:/[A-Za-z0-9_\-]{0,12}){0,3}", fullmatch=True))  # fmt: skip
def test_a_popular_domain_linked_in_a_message_is_never_flagged_high(
    data: st.DataObject, scheme: str, www: bool, upper: bool, path: str
) -> None:
    domain = data.draw(st.sampled_from(_popular()))
    host = ("www." if www else "") + (domain.upper() if upper else domain)
    verdict = _engine().check_text(f"have a look at {scheme}{host}{path} when you can")
    high = [hit for hit in verdict.hits if hit.rule == "links" and hit.severity >= Severity.HIGH]
    assert high == [], (domain, high)
