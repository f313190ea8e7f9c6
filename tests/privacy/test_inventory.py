"""Forget-me says what it erases in the member's words, from every feature's `personal_data` declarations."""

from __future__ import annotations

import pytest

from bot.features import shipped_features
from bot.i18n import LOCALES, Catalogue
from bot.personal_data import PersonalData
from handlers.privacy.accounts import Account
from handlers.privacy.inventory import described, inventory
from handlers.privacy.tables import CORE_TABLES
from tests.privacy.conftest import command

CATALOGUE = Catalogue.shipped()


def declarations() -> list[PersonalData]:
    return [*CORE_TABLES, *(d for feature in shipped_features() for d in feature.personal_data)]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_declared_table_has_a_display_name_in_each_language(locale):
    """A new feature's data appears in forget-me's sentence by itself, provided it names it: a declaration
    without a label in both catalogues fails here, with the table to name."""
    unnamed = [d.table for d in declarations() if not d.label or d.label not in CATALOGUE.keys(locale)]
    assert unnamed == []


def test_display_names_are_words_not_table_names():
    for declaration in declarations():
        for locale in LOCALES:
            shown = CATALOGUE.string(locale, declaration.label)
            assert shown != declaration.table and "_" not in shown


@pytest.fixture
async def harness(make_harness):
    return await make_harness("followup = true", features=shipped_features())


async def test_the_confirmation_names_what_goes_in_french_and_english(harness):
    await harness.join("ann")
    await harness.say("ann")
    await harness.say("ann")
    await harness.join("bob")
    await harness.app.services.flush_pending()
    found = await harness.store.run(lambda db: inventory(db, "demo", [Account("console", "ann")], declarations()))
    french = described(found, CATALOGUE, "fr")
    assert french.startswith("votre fiche de membre (nom affiché, dates d’arrivée et de départ) (1)")
    assert "les statistiques de vos messages et réactions" in french and "votre accueil" in french
    english = described(found, CATALOGUE, "en")
    assert "your messages' and reactions' statistics" in english and "your welcome" in english
    assert described({}, CATALOGUE, "fr") == "rien"

    [question] = await command(harness, "ann", "privacy forget-me")
    assert "your messages' and reactions' statistics (times and channels, never their words)" in question
    assert "engagement" not in question and "welcome_" not in question
    [done] = await command(harness, "ann", "privacy forget-me confirm=yes")
    assert done.startswith("Done, erased: your member record") and "your welcome" in done
    again = await harness.store.run(lambda db: inventory(db, "demo", [Account("console", "ann")], declarations()))
    assert again == {}
