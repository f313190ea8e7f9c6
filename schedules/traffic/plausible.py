"""Plausible's Stats API (v2, `POST /api/v2/query`): visits per day, utm source, medium and campaign, and the
goal completions of the configured goals as conversions.

Two queries, because a goal filter narrows the visits to those that converted: the first counts every visit,
the second counts the goals' events. Rows come back as `{"dimensions": [...], "metrics": [...]}` in the order
asked; a page holds at most `PAGE` rows and the next page is asked for while a page is full.
"""

from __future__ import annotations

from datetime import date

import aiohttp

from config.traffic import PlausibleSettings
from handlers.traffic.exports import VisitRow, combine
from schedules.traffic.http import PullError, Request, Sleep, send

PAGE = 10_000
DIMENSIONS = ["time:day", "visit:utm_source", "visit:utm_medium", "visit:utm_campaign"]
NONE_VALUES = frozenset({"", "(none)", "(not set)", "direct / none"})

Key = tuple[date, str, str, str]  # day, utm source, medium, campaign: the first four fields of a VisitRow


def _label(value: object) -> str:
    text = str(value or "").strip().lower()
    return "" if text in NONE_VALUES else text


async def _query(session: aiohttp.ClientSession, settings: PlausibleSettings, token: str, metric: str,
                 first: date, last: date, goals: tuple[str, ...], sleep: Sleep) -> dict[Key, int]:
    counts: dict[Key, int] = {}
    offset = 0
    while True:
        body: dict[str, object] = {
            "site_id": settings.site_id, "metrics": [metric], "date_range": [first.isoformat(), last.isoformat()],
            "dimensions": DIMENSIONS, "pagination": {"limit": PAGE, "offset": offset},
        }
        if goals:
            body["filters"] = [["is", "event:goal", list(goals)]]
        request = Request("POST", f"{settings.base_url}/api/v2/query",
                          {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, json_body=body)
        answer = await send(session, request, "Plausible", sleep)
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise PullError("response", "Plausible answered without a 'results' list", service="Plausible",
                            detail=f"{answer!r:.120}")
        for result in results:
            try:
                day_text, source, medium, campaign = result["dimensions"]
                value = int(result["metrics"][0] or 0)
                key = (date.fromisoformat(str(day_text)[:10]), _label(source), _label(medium), _label(campaign))
            except (KeyError, ValueError, TypeError, IndexError):
                raise PullError("response", f"Plausible answered a row we cannot read: {result!r:.120}",
                                service="Plausible", detail=f"{result!r:.120}") from None
            counts[key] = counts.get(key, 0) + value
        if len(results) < PAGE:
            return counts
        offset += PAGE


async def pull_plausible(session: aiohttp.ClientSession, settings: PlausibleSettings, token: str, first: date,
                         last: date, sleep: Sleep) -> list[VisitRow]:
    visits = await _query(session, settings, token, "visits", first, last, (), sleep)
    conversions = (await _query(session, settings, token, "events", first, last, settings.goals, sleep)
                   if settings.goals else {})
    rows = [VisitRow(*key, visits=count, conversions=conversions.get(key, 0) if settings.goals else None)
            for key, count in visits.items()]
    # Conversions on a key without visits (a goal reached on a later day of the same visit) still count.
    rows += [VisitRow(*key, visits=0, conversions=count) for key, count in conversions.items() if key not in visits]
    return combine(rows)
