"""The catalogues read as one careful writer wrote them: « vous » and French typography in French, no English
word in the French interface, plural forms chosen through Babel, and the same care in English."""

from __future__ import annotations

import re

import pytest
from babel import Locale

from bot.i18n import PLURAL_DRIVER, PLURAL_FORMS, Catalogue, load_messages
from bot.templates import PLACEHOLDER
from handlers.calendar.posts import Status

NO_BREAK = "\u00a0\u202f"
# Internal names that must never show through in French: statuses and moderation rule ids.
RULE_IDS = ("terms", "links", "caps", "emoji", "repeated", "flood", "crosspost", "newcomer",
            "classifier", "report")
ENGLISH_WORDS = {s.value for s in Status} | set(RULE_IDS) | {
    "pending", "upcoming", "row", "rows", "invalid", "valid", "imported", "dry run", "yes", "no", "flag", "flags",
    "shadow", "dismissed", "timeout", "warn", "delete", "approve", "approved", "reject", "rejected",
}
# Informal French: the interface says « vous » to everyone.
INFORMAL = re.compile(r"\b(tu|toi|ton|ta|tes|te|t')(?=\W)", re.IGNORECASE)
# A number written before a word it should agree with, outside a plural table (« {days} jours » with days = 1).
# Unit symbols do not take a plural.
UNITS = {"s", "min", "h", "j", "pts", "%", "×"}
# Numbers known to be at least 2 where they appear: a text over a limit, a raid of several members.
AT_LEAST_TWO = {"calendar.invalid.too_long": ("length", "limit"),
                "calendar.invalid.paragraph_too_long": ("length", "limit"),
                "core.option_too_long": ("limit",), "welcome.raid_alert": ("count", "seconds")}


def _forms(entry: str | dict[str, str]) -> list[str]:
    return [entry] if isinstance(entry, str) else list(entry.values())


def _words(template: str) -> str:
    """The template without its placeholders and command syntax (option names like `confirm=oui` stay code)."""
    text = PLACEHOLDER.sub(" ", template)
    text = re.sub(r"`[^`\n]*`", " ", text)  # code the reader types as is (`help`, `join NOM`)
    text = re.sub(r"/[a-z][\w-]*( [a-z][\w-]*)*( [a-z_]+=\S+)?", " ", text)  # /privacy forget-me confirm=oui
    return text


def _messages(lang: str) -> list[tuple[str, str]]:
    return [(key, form) for key, entry in load_messages(lang).items() for form in _forms(entry)]


FRENCH = _messages("fr")
ENGLISH = _messages("en")


def test_french_says_vous_to_everyone():
    informal = [(key, text) for key, text in FRENCH if INFORMAL.search(_words(text))]
    assert informal == []


def test_french_interface_has_no_english_status_or_rule_word():
    found = []
    for key, text in FRENCH:
        words = _words(text).lower()
        for word in ENGLISH_WORDS:
            if re.search(rf"(?<![\w«-]){re.escape(word)}(?![\w»-])", words):
                found.append((key, word))
    assert found == []


@pytest.mark.parametrize("mark", [":", ";", "!", "?", "»"])
def test_french_typography_puts_a_no_break_space_before_double_punctuation(mark):
    wrong = []
    for key, text in FRENCH:
        words = _words(text)
        for match in re.finditer(re.escape(mark), words):
            before = words[match.start() - 1] if match.start() else ""
            after = words[match.end()] if match.end() < len(words) else " "
            if mark == ":" and not after.isspace():
                continue  # a time (09:00), a URL or platform:channel, not punctuation
            if before and before not in NO_BREAK and before not in "!?…»)" + "\"":
                wrong.append((key, words[max(0, match.start() - 12): match.end()]))
    assert wrong == []


def test_french_opening_quotes_and_numero_are_followed_by_a_no_break_space():
    wrong = [(key, text) for key, text in FRENCH if re.search(r"«(?![\u00a0\u202f])|n°(?![\u00a0\u202f])", text)]
    assert wrong == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_number_precedes_a_word_outside_a_plural_table(lang):
    """« {days} jours » is wrong when days is 1: such messages are plural tables keyed on `count`."""
    wrong = []
    for key, entry in load_messages(lang).items():
        if not isinstance(entry, str):
            continue
        for match in re.finditer(r"\{(count|days|minutes|seconds|length|limit|accounts|n)\} (\w+|%)", entry):
            if match.group(2) not in UNITS and match.group(1) not in AT_LEAST_TWO.get(key, ()):
                wrong.append((key, match.group(0)))
    assert wrong == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_plural_tables_have_the_forms_babel_uses_and_no_others(lang):
    tags = set(Locale.parse(lang).plural_form.tags) | {"other"}
    catalogue = Catalogue.shipped()
    for key, entry in load_messages(lang).items():
        if isinstance(entry, str):
            continue
        assert set(entry) <= {*PLURAL_FORMS, PLURAL_DRIVER}
        assert catalogue.plural_driver(lang, key) == catalogue.plural_driver("en", key), f"{key}: same driver"
        assert {"one", "other"} <= set(entry), f"{lang}: {key} lacks the singular or plural form"
        assert set(entry) - {"many", PLURAL_DRIVER} <= tags, f"{lang}: {key} has forms {lang} does not use"
        # Babel's rule picks the form: in French 0 and 1 are singular, in English only 1.
        expected_one = {"fr": (0, 1), "en": (1,)}[lang]
        for n in (0, 1, 2, 5):
            chosen = catalogue.template(lang, key, n)
            assert chosen == (entry["one"] if n in expected_one else entry["other"]), (key, n)


def test_parenthesised_plurals_are_never_used():
    wrong = [(lang, key) for lang, msgs in (("fr", FRENCH), ("en", ENGLISH)) for key, text in msgs
             if re.search(r"\w\((s|e|es)\)", text)]
    assert wrong == []


def test_statuses_and_rules_have_display_names_in_both_languages():
    for lang in ("fr", "en"):
        keys = set(load_messages(lang))
        assert {f"calendar.status.{s.value}" for s in Status} <= keys
        assert {f"moderation.rule_{rule}" for rule in RULE_IDS} <= keys
    catalogue = Catalogue.shipped()
    assert catalogue.string("fr", "calendar.status.scheduled") == "programmée"
    assert catalogue.string("fr", "moderation.rule_links") != "links"


def test_english_uses_no_french_typography_and_says_you():
    wrong = [(key, text) for key, text in ENGLISH
             if re.search(r"[\u00a0\u202f][:;!?]|«|»", text) or re.search(r"\bvous\b|\btu\b", text)]
    assert wrong == []


def test_a_french_fragment_never_starts_with_double_punctuation():
    """A fragment glued after other words (a separator, a suffix) carries its own no-break space: « ; » written
    as "; " would print « [observation]; » once joined."""
    wrong = [(key, text) for key, text in FRENCH if re.match(r"[;:!?»]", _words(text))]
    assert wrong == []


def misplaced_marks(text: str) -> list[str]:
    """Where rendered French puts « ; : ! ? » without the no-break space before it (times, URLs and `a:b`
    references, which have no space after the colon, are not punctuation)."""
    found = []
    for match in re.finditer(r"[;:!?]", text):
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else " "
        if match.group() in ":?" and not after.isspace():
            continue
        if before not in NO_BREAK and before not in "!?…»)\n":
            found.append(text[max(0, match.start() - 15): match.end() + 1])
    return found


def test_what_the_bot_assembles_in_french_keeps_french_typography():
    """Sentences built from several catalogue pieces joined by code: a flag card listing rules (one in shadow
    mode, one a model score), forget-me's list of what goes."""
    from bot.platforms.console.render import render_content
    from bot.platforms.console.words import Words
    from handlers.moderation.cards import flag_card
    from handlers.privacy.inventory import described

    catalogue = Catalogue.shipped()
    flag = {"id": 7, "severity": "high", "shadow": 1, "member_id": "m1", "channel_id": "general", "excerpt": "x",
            "link": "https://discord.com/channels/1/2/3", "source": "rules", "auto_action": "flag",
            "status": "open", "decided_by": None, "decided_at": None}
    rules = [{"rule": "terms", "detail": "insults", "shadow": 1}, {"rule": "classifier", "detail": "abuse model 0.97",
                                                                      "shadow": 0}]
    card = render_content(flag_card(flag, rules, catalogue, "fr", can_timeout=True), lambda uid: uid, Words("fr"))
    assert "[observation]\u00a0; " in card and "0,97" in card
    forget = catalogue.string("fr", "privacy.forget_confirm", accounts="discord:1",
                              what=described({"welcome.personal_data.welcome": 2}, catalogue, "fr"))
    assert misplaced_marks(card) == [] and misplaced_marks(forget) == []
    assert len(misplaced_marks("Statut: prévu ; ok !")) == 3  # the check itself sees a missing or plain space


def test_french_writes_the_typographic_apostrophe():
    """« l’équipe », « d’un groupe »: the curly apostrophe, as in the rest of the French interface."""
    wrong = [(key, text) for key, text in FRENCH if "'" in _words(text)]
    assert wrong == []
