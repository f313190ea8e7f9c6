"""`cmbot traffic import` and `cmbot traffic pull` through the real CLI speak the community's language: the
summary, the plural of « jour remplacé », the expected columns of an unrecognised export, the bad lines, and a
connector's refusal (against the local Plausible fake), in a French community and in an English one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_date
from click.testing import CliRunner

from bot.cli import cli
from config.loader import parse_settings
from schedules.traffic.pull import pull_span
from tests.fakes.analytics_fake import PLAUSIBLE_KEY, AnalyticsFake, Hit
from tests.traffic.conftest import DATA, TRAFFIC_TOML

NBSP, NNBSP = "\u00a0", "\u202f"
ONE_DAY = "date,utm_source,utm_medium,utm_campaign,visits,conversions\n2026-11-02,discord,community,noel,12,1\n"
NO_CONVERSIONS = "Date,Session source / medium,Session campaign,Sessions\n20261102,discord / community,a,10\n"
BAD_LINE = ("Date,Session source / medium,Session campaign,Sessions,Key events\n"
            "20261102,discord / community,a,10,1\n20261103,discord / community,a,??,1\n")


def _config(tmp_path, locale, extra=""):
    path = tmp_path / "cmbot.toml"
    text = TRAFFIC_TOML.replace('database = "cmbot.db"', f'database = "{tmp_path / "cmbot.db"}"')
    path.write_text(text.replace('locale = "fr"', f'locale = "{locale}"') + extra)
    return path


def _run(config, *args, env=None):
    return CliRunner().invoke(cli, ["--config", str(config), "traffic", *args], env=env)


def test_import_summary_and_replaced_days_in_french(tmp_path):
    config = _config(tmp_path, "fr")
    first = _run(config, "import", str(DATA / "ga4_2026-W45-W46.csv"))
    assert first.exit_code == 0, first.output
    assert first.output.startswith("ga4_2026-W45-W46.csv" + NBSP + ": export GA4, du 2 novembre 2026 au 15 novembre "
                                   "2026, ")
    assert "venues de la communauté (discord, slack)" + NBSP + ": " in first.output
    assert NNBSP + "; tout le trafic" + NBSP + ": " in first.output and "remplacé" not in first.output
    again = _run(config, "import", str(DATA / "ga4_2026-W45-W46.csv"))
    assert again.output.rstrip().endswith(NNBSP + "; 14 jours remplacés")
    one = tmp_path / "noel.csv"
    one.write_text(ONE_DAY)
    overlap = _run(config, "import", str(one))  # one day the GA4 file held: replaced, not added
    assert overlap.output.rstrip().endswith(NNBSP + "; 1 jour remplacé")
    dry = _run(config, "import", "--dry-run", str(one))
    assert dry.output.strip() == ("noel.csv" + NBSP + ": export Plausible, du 2 novembre 2026 au 2 novembre 2026, "
                                  "1 ligne" + NNBSP + "; venues de la communauté (discord, slack)" + NBSP + ": "
                                  "12 visites, 1 conversion" + NNBSP + "; tout le trafic" + NBSP + ": 12 visites "
                                  "(essai à blanc" + NBSP + ": rien n’a été enregistré)")
    assert _run(config, "import", str(one)).output.rstrip().endswith(NNBSP + "; 1 jour remplacé")


def test_import_summary_and_replaced_days_in_english(tmp_path):
    config = _config(tmp_path, "en")
    one = tmp_path / "noel.csv"
    one.write_text(ONE_DAY)
    first = _run(config, "import", str(one))
    assert first.output.strip() == ("noel.csv: Plausible export, November 2, 2026 to November 2, 2026, 1 row; "
                                    "from the community (discord, slack): 12 visits, 1 conversion; "
                                    "all traffic: 12 visits")
    assert _run(config, "import", str(one)).output.rstrip().endswith("; 1 day replaced")
    ga4 = _run(config, "import", str(DATA / "ga4_2026-W45-W46.csv"))
    assert "GA4 export, November 2, 2026 to November 15, 2026" in ga4.output and "; 1 day replaced" in ga4.output


@pytest.mark.parametrize(("locale", "lead", "ga4", "optional"), [
    ("fr", "cmbot" + NBSP + ": export.csv" + NBSP + ": Colonnes non reconnues" + NBSP + ": «" + NBSP + "Date" + NBSP
     + "», «" + NBSP + "Session source / medium" + NBSP + "»",
     "GA4" + NBSP + ": Date, Session source / medium ou Source / medium", "utm_medium (facultative)"),
    ("en", "cmbot: export.csv: Unrecognised columns: 'Date', 'Session source / medium'",
     "GA4: Date, Session source / medium or Source / medium", "utm_medium (optional)"),
])
def test_a_missing_column_lists_the_expected_columns_in_the_community_language(tmp_path, locale, lead, ga4,
                                                                                optional):
    config = _config(tmp_path, locale)
    bad = tmp_path / "export.csv"
    bad.write_text(NO_CONVERSIONS)
    result = _run(config, "import", str(bad))
    assert result.exit_code == 1 and result.output.startswith(lead)
    assert ga4 in result.output and "Key events" in result.output and optional in result.output
    assert ("Matomo" + (NBSP if locale == "fr" else "") + ": Date, Campaign Source") in result.output


@pytest.mark.parametrize(("locale", "said"), [
    ("fr", "1 ligne incorrecte, rien n’a été importé" + NBSP + ":\n  ligne 3" + NBSP + ": «" + NBSP + "??" + NBSP
     + "» n’est pas un nombre de visites"),
    ("en", "1 bad line, nothing imported:\n  line 3: visits '??' is not a number"),
])
def test_bad_lines_are_listed_in_the_community_language(tmp_path, locale, said):
    config = _config(tmp_path, locale)
    bad = tmp_path / "export.csv"
    bad.write_text(BAD_LINE)
    result = _run(config, "import", str(bad))
    assert result.exit_code == 1 and said in result.output


@pytest.mark.parametrize(("locale", "said"), [
    ("fr", "cmbot" + NBSP + ": la communauté brand n’a pas de connecteur" + NBSP + ": ajoutez"),
    ("en", "cmbot: community brand has no connector: add"),
])
def test_pull_without_a_connector_says_how_to_add_one(tmp_path, locale, said):
    result = _run(_config(tmp_path, locale), "pull")
    assert result.exit_code == 2 and result.output.startswith(said)


def _plausible(base_url: str) -> str:
    return (f'\n[communities.traffic.plausible]\nbase_url = "{base_url}"\nsite_id = "example.org"\n'
            'goals = ["Signup"]\n')


@pytest.fixture
async def fake():
    # a row for every UTC day up to today included: the pull asks for the community's days up to its yesterday,
    # which is already today's UTC date late in the UTC evening in Paris
    today = datetime.now(UTC).date()
    hits = [Hit(today - timedelta(days=i), "discord", "community", "noel", 10 + i, 1) for i in range(0, 40)]
    server = await AnalyticsFake(rows=hits).start()
    yield server
    await server.stop()


@pytest.mark.parametrize(("locale", "refused", "pulled"), [
    ("fr", "cmbot" + NBSP + ": Plausible a refusé le jeton d’API (401", "brand" + NBSP + ": {count} lignes de "
     "Plausible, du {first} au {last}"),
    ("en", "cmbot: Plausible refused the API token (401", "brand: {count} rows from Plausible, {first} to {last}"),
])
async def test_pull_against_the_plausible_fake_speaks_the_community_language(fake, tmp_path, locale, refused,
                                                                             pulled):
    config = _config(tmp_path, locale, _plausible(fake.base_url))
    no_token = await asyncio.to_thread(_run, config, "pull", env={"PLAUSIBLE_API_KEY": ""})
    assert no_token.exit_code == 1 and "PLAUSIBLE_API_KEY" in no_token.output
    assert ("aucun jeton Plausible" if locale == "fr" else "no Plausible token") in no_token.output
    bad = await asyncio.to_thread(_run, config, "pull", env={"PLAUSIBLE_API_KEY": "wrong"})
    assert bad.exit_code == 1 and bad.output.startswith(refused), bad.output
    assert ("les jours déjà enregistrés n’ont pas changé." if locale == "fr"
            else "the days already stored are unchanged.") in bad.output
    community = parse_settings(config.read_text(), "t.toml").communities[0]
    first, last = pull_span(community, datetime.now(UTC), 10)
    good = await asyncio.to_thread(_run, config, "pull", "--days", "10", env={"PLAUSIBLE_API_KEY": PLAUSIBLE_KEY})
    assert good.exit_code == 0, good.output
    def day(value):  # the locale's long date, as Babel writes it (« 20 novembre 2026 », "November 20, 2026")
        return format_date(value, format="long", locale=locale)

    assert good.output.strip() == pulled.format(count=10, first=day(first), last=day(last))
