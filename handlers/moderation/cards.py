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
        Field(frame.channel_label, Text((MentionChannel(flag["channel_id"]),))),
    ]
    if flag["excerpt"]:
        fields.append(Field(frame.excerpt_label, Text((Plain(flag["excerpt"]),)), inline=False))
    fields.append(Field(frame.link_label, Text((Link(flag["link"], frame.open_message),))))
    fields.extend(frame.trailing)
    undecided = not actions and flag["status"] == "open"
    verbs = frame.open_verbs[can_timeout] if undecided else remaining_verbs(flag, actions, can_timeout)
    buttons = tuple(Button(f"mod:{verb}:{flag_id}", *frame.buttons[verb]) for verb in verbs)
    footer = None if undecided else _decisions(flag, actions, catalogue, locale, tz, names, decided_by_name)
    return Content(title=frame.title(flag_id, locale), fields=tuple(fields), footer=footer, buttons=buttons)


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
    open_verbs: Mapping[bool, tuple[str, ...]]  # can the platform time out -> the buttons of an undecided flag

    def title(self, flag_id: int, locale: str) -> Text:
        """The title with the flag's number written as the locale writes numbers (« 1 234 »)."""
        number = format_value(flag_id, None, locale).plain()
        return Text(tuple(Plain(span.value.replace(ID_MARK, number)) if type(span) is Plain else span
                          for span in self.title_spans))


ID_MARK = "{id}"


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
        open_verbs={can: tuple(remaining_verbs({"status": "open", "auto_action": auto_action}, (), can))
                    for can in (True, False)},
    )


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
