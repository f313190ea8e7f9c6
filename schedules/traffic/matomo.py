"""Matomo's Reporting API: visits and goal conversions per day and campaign for each of the community's utm
sources, and the site's totals for context.

For each community source, `MarketingCampaignsReporting.getName` (the Marketing Campaigns Reporting plugin,
bundled with Matomo Cloud) restricted by the segment `campaignSource==<source>` gives one row per campaign
name and day; `VisitsSummary.get` and `Goals.get` give the site's visits and conversions per day, and what is
not the community's is kept as one "(other)" source. A multi-day query answers `{"YYYY-MM-DD": rows}`.
Matomo reports a refused token as `{"result": "error", "message": ...}` with status 200; the token_auth
travels in the POST body, never in the URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import aiohttp

from config.traffic import MatomoSettings
from handlers.traffic.exports import VisitRow, combine
from schedules.traffic.http import PullError, Request, Sleep, send

OTHER = "(other)"
AUTH_WORDS = ("token", "access", "authenticat", "login")


async def _call(session: aiohttp.ClientSession, settings: MatomoSettings, token: str, method: str, first: date,
                last: date, sleep: Sleep, segment: str | None = None) -> dict[str, Any]:
    form = {"module": "API", "method": method, "idSite": str(settings.site_id), "period": "day",
            "date": f"{first.isoformat()},{last.isoformat()}", "format": "JSON", "filter_limit": "-1",
            "token_auth": token}
    if segment:
        form["segment"] = segment
    request = Request("POST", f"{settings.base_url}/index.php", {"Accept": "application/json"}, form=form)
    answer = await send(session, request, "Matomo", sleep)
    if isinstance(answer, dict) and answer.get("result") == "error":
        message = str(answer.get("message", ""))[:200]
        kind = "auth" if any(word in message.lower() for word in AUTH_WORDS) else "request"
        raise PullError(kind, f"Matomo refused {method}: {message}", service="Matomo", detail=f"{method}: {message}")
    if not isinstance(answer, dict):
        raise PullError("response", f"Matomo answered {method} without one entry per day", service="Matomo",
                        detail=f"{method}: {answer!r:.80}")
    return answer


def _int(value: object) -> int:
    try:
        return int(float(str(value or 0)))
    except ValueError:
        raise PullError("response", f"Matomo answered a count we cannot read: {value!r:.40}", service="Matomo",
                        detail=f"{value!r:.40}") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PullError("response", f"Matomo answered a day we cannot read: {text!r:.40}", service="Matomo",
                        detail=f"{text!r:.40}") from None


async def pull_matomo(session: aiohttp.ClientSession, settings: MatomoSettings, token: str, first: date,
                      last: date, sources: Sequence[str], sleep: Sleep) -> list[VisitRow]:
    rows: list[VisitRow] = []
    for source in sources:
        answer = await _call(session, settings, token, "MarketingCampaignsReporting.getName", first, last, sleep,
                             segment=f"campaignSource=={source}")
        for day_text, campaigns in answer.items():
            for campaign in campaigns or []:
                label = str(campaign.get("label", "")).strip().lower()
                rows.append(VisitRow(_day(day_text), source, "", "" if label in ("-", "(not set)") else label,
                                     _int(campaign.get("nb_visits")), _int(campaign.get("nb_conversions"))))
    visits = await _call(session, settings, token, "VisitsSummary.get", first, last, sleep)
    goals = await _call(session, settings, token, "Goals.get", first, last, sleep)
    ours: dict[date, tuple[int, int]] = {}
    for row in rows:
        v, c = ours.get(row.day, (0, 0))
        ours[row.day] = (v + row.visits, c + (row.conversions or 0))
    for day_text, summary in visits.items():
        day = _day(day_text)
        total_visits = _int(summary.get("nb_visits")) if isinstance(summary, dict) else 0
        goal_summary = goals.get(day_text)
        total_conversions = _int(goal_summary.get("nb_conversions")) if isinstance(goal_summary, dict) else 0
        mine_visits, mine_conversions = ours.get(day, (0, 0))
        other_visits = max(0, total_visits - mine_visits)
        other_conversions = max(0, total_conversions - mine_conversions)
        if other_visits or other_conversions:
            rows.append(VisitRow(day, OTHER, "", "", other_visits, other_conversions))
    return combine(rows)
