"""The pull connectors against local fakes of Plausible's and Matomo's APIs: the figures they store, and a bad
token, a 429 and 5xx answers handled cleanly (retries counted, never slept, stored days left as they were)."""

from __future__ import annotations

import inspect
import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.clock import SimulatedClock
from config.loader import parse_settings
from handlers.traffic.exports import VisitRow
from handlers.traffic.visits import by_source_campaign, coverage, replace_days, totals
from schedules.traffic.http import ATTEMPTS
from schedules.traffic.pull import TrafficPullJob
from tests.fakes.analytics_fake import MATOMO_TOKEN, PLAUSIBLE_KEY, AnalyticsFake, Hit
from tests.traffic.conftest import TRAFFIC_TOML

NOW = datetime(2026, 11, 16, 4, 30, tzinfo=UTC)  # Monday 05:30 in Paris
WEEK = [date(2026, 11, 9) + timedelta(days=i) for i in range(7)]
SOURCES = ["discord", "slack"]


def _hits() -> list[Hit]:
    hits = []
    for i, day in enumerate(WEEK):
        hits += [Hit(day, "discord", "community", "lancement", 30 + i, 2),
                 Hit(day, "discord", "community", "cmbot", 10, i % 2),
                 Hit(day, "slack", "community", "lancement", 5 + i, 1),
                 Hit(day, "instagram", "social", "lancement", 50, 4),
                 Hit(day, "", "", "", 120, 3)]
    return hits


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _community(connector: str, base_url: str):
    section = {
        "plausible": f'[communities.traffic.plausible]\nbase_url = "{base_url}"\nsite_id = "example.org"\n'
                     'goals = ["Signup"]\n',
        "matomo": f'[communities.traffic.matomo]\nbase_url = "{base_url}"\nsite_id = 1\n',
    }[connector]
    return parse_settings(TRAFFIC_TOML + "\n[communities.traffic]\npull_days = 7\n" + section, "t.toml").communities[0]


ENV = {"PLAUSIBLE_API_KEY": PLAUSIBLE_KEY, "MATOMO_TOKEN_AUTH": MATOMO_TOKEN}


@pytest.fixture
async def fake():
    server = await AnalyticsFake(rows=_hits()).start()
    yield server
    await server.stop()


def _job(traffic_store, community, sleeps, env=ENV):
    return TrafficPullJob(traffic_store, SimulatedClock(NOW), [community], environ=env, sleep=sleeps)


def _expected(sources):
    """The naive reference: the fake's hits summed by hand."""
    hits = [h for h in _hits() if h.source in sources]
    return sum(h.visits for h in hits), sum(h.conversions for h in hits)


@pytest.mark.parametrize("connector", ["plausible", "matomo"])
async def test_a_pull_stores_the_week_as_the_tool_counts_it(connector, fake, traffic_store, monkeypatch):
    import schedules.traffic.plausible

    monkeypatch.setattr(schedules.traffic.plausible, "PAGE", 4)  # Plausible pages: several requests a query
    community = _community(connector, fake.base_url)
    outcome = await _job(traffic_store, community, Sleeps()).pull(community)
    assert outcome.error is None and outcome.load is not None
    assert (outcome.load.first_day, outcome.load.last_day) == (WEEK[0], WEEK[-1])
    db = traffic_store.db
    mine = totals(db, "brand", WEEK, SOURCES)
    assert (mine.visits, mine.conversions) == _expected(SOURCES)
    everything = totals(db, "brand", WEEK)
    assert (everything.visits, everything.conversions) == _expected({"discord", "slack", "instagram", ""})
    campaigns = by_source_campaign(db, "brand", WEEK, SOURCES)
    assert campaigns[("discord", "cmbot")].visits == 70 and campaigns[("discord", "cmbot")].conversions == 3
    assert coverage(db, "brand", WEEK).origins == ((connector, "api"),)
    if connector == "plausible":
        assert len(fake.requests) > 4  # both queries went over several pages


async def test_plausible_and_matomo_agree_on_the_community_figures(fake, tmp_path):
    from bot.store import Store
    from bot.store.migrations import apply_all
    from handlers.traffic.migrations import migrations

    found = {}
    for connector in ("plausible", "matomo"):
        store = Store.open(tmp_path / f"{connector}.db")
        apply_all(store.db, [migrations])
        community = _community(connector, fake.base_url)
        await _job(store, community, Sleeps()).pull(community)
        found[connector] = (totals(store.db, "brand", WEEK, SOURCES), totals(store.db, "brand", WEEK),
                            by_source_campaign(store.db, "brand", WEEK, SOURCES))
        store.close()
    assert found["plausible"] == found["matomo"]


@pytest.mark.parametrize("connector", ["plausible", "matomo"])
async def test_a_bad_token_is_a_clear_permanent_error_without_retry_or_leak(connector, fake, traffic_store, caplog):
    community = _community(connector, fake.base_url)
    sleeps = Sleeps()
    secret = "wrong-token-123"
    with caplog.at_level(logging.INFO):
        outcome = await _job(traffic_store, community, sleeps,
                             env={"PLAUSIBLE_API_KEY": secret, "MATOMO_TOKEN_AUTH": secret}).pull(community)
    assert outcome.error is not None and outcome.error.kind == "auth" and outcome.error.permanent
    assert sleeps.waits == [] and len(fake.requests) == 1
    assert secret not in str(outcome.error) and secret not in caplog.text
    assert "refused" in str(outcome.error)
    assert coverage(traffic_store.db, "brand", WEEK).days_known == 0


@pytest.mark.parametrize("connector", ["plausible", "matomo"])
async def test_a_429_waits_as_told_then_succeeds(connector, fake, traffic_store):
    community = _community(connector, fake.base_url)
    fake.fail_next(429, retry_after=7)
    sleeps = Sleeps()
    outcome = await _job(traffic_store, community, sleeps).pull(community)
    assert outcome.error is None and sleeps.waits == [7]
    assert totals(traffic_store.db, "brand", WEEK, SOURCES).visits == _expected(SOURCES)[0]


@pytest.mark.parametrize("connector", ["plausible", "matomo"])
async def test_5xx_retried_with_growing_waits_then_given_up_leaving_stored_days(connector, fake, traffic_store):
    community = _community(connector, fake.base_url)
    kept = [VisitRow(day, "discord", "", "old", 3, 1) for day in WEEK]
    replace_days(traffic_store.db, "brand", kept, "ga4", "file", NOW)
    fake.fail_next(502, times=2)
    sleeps = Sleeps()
    recovered = await _job(traffic_store, community, sleeps).pull(community)
    assert recovered.error is None and sleeps.waits == [5.0, 30.0]
    replace_days(traffic_store.db, "brand", kept, "ga4", "file", NOW)
    fake.fail_next(500, times=ATTEMPTS)
    sleeps = Sleeps()
    failed = await _job(traffic_store, community, sleeps).pull(community)
    assert failed.error is not None and failed.error.kind == "server" and not failed.error.permanent
    assert len(sleeps.waits) == ATTEMPTS - 1
    assert totals(traffic_store.db, "brand", WEEK).visits == 21  # the imported days are untouched


async def test_matomo_token_travels_in_the_body_never_in_the_url(fake, traffic_store):
    community = _community("matomo", fake.base_url)
    await _job(traffic_store, community, Sleeps()).pull(community)
    assert fake.requests
    for path_qs, _, params in fake.requests:
        assert path_qs == "/index.php" and params["token_auth"] == MATOMO_TOKEN


async def test_without_a_token_in_the_environment_the_pull_says_which_variable(fake, traffic_store):
    community = _community("plausible", fake.base_url)
    outcome = await _job(traffic_store, community, Sleeps(), env={}).pull(community)
    assert outcome.error is not None and "PLAUSIBLE_API_KEY" in str(outcome.error)
    assert fake.requests == []


def test_one_connector_only():
    from config.loader import ConfigError

    toml = TRAFFIC_TOML + ('\n[communities.traffic.plausible]\nsite_id = "x.org"\n'
                           '[communities.traffic.matomo]\nbase_url = "https://m.example"\nsite_id = 1\n')
    with pytest.raises(ConfigError, match="one connector"):
        parse_settings(toml, "t.toml")


async def test_the_daily_pull_runs_at_its_local_time_on_the_scheduler(fake, traffic_store):
    from bot.wakeups import SteppedWakeups

    community = _community("plausible", fake.base_url)
    clock = SimulatedClock(NOW - timedelta(hours=1))  # 04:30 Paris, an hour before pull_time (05:30)
    job = TrafficPullJob(traffic_store, clock, [community], environ=ENV, sleep=Sleeps())
    wakeups = SteppedWakeups(clock)
    job.register(wakeups)
    assert wakeups.job_ids() == {"traffic:pull:brand"}
    assert inspect.iscoroutinefunction(job._daily(community))  # APScheduler awaits it on the loop
    await wakeups.advance_to(NOW - timedelta(minutes=1))
    assert fake.requests == []
    await wakeups.advance_to(NOW + timedelta(minutes=1))
    assert fake.requests and coverage(traffic_store.db, "brand", WEEK).complete
    assert totals(traffic_store.db, "brand", WEEK, SOURCES).visits == _expected(SOURCES)[0]


def test_connector_tokens_are_redacted_from_the_logs_like_the_platform_tokens(monkeypatch):
    from bot.cli import _analytics_tokens

    community_toml = TRAFFIC_TOML + ('\n[communities.traffic.plausible]\nsite_id = "x.org"\n'
                                     'token_env = "BRAND_PLAUSIBLE_KEY"\n')
    monkeypatch.setenv("BRAND_PLAUSIBLE_KEY", "s3cr3t-key")
    monkeypatch.delenv("MATOMO_TOKEN_AUTH", raising=False)
    assert _analytics_tokens(parse_settings(community_toml, "t.toml")) == ["s3cr3t-key"]
