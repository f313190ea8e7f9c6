"""Readers for the public labelled sets the shipped models are trained on and the benchmark reports on.

Each reader maps one set's own labels to "flag this message" exactly as the data folder's README says, and
returns plain rows; nothing is copied into the project. The folder is passed in (the benchmark and the
training command default to `../shared/data/moderation`), and a missing file simply yields no set.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


DEFAULT_FOLDER = Path("../shared/data/moderation")
JANITR_FLAG = frozenset(
    _split("""scam phishing malware fake_support recovery_scam job_scam romance_scam impersonation account_compromise
    spam reply_spam dm_spam promo affiliate lead_gen engagement_bait follow_train giveaway bot""")
)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    flag: bool


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """One public set: `task` is "abuse" (hate, insults, threats) or "spam"; `language` "fr", "en" or "mixed"."""

    name: str
    task: str
    language: str
    examples: tuple[Example, ...]
    ordinary: bool = False  # ordinary messages of a set of another task, all "no flag" (see `ordinary_chat`)

    @property
    def positives(self) -> int:
        return sum(e.flag for e in self.examples)


def _csv_rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _davidson(folder: Path) -> list[Example]:
    rows = _csv_rows(folder / "en" / "davidson_labeled_data.csv")
    return [Example(html.unescape(r["tweet"]), r["class"] in {"0", "1"}) for r in rows]


def _mlma(folder: Path) -> list[Example]:
    rows = _csv_rows(folder / "fr" / "mlma_fr_dataset.csv")
    return [Example(r["tweet"], r["sentiment"].strip() != "normal") for r in rows]


def _toxifrench(folder: Path) -> list[Example]:
    rows = _csv_rows(folder / "extra" / "toxifrench" / "ToxiFrenchBalanced.csv")
    return [Example(r["content"], r["label"] == "1") for r in rows]


def _jigsaw(folder: Path, column: str) -> list[Example]:
    rows = _csv_rows(folder / "extra" / "toxifrench" / "JigsawBilingualBalanced.csv")
    return [Example(r[column], r["label"] == "1") for r in rows]


def _rtp_lx(folder: Path) -> list[Example]:
    examples = []
    for line in (folder / "extra" / "rtp_lx_fr" / "RTP_LX_FR.json").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            votes = row["AnnotationsRaw"]["Toxicity"]
            examples.append(Example(row["Prompt"], sum(v >= 3 for v in votes) >= 2))
    return examples


def _ethos(folder: Path) -> list[Example]:
    rows = _csv_rows(folder / "extra" / "ethos" / "Ethos_Dataset_Binary.csv", ";")
    return [Example(r["comment"], float(r["isHate"]) >= 0.5) for r in rows]


def _convabuse(folder: Path) -> list[Example]:
    examples = []
    for split in ("train", "valid", "test"):
        for row in _csv_rows(folder / "extra" / "convabuse" / f"ConvAbuseEMNLP{split}.csv"):
            abusive = voters = 0
            for n in range(1, 9):
                votes = {code: row.get(f"Annotator{n}_is_abuse.{code}", "") for code in ("1", "0", "-1", "-2", "-3")}
                if any(v.strip() == "1" for v in votes.values()):
                    voters += 1
                    abusive += any(votes[c].strip() == "1" for c in ("-1", "-2", "-3"))
            if voters and abusive * 2 != voters:  # ties are left out, as the README suggests
                examples.append(Example(row["user"], abusive * 2 > voters))
    return examples


def _sms(folder: Path) -> list[Example]:
    examples, seen = [], set()
    with (folder / "spam" / "SMSSpamCollection.tsv").open(encoding="utf-8", errors="replace") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            text = row["SMS"] or ""
            if text not in seen:  # 403 duplicates: each text once
                seen.add(text)
                examples.append(Example(text, row["Label"] == "spam"))
    return examples


def _janitr(folder: Path) -> list[Example]:
    examples = []
    for line in (folder / "extra" / "janitr" / "sample.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(Example(row.get("text") or "", bool(JANITR_FLAG.intersection(row.get("labels") or ()))))
    return examples


def _tg_spam(folder: Path) -> list[Example]:
    base = folder / "extra" / "tg_spam"
    examples = []
    for name, flag in (("spam-samples.txt", True), ("ham-samples.txt", False)):
        for line in sorted(set((base / name).read_text(encoding="utf-8", errors="replace").splitlines())):
            if line.strip():
                examples.append(Example(line, flag))
    return examples


READERS: dict[str, tuple[str, str, Callable[[Path], list[Example]]]] = {
    "davidson": ("abuse", "en", _davidson),
    "mlma": ("abuse", "fr", _mlma),
    "toxifrench": ("abuse", "fr", _toxifrench),
    "jigsaw-fr": ("abuse", "fr", lambda f: _jigsaw(f, "content")),
    "jigsaw-en": ("abuse", "en", lambda f: _jigsaw(f, "original_text")),
    "rtp-lx-fr": ("abuse", "fr", _rtp_lx),
    "ethos": ("abuse", "en", _ethos),
    "convabuse": ("abuse", "en", _convabuse),
    "sms": ("spam", "en", _sms),
    "janitr": ("spam", "en", _janitr),
    "tg-spam": ("spam", "mixed", _tg_spam),
}


def load_sets(folder: Path = DEFAULT_FOLDER, task: str | None = None) -> list[LabelledSet]:
    """Every set present under `folder` (optionally of one task), in a fixed order."""
    sets = []
    for name, (kind, language, reader) in READERS.items():
        if task is not None and kind != task:
            continue
        try:
            examples = reader(folder)
        except FileNotFoundError:
            continue
        sets.append(LabelledSet(name, kind, language, tuple(examples)))
    return sets


ORDINARY_PER_SET = 1500


def ordinary_chat(folder: Path = DEFAULT_FOLDER, per_set: int | None = None, seed: int = 7) -> list[LabelledSet]:
    """Ordinary messages that are no spam, for the spam model: a seeded sample of each abuse set's rows
    (comments, tweets, forum posts and chat turns in English and French, rude or not: none is a pitch), one
    set per source, so that each can be left out in turn when the spam model's threshold is chosen.

    Without them a spam model learns the register of its spam sets rather than pitches: SMS ham is texting
    ("u", "lol") and tg-spam ham is Russian, so ordinary written English ("your", "for", "-tion") reads as spam,
    and half of the crypto news and talk of a set it never saw is flagged."""
    import random

    sets = []
    for labelled in load_sets(folder, task="abuse"):
        rows = list(labelled.examples)
        random.Random(seed).shuffle(rows)
        examples = tuple(Example(e.text, False) for e in rows[: per_set or ORDINARY_PER_SET])
        sets.append(LabelledSet(f"ordinary {labelled.name}", "spam", labelled.language, examples, ordinary=True))
    return sets


def in_dev_part(text: str) -> bool:
    """Whether a message is in the development half of its spam set (a stable hash of its text: the same half in
    every process and on every machine). Changes to the spam rules and model are studied on the development
    halves only; the benchmark reports each spam set on its other half."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()[0] % 2 == 0


PHISHING_LISTS = ("domain-list.txt", "suspicious-list.txt")


def load_phishing_lists(folder: Path = DEFAULT_FOLDER) -> dict[str, list[str]]:
    """Each phishing list present (file name -> its bare hosts): two sources, curated apart."""
    lists: dict[str, list[str]] = {}
    for name in PHISHING_LISTS:
        path = folder / "phishing" / name
        if path.exists():
            entries = (line.strip().lower() for line in path.read_text(encoding="utf-8", errors="replace").splitlines())
            lists[name] = [e for e in entries if e and not e.startswith("#") and "/" not in e]
    return lists


def load_domains(folder: Path = DEFAULT_FOLDER) -> tuple[list[str], list[str]]:
    """(scam domains from the phishing lists, popular domains from the top-domain lists), bare hosts only."""
    scams = [entry for entries in load_phishing_lists(folder).values() for entry in entries]
    popular: list[str] = []
    for name in ("tranco10k_list.json", "majestic_million_list.json"):
        path = folder / "extra" / "top_domains" / name
        if path.exists():
            popular.extend(d.strip().lower() for d in json.loads(path.read_text(encoding="utf-8"))["list"])
    return sorted(set(scams)), sorted(set(popular) - set(scams))


# The Janitr labels that say a post is a scam (not an advert, a promotion or a giveaway that may be real).
JANITR_SCAM = frozenset(_split("scam phishing malware fake_support recovery_scam job_scam romance_scam"))


def scam_post_domains(folder: Path = DEFAULT_FOLDER) -> dict[str, list[str]]:
    """Registrable domains linked from the scam posts of the spam sets, per source: a second and third kind of
    scam beside the Discord phishing lists (crypto giveaways and fake investment platforms on X and Telegram).

    Only posts of each set's development half (`in_dev_part`) are read, and a domain also linked from a post of
    the other half, or from a post that is no scam, is left out: the spam benchmark reports each set on its
    other half, and the `links` rule (which uses this model) must not have learnt those posts' domains."""
    from handlers.moderation.hosts import registrable
    from handlers.moderation.urls import find_links

    posts: dict[str, list[tuple[str, bool]]] = {"janitr scam posts": [], "tg-spam posts": []}
    janitr = folder / "extra" / "janitr" / "sample.jsonl"
    if janitr.exists():
        for line in janitr.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                scam = bool(JANITR_SCAM.intersection(row.get("labels") or ()))
                posts["janitr scam posts"].append((row.get("text") or "", scam))
    for name, scam in (("spam-samples.txt", True), ("ham-samples.txt", False)):
        path = folder / "extra" / "tg_spam" / name
        if path.exists():
            lines = sorted(set(path.read_text(encoding="utf-8", errors="replace").splitlines()))
            posts["tg-spam posts"].extend((line, scam) for line in lines if line.strip())
    found: dict[str, list[str]] = {}
    for source, rows in posts.items():
        kept: set[str] = set()
        dropped: set[str] = set()
        for text, scam in rows:
            domains = {registrable(link.host) for link in find_links(text)}
            (kept if scam and in_dev_part(text) else dropped).update(domains)
        if kept - dropped:
            found[source] = sorted(kept - dropped)
    return found
