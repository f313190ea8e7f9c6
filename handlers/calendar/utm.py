"""Campaign parameters on the links of a scheduled post, so web analytics credits each platform and campaign.

Each http(s) link gets `utm_source` (the platform), `utm_medium` (configured, "community" by default) and
`utm_campaign` (the post's campaign). Parameters already in the link are kept as written: the SMM may have
tagged a link by hand. Links are found in plain URLs, Discord markdown `[label](url)` and Slack `<url|label>`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from config.calendar import UtmSettings

LINK = re.compile(r"https?://[^\s<>()\[\]|\"']+")
TRAILING = ".,;:!?"


def _wanted(host: str, domains: tuple[str, ...]) -> bool:
    if not domains:
        return True
    host = host.lower()
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)


def tag_link(url: str, source: str, medium: str, campaign: str, domains: tuple[str, ...] = ()) -> str:
    parts = urlsplit(url)
    if not _wanted(parts.hostname or "", domains):
        return url
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    added = [(k, v) for k, v in (("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign))
             if k not in present and v]
    if not added:
        return url
    new_query = parts.query + ("&" if parts.query else "") + urlencode(added)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, new_query, parts.fragment))


def tag_links(text: str, platform: str, campaign: str | None, settings: UtmSettings) -> str:
    """`text` with every link tagged for `platform`; unchanged when tagging is switched off."""
    if not settings.enabled:
        return text
    chosen_campaign = campaign or settings.default_campaign

    def replace(match: re.Match[str]) -> str:
        url = match.group(0)
        tail = ""
        while url and url[-1] in TRAILING:
            url, tail = url[:-1], url[-1] + tail
        return tag_link(url, platform, settings.medium, chosen_campaign, settings.domains) + tail

    return LINK.sub(replace, text)
