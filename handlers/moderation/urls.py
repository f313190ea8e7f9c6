"""The URLs in a message (finding them cheaply, `Link`) and the scam list they are checked against; the rule that
judges them is `rules/links.py`.

The scam list is a plain file, one domain (or shortener URL with a path) per line, read from a configured path;
`cmbot moderation update-lists` refreshes it from a configured URL. Nothing here touches the network.
Judging a domain by its shape (look-alikes, brands in names or on free hosting) is `domains.py`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from handlers.moderation.brands import OFFICIAL
from handlers.moderation.domains import judge_domain
from handlers.moderation.hosts import within

# A link starts at a token boundary (so a long run of letters is scanned once, not once per position).
_LINK = re.compile(r"(?<![\w.\-/@])(https?://)?((?:[\w\-]{1,63}\.){1,8}[a-z\w\-]{2,63})(/[^\s<>()\"'|]{0,500})?",
                   re.I)  # fmt: skip
_TLD = re.compile(r"^(?:[a-z]{2,24}|xn--[a-z0-9\-]{1,59})$")
# Cheap test run on every message: a scheme, "www." or a dot followed by a known top-level domain.
_DOT_WORD = re.compile(r"\.([a-z][a-z0-9\-]{1,62})\b", re.I)
HINT_TLDS = frozenset(
    [
        "com",
        "gg",
        "net",
        "org",
        "ru",
        "su",
        "xyz",
        "ly",
        "io",
        "gift",
        "gifts",
        "link",
        "click",
        "me",
        "co",
        "cc",
        "fr",
        "de",
        "eu",
        "us",
        "uk",
        "club",
        "live",
        "site",
        "online",
        "shop",
        "store",
        "top",
        "info",
        "biz",
        "app",
        "dev",
        "pro",
        "fun",
        "icu",
        "tk",
        "ml",
        "ga",
        "cf",
        "gq",
        "pw",
        "to",
        "gd",
        "at",
        "id",
        "in",
        "ws",
        "one",
        "ai",
        "be",
        "ch",
        "es",
        "it",
        "nl",
        "pl",
        "ca",
        "br",
        "tv",
        "fm",
        "sh",
        "gl",
        "page",
        "win",
        "bid",
        "loan",
        "work",
        "world",
        "space",
        "website",
        "tech",
        "cloud",
        "digital",
        "money",
        "games",
        "game",
        "promo",
        "codes",
    ]
)
INVITE_HOSTS = {"discord.gg", "discord.com", "discordapp.com", "discord.me", "discord.io", "dsc.gg"}
SHORTENERS = {"bit.ly", "tinyurl.com", "goo.gl", "is.gd", "cutt.ly", "ow.ly", "rebrand.ly", "shorturl.at",
              "tiny.cc", "rb.gy", "t.ly", "v.gd", "s.id", "shorte.st", "adf.ly", "bl.ink", "u.to"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Link:
    host: str  # lowercased, "www." removed
    path: str  # "" or starting with "/"
    explicit: bool  # written with a scheme

    @property
    def url(self) -> str:
        return self.host + self.path


def has_link(text: str, tlds: frozenset[str] = HINT_TLDS) -> bool:
    """A cheap test run on every message before looking for links: a scheme, "www." or a dot and a known TLD."""
    if "://" in text or "www." in text:
        return True
    if "." not in text:
        return False
    for match in _DOT_WORD.finditer(text):
        word = match.group(1).lower()
        if word in tlds or word.startswith("xn--"):
            return True
    return False


def find_links(text: str) -> Iterator[Link]:
    if "." not in text:
        return
    for match in _LINK.finditer(text):
        scheme, host, path = match.group(1), match.group(2).lower(), match.group(3) or ""
        if not _TLD.match(host.rsplit(".", 1)[-1]) or host[-1] == "-":
            continue
        host = host.removeprefix("www.")
        yield Link(host, path.rstrip(".,;:!?"), scheme is not None)


def suffixes(host: str) -> Iterator[str]:
    """ "a.b.c.com" -> "a.b.c.com", "b.c.com", "c.com"."""
    parts = host.split(".")
    for index in range(len(parts) - 1):
        yield ".".join(parts[index:])


def imitated_brand(host: str) -> str | None:
    """The brand a host pretends to be ("dlscord-nitro.gift" -> "discord"), unless it is the brand's own."""
    signal = judge_domain(host)
    return signal.brand if signal is not None else None


class ScamList:
    """Known scam domains (matched with their sub-domains) and scam URLs with a path (matched as prefixes)."""

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self.domains: set[str] = set()
        self.urls: set[str] = set()
        for raw in entries:
            entry = raw.strip().lower()
            if not entry or entry.startswith("#"):
                continue
            entry = re.sub(r"^https?://", "", entry).removeprefix("www.")
            if "/" in entry:
                self.urls.add(entry.rstrip("/"))
            else:
                self.domains.add(entry)

    @classmethod
    def read(cls, path: Path | None) -> ScamList:
        if path is None or not path.exists():
            return cls()
        return cls(path.read_text(encoding="utf-8", errors="replace").splitlines())

    def __len__(self) -> int:
        return len(self.domains) + len(self.urls)

    def tlds(self) -> frozenset[str]:
        """Top-level domains of listed entries: a bare "scam.example" must pass `has_link` too."""
        return frozenset(entry.split("/", 1)[0].rsplit(".", 1)[-1] for entry in self.domains | self.urls)

    def lists(self, link: Link) -> bool:
        return self.lists_host(link.host) or self.lists_url(link)

    def lists_host(self, host: str) -> bool:
        return bool(self.domains) and not within(host, OFFICIAL) and within(host, self.domains)

    def lists_url(self, link: Link) -> bool:
        """Entries with a path (shortened scam links) match that URL and below, never the whole host."""
        if not self.urls or not link.path:
            return False
        url = link.url.rstrip("/")
        return any(url == known or url.startswith(known + "/") for known in self.urls if known[0] == url[0])
