"""The scam-domain model's training: the scam posts' domains as a second kind of scam, read from the spam sets'
development halves only, and weighed as a share of the scam side rather than as much as the lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.moderation_domains import MISS_KINDS, kind_of
from handlers.moderation.training.datasets import in_dev_part, scam_post_domains
from handlers.moderation.training.models import MORE_SCAMS_SHARE, train_domain_model


def _post(text: str, *, dev: bool) -> str:
    """The text with a suffix that puts it in the development half (`dev`) or in the reported half."""
    for i in range(1000):
        candidate = f"{text} #{i}"
        if in_dev_part(candidate) == dev:
            return candidate
    raise AssertionError("no suffix found")


def _write(folder: Path, janitr: list[tuple[str, list[str]]], spam: list[str], ham: list[str]) -> None:
    (folder / "extra" / "janitr").mkdir(parents=True)
    (folder / "extra" / "tg_spam").mkdir(parents=True)
    rows = [json.dumps({"text": text, "labels": labels}) for text, labels in janitr]
    (folder / "extra" / "janitr" / "sample.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "extra" / "tg_spam" / "spam-samples.txt").write_text("\n".join(spam) + "\n", encoding="utf-8")
    (folder / "extra" / "tg_spam" / "ham-samples.txt").write_text("\n".join(ham) + "\n", encoding="utf-8")


def test_scam_post_domains_come_from_the_development_half_s_scam_posts_only(tmp_path: Path) -> None:
    _write(
        tmp_path,
        janitr=[
            (_post("claim now https://claim.moonvault.xyz/drop", dev=True), ["scam"]),  # kept, as its registrable
            (_post("free mint at solbears.fun", dev=True), ["phishing"]),
            (_post("also at solbears.fun today", dev=False), ["clean"]),  # linked from the other half: left out
            (_post("see https://newsdaily.org", dev=True), ["promo"]),  # a promotion is no scam
            (_post("double your coins: twice.money", dev=False), ["scam"]),  # the reported half: never read
        ],
        spam=[_post("earn daily https://earnhub.ltd now", dev=True), _post("invest https://other.ltd", dev=False)],
        ham=[],
    )
    assert scam_post_domains(tmp_path) == {"janitr scam posts": ["moonvault.xyz"], "tg-spam posts": ["earnhub.ltd"]}


def test_no_spam_sets_no_scam_post_domains(tmp_path: Path) -> None:
    assert scam_post_domains(tmp_path) == {}


@pytest.mark.parametrize("share", [MORE_SCAMS_SHARE])
def test_the_scam_posts_weigh_their_share_and_popular_or_official_names_are_left_out(share: float) -> None:
    scams = [f"dlscord-gift{i}.com" for i in range(40)]
    popular = [f"news{i}.com" for i in range(40)] + ["bit.ly"]
    more = {"posts": ["moonvault.xyz", "solbears.fun", "news3.com", "discord.com", "bit.ly", "tinyurl.com"]}
    model = train_domain_model(scams, popular, refit=False, more_scams=more)
    assert model.meta["trained_on"] == {"phishing lists": 40, "popular domains": 40, "posts": 2}
    assert 0 < share < 0.5  # a share of the scam side, not as much as the lists
    plain = train_domain_model(scams, popular, refit=False)
    assert "posts" not in plain.meta["trained_on"]
    assert model.score({"tld:fun", "word:sol"}) > plain.score({"tld:fun", "word:sol"})


@pytest.mark.parametrize(
    ("domain", "kind"),
    [
        ("dlsscorrdd.com", "a brand two edits away"),
        ("moonpunks.com", "crypto words"),
        ("rustarena.com", "game words"),
        ("getbonus.com", "bait words"),
        ("xkqzvbnt.com", "random-looking"),
        ("gardenparty.com", "plain words"),
    ],
)
def test_a_missed_name_is_counted_under_the_first_kind_that_fits(domain: str, kind: str) -> None:
    assert kind_of(domain) == kind and kind in MISS_KINDS
