"""Local fakes of Plausible's Stats API v2 and Matomo's Reporting API, on 127.0.0.1 with an ephemeral port.

Built from the tools' documented answers: Plausible's `POST /api/v2/query` returns `{"results": [{"dimensions":
[...], "metrics": [...]}], "meta": {}, "query": {...}}`, refuses a bad key with 401 `{"error": ...}` and a
flood with 429; Matomo's `index.php?module=API` answers `{"YYYY-MM-DD": ...}` for a range of days and reports a
refused token_auth as `{"result": "error", "message": ...}` with status 200.

    fake = AnalyticsFake(rows=[Hit(date(2026, 11, 2), "discord", "community", "lancement", 12, 1, "Signup")])
    await fake.start()                   # fake.base_url; ... await fake.stop()
    fake.fail_next(429, retry_after=2)   # the next request answers 429 (then 500s, 502s … as queued)
    fake.requests                        # every request: (path, headers, body)
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aiohttp import web

PLAUSIBLE_KEY = "plausible-fake-key"
MATOMO_TOKEN = "matomo-fake-token"
MATOMO_SITE = 1
BAD_TOKEN_MESSAGE = ("You can't access this resource as it requires 'view' access for the website id = 1.")


@dataclass(frozen=True)
class Hit:
    """Visits of one day and utm (source, medium, campaign); `conversions` of them reached `goal`."""

    day: date
    source: str
    medium: str
    campaign: str
    visits: int
    conversions: int = 0
    goal: str = "Signup"


@dataclass
class AnalyticsFake:
    rows: list[Hit] = field(default_factory=list)
    site_id: str = "example.org"
    requests: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)
    _failures: deque[tuple[int, float | None]] = field(default_factory=deque)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> AnalyticsFake:
        app = web.Application()
        app.router.add_post("/api/v2/query", self._plausible)
        app.router.add_route("*", "/index.php", self._matomo)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail_next(self, status: int, retry_after: float | None = None, times: int = 1) -> None:
        for _ in range(times):
            self._failures.append((status, retry_after))

    def _failure(self) -> web.Response | None:
        if not self._failures:
            return None
        status, retry_after = self._failures.popleft()
        headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else {}
        if status == 429:
            return web.json_response({"error": "Too many API requests"}, status=429, headers=headers)
        return web.Response(status=status, text="<html><body>Bad Gateway</body></html>", content_type="text/html")

    # -- Plausible ---------------------------------------------------------------------------------------
    async def _plausible(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append((request.path, dict(request.headers), body))
        failure = self._failure()
        if failure is not None:
            return failure
        if request.headers.get("Authorization") != f"Bearer {PLAUSIBLE_KEY}":
            return web.json_response({"error": "Invalid API key or site ID. Please make sure you're using a valid "
                                      "API key with access to the site you've requested."}, status=401)
        if body.get("site_id") != self.site_id:
            return web.json_response({"error": "Site does not exist or user does not have access to it."},
                                     status=401)
        first, last = (date.fromisoformat(d) for d in body["date_range"])
        metric = body["metrics"][0]
        goals: list[str] | None = None
        for operator, dimension, values in body.get("filters", []):
            if operator != "is" or dimension != "event:goal":
                return web.json_response({"error": f"Unsupported filter {dimension}"}, status=400)
            goals = values
        if metric not in ("visits", "events"):
            return web.json_response({"error": f"Unknown metric '{metric}'"}, status=400)
        grouped: dict[tuple[str, str, str, str], int] = {}
        for hit in self.rows:
            if not first <= hit.day <= last:
                continue
            if goals is not None and hit.goal not in goals:
                continue
            key = (hit.day.isoformat(), hit.source or "(none)", hit.medium or "(none)", hit.campaign or "(none)")
            value = hit.conversions if goals is not None else hit.visits
            if metric == "events" and goals is None:
                value = hit.visits  # pageview events: one per visit in this fake
            if goals is not None and not value:
                continue
            grouped[key] = grouped.get(key, 0) + value
        ordered = sorted(grouped.items())
        page = body.get("pagination", {})
        limit, offset = int(page.get("limit", 10_000)), int(page.get("offset", 0))
        results = [{"dimensions": list(key), "metrics": [value]} for key, value in ordered[offset:offset + limit]]
        return web.json_response({"results": results, "meta": {}, "query": body})

    # -- Matomo ------------------------------------------------------------------------------------------
    async def _matomo(self, request: web.Request) -> web.Response:
        form = dict(await request.post()) if request.method == "POST" else {}
        params = {**request.query, **form}
        self.requests.append((request.path_qs, dict(request.headers), params))
        failure = self._failure()
        if failure is not None:
            return failure
        if params.get("token_auth") != MATOMO_TOKEN or str(params.get("idSite")) != str(MATOMO_SITE):
            return web.json_response({"result": "error", "message": BAD_TOKEN_MESSAGE})
        first, last = (date.fromisoformat(d) for d in str(params["date"]).split(","))
        days = [d for d in _days(first, last)]
        method = params.get("method")
        hits = [h for h in self.rows if first <= h.day <= last]
        if method == "MarketingCampaignsReporting.getName":
            segment = str(params.get("segment", ""))
            source = segment.removeprefix("campaignSource==") if segment.startswith("campaignSource==") else None
            answer: dict[str, Any] = {}
            for day in days:
                by_name: dict[str, list[int]] = {}
                for hit in hits:
                    if hit.day != day or not hit.campaign or (source is not None and hit.source != source):
                        continue
                    entry = by_name.setdefault(hit.campaign, [0, 0])
                    entry[0] += hit.visits
                    entry[1] += hit.conversions
                answer[day.isoformat()] = [
                    {"label": name, "nb_uniq_visitors": v, "nb_visits": v, "nb_actions": v * 2,
                     "nb_conversions": c, "revenue": 0, "idsubdatatable": i + 1}
                    for i, (name, (v, c)) in enumerate(sorted(by_name.items(), key=lambda x: -x[1][0]))
                ]
            return web.json_response(answer)
        if method == "VisitsSummary.get":
            answer = {}
            for day in days:
                visits = sum(h.visits for h in hits if h.day == day)
                answer[day.isoformat()] = ({"nb_uniq_visitors": visits, "nb_visits": visits, "nb_actions": visits * 2,
                                            "bounce_count": 0, "sum_visit_length": visits * 60}
                                           if visits else [])
            return web.json_response(answer)
        if method == "Goals.get":
            answer = {}
            for day in days:
                conversions = sum(h.conversions for h in hits if h.day == day)
                answer[day.isoformat()] = {"nb_conversions": conversions, "nb_visits_converted": conversions,
                                           "revenue": 0, "conversion_rate": "0%"}
            return web.json_response(answer)
        return web.json_response({"result": "error", "message": f"The method '{method}' does not exist."})


def _days(first: date, last: date) -> list[date]:
    from datetime import timedelta

    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


