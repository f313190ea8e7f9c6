"""Cards drawn from cached frames are the cards drawn word by word, and a new flag's rows are the stored ones.

The flag path keeps two shortcuts: the card's shared words come from a cache keyed by what they depend on, and a
new flag's card is drawn from the rows the draft wrote rather than from a read of the store. Hypothesis compares
both with the naive way (every word rendered from the catalogue for each card; the rows read back)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.actions import Button, Content, Field
from bot.features.moderation import feature
from bot.i18n import Catalogue
from bot.store import Store
from bot.text import Link, MentionChannel, Text
from bot.wiring import migrate
from handlers.moderation import flags as store_flags
from handlers.moderation.cards import STATUS_OF, _joined, _style, card_frame, flag_card, remaining_verbs
from handlers.moderation.details import localised_detail
from handlers.moderation.flags import FlagDraft, RuleHit

CATALOGUE = Catalogue.shipped()
RULES = ("terms", "hate", "spam", "links", "classifier", "flood", "mentions", "caps", "newcomer", "report")
DETAILS = ("", "insults", "insults, slurs", "threat", "money, link", "abuse model 0.93", "spam model 0.5",
           "4 messages", "look-alike of discord: disc0rd.gg", "mass ping", "something new {id} <@here>")
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


def reference_card(flag: dict[str, Any], rules: list[dict[str, Any]], locale: str, can_timeout: bool,
                   member_name: str, actions: list[dict[str, Any]], names: dict[str, str]) -> Content:
    """The card drawn word by word from the catalogue, with no cache: the previous way, kept as the reference."""
    def say(key: str, **values) -> Text:
        return CATALOGUE.text(locale, f"moderation.{key}", **values)

    def label(key: str) -> str:
        return say(key).plain()

    title = say("card_title_shadow" if flag["shadow"] else "card_title", id=int(flag["id"]),
                severity=say(f"severity_{flag['severity']}"))
    lines = [Text.of(say(f"rule_{row['rule']}"),
                     Text.of(" (", localised_detail(row["rule"], row["detail"], say), ")") if row["detail"] else "")
             + (Text.of(" ", say("shadow_mark")) if row["shadow"] else Text()) for row in rules]
    fields = [Field(label("field_rules"), Text.of(*_joined(lines, label("rules_separator"))), inline=False),
              Field(label("field_member"), Text.of(member_name or flag["member_id"], f" ({flag['member_id']})")),
              Field(label("field_channel"), Text.of(MentionChannel(flag["channel_id"])))]
    if flag["excerpt"]:
        fields.append(Field(label("field_excerpt"), Text.of(flag["excerpt"]), inline=False))
    fields.append(Field(label("field_link"), Text.of(Link(flag["link"], label("open_message")))))
    if flag["source"] == "report":
        fields.append(Field(label("field_source"), say("source_report")))
    if flag["auto_action"] and flag["auto_action"] != "flag":
        fields.append(Field(label("field_auto"), say(f"auto_{flag['auto_action']}")))
    buttons = tuple(Button(f"mod:{verb}:{flag['id']}", label(f"button_{verb}"), _style(verb))
                    for verb in remaining_verbs(flag, actions, can_timeout))
    footer_lines = []
    if flag["status"] == "dismissed" or (flag["status"] != "open" and not actions):
        footer_lines.append(say("decided", decision=say(f"decision_{flag['status']}"),
                                moderator=names.get(flag["decided_by"] or "", flag["decided_by"] or ""),
                                at=datetime.fromisoformat(flag["decided_at"]).astimezone(UTC)))
    for row in actions:
        footer_lines.append(say("decided", decision=say(f"decision_{STATUS_OF[row['action']]}"),
                                moderator=names.get(row["by"], row["by"]),
                                at=datetime.fromisoformat(row["at"]).astimezone(UTC)))
    footer = Text.of(*_joined(footer_lines, "\n")) if footer_lines else None
    return Content(title=title, fields=tuple(fields), footer=footer, buttons=buttons)


hits = st.lists(st.tuples(st.sampled_from(RULES), st.sampled_from(DETAILS), st.booleans()), min_size=1, max_size=4,
                unique_by=lambda hit: hit[0])
DECIDED_AT = datetime(2026, 11, 23, 10, 5, tzinfo=UTC).isoformat()


@st.composite
def flags(draw) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    status = draw(st.sampled_from(("open", "open", "dismissed", "deleted", "warned", "timed_out")))
    flag = {"id": draw(st.integers(1, 10**7)), "severity": draw(st.sampled_from(("low", "medium", "high", "critical"))),
            "shadow": draw(st.sampled_from((0, 1))), "member_id": draw(WORDS), "channel_id": draw(WORDS),
            "excerpt": draw(st.one_of(st.none(), WORDS)), "link": draw(WORDS),
            "source": draw(st.sampled_from(("rules", "report"))),
            "auto_action": draw(st.sampled_from(("flag", None, "delete", "delete_and_timeout"))), "status": status,
            "decided_by": None if status == "open" else "claire",
            "decided_at": None if status == "open" else DECIDED_AT}
    rules = [{"rule": rule, "detail": detail, "shadow": int(shadow)} for rule, detail, shadow in sorted(draw(hits))]
    verbs = draw(st.lists(st.sampled_from(("delete", "warn", "timeout")), unique=True)) if status != "dismissed" else []
    actions = [{"action": verb, "by": "claire", "at": DECIDED_AT} for verb in verbs]
    return flag, rules, actions


@settings(max_examples=300, deadline=None)
@given(flags(), st.sampled_from(("fr", "en")), st.booleans(), WORDS)
def test_a_card_from_its_cached_frame_is_the_card_drawn_word_by_word(drawn, locale, can_timeout, member_name):
    flag, rules, actions = drawn
    names = {"claire": "Claire"}
    cached = flag_card(flag, rules, CATALOGUE, locale, can_timeout=can_timeout, member_name=member_name,
                       actions=actions, names=names)
    assert cached == reference_card(flag, rules, locale, can_timeout, member_name, actions, names)


def test_flags_alike_share_one_frame():
    card_frame.cache_clear()
    rules = [{"rule": "terms", "detail": "insults", "shadow": 0}]
    for flag_id in range(1, 51):
        flag = {"id": flag_id, "severity": "high", "shadow": 0, "member_id": f"m{flag_id}", "channel_id": "general",
                "excerpt": "x", "link": "l", "source": "rules", "auto_action": "flag", "status": "open",
                "decided_by": None, "decided_at": None}
        flag_card(flag, rules, CATALOGUE, "fr", can_timeout=True)
    info = card_frame.cache_info()
    assert (info.misses, info.hits) == (1, 49)


drafts = st.builds(
    FlagDraft, community=WORDS, platform=st.sampled_from(("console", "discord", "slack")), space_id=WORDS,
    channel_id=WORDS, message_id=WORDS, member_id=WORDS, severity=st.sampled_from(("low", "medium", "high")),
    hits=st.lists(st.builds(RuleHit, st.sampled_from(RULES), st.sampled_from(("low", "high")), st.booleans(),
                            st.text(max_size=300)), min_size=1, max_size=5).map(tuple),
    excerpt=WORDS, link=WORDS,
    created_at=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                            timezones=st.just(UTC)),
    source=st.sampled_from(("rules", "report")), reporter_id=st.one_of(st.none(), WORDS),
    auto_action=st.sampled_from(("flag", "delete", "delete_and_timeout")),
)


@settings(max_examples=150, deadline=None)
@given(drafts)
def test_a_new_flags_rows_are_the_rows_the_store_reads_back(draft):
    store = Store.open(":memory:")
    try:
        migrate(store, [feature])
        raised = store_flags.raise_flag(store.db, draft)
        flag_id = int(raised.flag["id"])
        assert raised.created
        assert raised.flag == store_flags.get_flag(store.db, flag_id)
        assert raised.rules == store_flags.flag_rules(store.db, flag_id)
        assert raised.actions == store_flags.flag_actions(store.db, flag_id) == []
    finally:
        store.close()
