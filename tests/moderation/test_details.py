"""Rule details on the queue card speak the community's language."""

from __future__ import annotations

from bot.i18n import Catalogue
from handlers.moderation.details import localised_detail


def say_in(locale):
    catalogue = Catalogue.shipped()
    return lambda key, **values: catalogue.text(locale, f"moderation.{key}", **values)


def test_known_forms_are_translated():
    fr = say_in("fr")
    assert localised_detail("links", "look-alike of discord: discord-nitro-gift.ru", fr).plain() == (
        "imite discord\u00a0: discord-nitro-gift.ru")
    assert localised_detail("flood", "7 messages", fr).plain() == "7 messages"
    assert localised_detail("crosspost", "3 channels", fr).plain() == "3 salons"
    assert localised_detail("terms", "insults, threats", fr).plain() == "insultes, menaces"
    assert localised_detail("terms", "insults", say_in("en")).plain() == "insults"


def test_unknown_forms_and_custom_categories_stay_as_written():
    fr = say_in("fr")
    assert localised_detail("caps", "30/32", fr).plain() == "30/32"
    assert localised_detail("terms", "custom", fr).plain() == "custom"
    # a member-controlled host stays plain text, escaped by the adapters like any Plain span
    detail = localised_detail("links", "denied: <!channel>.example", fr)
    assert detail.plain() == "domaine interdit\u00a0: <!channel>.example"


def test_a_model_score_is_written_in_the_community_s_digits():
    """« 0,99 » with a decimal comma in French, "0.99" in English, always two decimals."""
    abuse = localised_detail("model", "abuse model 0.99", say_in("fr")).plain()
    assert abuse == "modèle «\u00a0propos abusifs\u00a0», score 0,99"
    assert localised_detail("model", "spam model 0.90", say_in("en")).plain().endswith("score 0.90")
    fr = localised_detail("links", "domain model 0.87: free-nitro.example", say_in("fr")).plain()
    assert "score 0,87\u00a0: free-nitro.example" in fr


def test_counter_speech_and_reclaimed_slurs_are_described_in_the_community_s_language():
    from handlers.moderation.rules.terms import DENOUNCED, RECLAIMED

    assert localised_detail("profanity", RECLAIMED, say_in("fr")).plain() == (
        "insulte reprise à son propre compte (réappropriation)")
    assert localised_detail("profanity", DENOUNCED, say_in("fr")).plain().startswith("insulte citée pour la dénoncer")
    assert localised_detail("profanity", DENOUNCED, say_in("en")).plain().startswith("a slur quoted to denounce it")


def test_hate_against_a_group_and_abuse_aimed_at_a_person_read_apart():
    fr, en = say_in("fr"), say_in("en")
    assert localised_detail("hate", "threat", fr).plain() == "menace contre un groupe"
    assert localised_detail("hate", "threat to someone", fr).plain() == "menace envers une personne"
    assert localised_detail("hate", "insult to someone", fr).plain() == "insulte envers une personne"
    assert localised_detail("hate", "dehumanising someone", en).plain() == "dehumanising someone"


def test_every_scam_domain_signal_reads_in_the_community_s_language():
    """Each shape the links rule can describe gets a card line in French, never the stored English form."""
    from handlers.moderation.domains import DomainSignal

    host = "x.example"
    signals = [DomainSignal("look-alike", "discord"), DomainSignal("brand in the name", "steam"),
               DomainSignal("brand on free hosting", "opensea"), DomainSignal("brand on dynamic DNS", "steam"),
               DomainSignal("brand inside the name", "paypal"),
               DomainSignal("brand on another top-level domain", "roblox"),
               DomainSignal("top-level domain scams favour", "top"), DomainSignal("long run of digits", ""),
               DomainSignal("lure in the name", "claim"), DomainSignal("lure on free hosting", "2x"),
               DomainSignal("dynamic DNS", "duckdns.org")]
    fr, en = say_in("fr"), say_in("en")
    for signal in signals:
        stored = signal.describe(host)
        french = localised_detail("links", stored, fr).plain()
        assert french != stored and french.endswith(host), stored
        english = localised_detail("links", stored, en).plain()
        assert english.endswith(host) and "{" not in english, stored
    why = localised_detail("links", f"domain model 0.91 (bait word claim, top-level domain .xyz): {host}", fr).plain()
    assert why.startswith("modèle de domaines frauduleux, score 0,91 (bait word claim") and why.endswith(host)
