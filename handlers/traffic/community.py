"""What counts as traffic "from the community": visits whose utm_source is one cmbot writes in its links.

cmbot tags every link of a scheduled post with `utm_source` = the platform it is posted on (see
`handlers/calendar/utm.py`), so by default the community's sources are its platforms. An SMM who tags links by
hand with other values lists them in `[communities.traffic] community_sources` instead.
"""

from __future__ import annotations

from config.settings import PLATFORM_KEYS, Community


def community_sources(community: Community) -> tuple[str, ...]:
    configured = community.traffic.community_sources
    if configured:
        return configured
    return tuple(p for p in PLATFORM_KEYS if community.space(p) is not None)
