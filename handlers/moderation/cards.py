"""The moderation queue card: what moderators see for a flag, in the community's locale.

The member is named, never pinged (a ping would tell them they were flagged); a reporter is never named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any

from bot.actions import Button, ButtonStyle, Content, Field
from bot.i18n import Catalogue
from bot.templates import format_value
from bot.text import Link, MentionChannel, Plain, Span, Text
from handlers.moderation.details import localised_detail

VERBS = ("dismiss", "delete", "warn", "timeout")
STATUS_OF = {"dismiss": "dismissed", "delete": "deleted", "warn": "warned", "timeout": "timed_out"}


def rule_label(catalogue: Catalogue, locale: str, rule: str) -> str:
    """A rule's display name in the community's language (`links` reads « liens » in French).

    A rule without a catalogue entry (a new rule not yet translated) shows its id rather than failing.
    """
    key = f"moderation.rule_{rule}"
    return catalogue.string(locale, key) if key in catalogue.keys(locale) else rule


def message_link(platform: str, space_id: str, channel_id: str, message_id: str) -> str:
    """Where a moderator opens the message. Slack permalinks need the workspace domain; this form redirects."""
    if platform == "discord":
        return f"https://discord.com/channels/{space_id}/{channel_id}/{message_id}"
    if platform == "slack":
        return f"https://slack.com/archives/{channel_id}/p{message_id.replace('.', '')}"
    return f"{platform}://{channel_id}/{message_id}"


def flag_card(
    flag: Mapping[str, Any],
    rules: list[Mapping[str, Any]],
    catalogue: Catalogue,
    locale: str,
    *,
    can_timeout: bool,
    member_name: str = "",
    decided_by_name: str = "",
    tz: tzinfo = UTC,
    actions: Sequence[Mapping[str, Any]] = (),
    names: Mapping[str, str] | None = None,
) -> Content:
    """The card of a flag: what hit, where, and what moderators did so far, with the buttons still useful.

    Delete, Warn and Timeout can all apply to one flag, in any order: each one done shows in the footer (who,
    when) and its button goes; Dismiss only makes sense while nothing was done. A dismissed flag has no buttons.
    The words every flag with the same rules, details, severity, origin and automatic action shares come from
    a cached frame (`card_frame`); a card fills in only its own: its number, the member, the channel, the
    excerpt, the link and the decisions so far.
    """
    frame = card_frame(catalogue, locale, str(flag["severity"]), bool(flag["shadow"]), _hits_of(rules),
                       flag["source"] == "report", flag["auto_action"] or "flag")
    flag_id = int(flag["id"])
    member_id = flag["member_id"]
    shown_name = member_name or member_id
    in_brackets = Plain(f" ({member_id})")
    fields = [
        frame.rules,
        Field(frame.member_label, Text((Plain(shown_name), in_brackets) if shown_name else (in_brackets,))),
        _channel_field(frame.channel_label, flag["channel_id"]),
    ]
    if flag["excerpt"]:
        fields.append(Field(frame.excerpt_label, Text((Plain(flag["excerpt"]),)), inline=False))
    fields.append(Field(frame.link_label, Text((Link(flag["link"], frame.open_message),))))
    fields.extend(frame.trailing)
    if not actions and flag["status"] == "open":  # every new flag: its buttons drawn from the frame's
        key = str(flag_id)
        buttons = tuple([Button(prefix + key, label, style)
                         for prefix, label, style in frame.open_buttons[can_timeout]])
        footer = None
    else:
        buttons = tuple(Button(f"mod:{verb}:{flag_id}", *frame.buttons[verb])
                        for verb in remaining_verbs(flag, actions, can_timeout))
        footer = _decisions(flag, actions, catalogue, locale, tz, names, decided_by_name)
    title = frame.title(_shown_number(flag_id, locale))
    return Content(title=title, fields=tuple(fields), footer=footer, buttons=buttons)


Hits = tuple[tuple[str, str, bool], ...]  # (rule, detail, shadow) of each rule that hit, in the card's order


@dataclass(frozen=True, slots=True)
class CardFrame:
    """What the cards of all flags alike share (same locale, severity, rules and details, origin, automatic
    action): drawn once, filled in per flag. The title keeps its number's placeholder (`{id}`) as written."""

    title_spans: tuple[Span, ...]
    rules: Field
    member_label: str
    channel_label: str
    excerpt_label: str
    link_label: str
    open_message: str
    trailing: tuple[Field, ...]  # the origin (a member's report) and the automatic action, when there are
    buttons: Mapping[str, tuple[str, ButtonStyle]]  # verb -> (label, style)
    open_buttons: Mapping[bool, tuple[tuple[str, str, ButtonStyle], ...]]  # can time out -> an undecided flag's
    # buttons, each as (its custom id but the flag's number, label, style)
    title_around: tuple[str, str] | None  # the title's words before and after its number, when it is one span

    def title(self, number: str) -> Text:
        """The title with the flag's number (as the locale writes it: « 1 234 ») put in its place."""
        if self.title_around is not None:
            before, after = self.title_around
            return Text((Plain(before + number + after),))
        return Text(tuple(Plain(span.value.replace(ID_MARK, number)) if type(span) is Plain else span
                          for span in self.title_spans))


ID_MARK = "{id}"


def _shown_number(value: int, locale: str) -> str:
    """`value` as `format_value` writes it for `locale` (« 1 234 »), the short way when the locale groups digits
    by three with one symbol (English, French): Python's own grouping with that symbol, checked once per locale
    against `format_value` (`_group_symbol`)."""
    group = _group_symbol(locale)
    if group is None or value < 0:
        return format_value(value, None, locale).plain()
    return f"{value:,}".replace(",", group)


@lru_cache(maxsize=64)
def _group_symbol(locale: str) -> str | None:
    """The locale's digit-group symbol if `format_value` writes every whole number as Python's `{:,}` does with
    it in place of the comma (tried on numbers of every length a flag's number may have), else None."""
    written = format_value(1000, None, locale).plain()
    if len(written) != 5 or written[0] != "1" or written[2:] != "000":
        return None
    group = written[1]
    probes = (0, 7, 999, 1000, 12345, 999999, 1000000, 123456789, 12345678901234)
    if any(f"{n:,}".replace(",", group) != format_value(n, None, locale).plain() for n in probes):
        return None
    return group


@lru_cache(maxsize=4096)
def _channel_field(label: str, channel_id: str) -> Field:
    """The channel's field of a card (the same for every flag raised in that channel: drawn once)."""
    return Field(label, Text((MentionChannel(channel_id),)))


@lru_cache(maxsize=1024)
def card_frame(catalogue: Catalogue, locale: str, severity: str, shadow: bool, hits: Hits, reported: bool,
               auto_action: str) -> CardFrame:
    """The frame of a card (cached: every flag draws a card, and most share their rules and details with many
    earlier ones; a score's two decimals make at most a hundred details per model rule)."""
    def say(key: str, **values) -> Text:
        if not values:
            return _fixed(catalogue, locale, key)
        return catalogue.text(locale, f"moderation.{key}", **values)

    def label(key: str) -> str:
        return _fixed_plain(catalogue, locale, key)

    title = catalogue.text(locale, "moderation.card_title_shadow" if shadow else "moderation.card_title",
                           severity=say(f"severity_{severity}"))  # the number stays `{id}`, filled per flag
    rule_lines = [
        Text.of(say(f"rule_{rule}"), Text.of(" (", localised_detail(rule, detail, say), ")") if detail else "")
        + (Text.of(" ", say("shadow_mark")) if hit_shadow else Text())
        for rule, detail, hit_shadow in hits
    ]
    trailing = []
    if reported:
        trailing.append(Field(label("field_source"), say("source_report")))
    if auto_action != "flag":
        trailing.append(Field(label("field_auto"), say(f"auto_{auto_action}")))
    return CardFrame(
        title_spans=title.spans,
        rules=Field(label("field_rules"), Text.of(*_joined(rule_lines, label("rules_separator"))), inline=False),
        member_label=label("field_member"),
        channel_label=label("field_channel"),
        excerpt_label=label("field_excerpt"),
        link_label=label("field_link"),
        open_message=label("open_message"),
        trailing=tuple(trailing),
        buttons={verb: (label(f"button_{verb}"), _style(verb)) for verb in VERBS},
        open_buttons={can: tuple((f"mod:{verb}:", label(f"button_{verb}"), _style(verb)) for verb
                                 in remaining_verbs({"status": "open", "auto_action": auto_action}, (), can))
                      for can in (True, False)},
        title_around=_around(title.spans),
    )


def _around(spans: tuple[Span, ...]) -> tuple[str, str] | None:
    """The words before and after the number's place in a title of one plain span with one place, else None."""
    if len(spans) != 1 or type(spans[0]) is not Plain or spans[0].value.count(ID_MARK) != 1:
        return None
    before, _, after = spans[0].value.partition(ID_MARK)
    return before, after


def _hits_of(rules: list[Mapping[str, Any]]) -> Hits:
    return tuple((str(row["rule"]), str(row["detail"] or ""), bool(row["shadow"])) for row in rules)


def _decisions(flag: Mapping[str, Any], actions: Sequence[Mapping[str, Any]], catalogue: Catalogue, locale: str,
               tz: tzinfo, names: Mapping[str, str] | None, decided_by_name: str) -> Text | None:
    """The footer: who decided what, and when (None while nothing was decided, as on every new flag)."""
    if not actions and (flag["status"] == "open" or not flag["decided_at"]):
        return None
    def say(key: str, **values) -> Text:
        return catalogue.text(locale, f"moderation.{key}", **values)

    known = dict(names or {})
    if decided_by_name and flag["decided_by"]:
        known.setdefault(flag["decided_by"], decided_by_name)
    lines: list[Text] = []
    if flag["status"] == "dismissed" or (flag["status"] != "open" and not actions):
        lines.append(say("decided", decision=_fixed(catalogue, locale, f"decision_{flag['status']}"),
                         moderator=known.get(flag["decided_by"] or "", flag["decided_by"] or ""),
                         at=datetime.fromisoformat(flag["decided_at"]).astimezone(tz)))
    for row in actions:
        at = datetime.fromisoformat(row["at"]).astimezone(tz)
        lines.append(say("decided", decision=_fixed(catalogue, locale, f"decision_{STATUS_OF[row['action']]}"),
                         moderator=known.get(row["by"], row["by"]), at=at))
    return Text.of(*_joined(lines, "\n")) if lines else None


@lru_cache(maxsize=512)
def _fixed(catalogue: Catalogue, locale: str, key: str) -> Text:
    """A card's words that take no value (labels, buttons, severities, rule names), rendered once per locale."""
    return catalogue.text(locale, f"moderation.{key}")


@lru_cache(maxsize=512)
def _fixed_plain(catalogue: Catalogue, locale: str, key: str) -> str:
    """The plain form of a card's fixed word (a field's label, a button's): the same string for every flag."""
    return _fixed(catalogue, locale, key).plain()


def remaining_verbs(flag: Mapping[str, Any], actions: Sequence[Mapping[str, Any]], can_timeout: bool) -> list[str]:
    """The buttons that still make sense on a flag's card."""
    if flag["status"] == "dismissed":
        return []
    done = {row["action"] for row in actions}
    if flag["auto_action"] in ("delete", "delete_and_timeout"):
        done.add("delete")
    if flag["auto_action"] == "delete_and_timeout":
        done.add("timeout")
    verbs = [v for v in VERBS if v not in done and (v != "timeout" or can_timeout)]
    if flag["status"] != "open" or done & {"delete", "warn", "timeout"}:
        verbs = [v for v in verbs if v != "dismiss"]
    return verbs


def _joined(lines: list[Text], separator: str) -> list[Text | str]:
    """Lines with a separator between them; the rules' separator comes from the catalogue, since French puts a
    no-break space before « ; »."""
    parts: list[Text | str] = []
    for index, line in enumerate(lines):
        if index:
            parts.append(separator)
        parts.append(line)
    return parts


def _style(verb: str) -> ButtonStyle:
    return {"dismiss": ButtonStyle.SECONDARY, "delete": ButtonStyle.DANGER, "warn": ButtonStyle.PRIMARY}.get(
        verb, ButtonStyle.DANGER
    )
