"""The moderation queue card: what moderators see for a flag, in the community's locale.

The member is named, never pinged (a ping would tell them they were flagged); a reporter is never named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any

from bot.actions import Button, ButtonStyle, Content, Field
from bot.i18n import Catalogue
from bot.text import Link, MentionChannel, Text
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
    """
    def say(key: str, **values) -> Text:
        if not values:
            return _fixed(catalogue, locale, key)
        return catalogue.text(locale, f"moderation.{key}", **values)

    def label(key: str) -> str:
        return _fixed_plain(catalogue, locale, key)

    severity = say(f"severity_{flag['severity']}")
    title_key = "card_title_shadow" if flag["shadow"] else "card_title"
    title = say(title_key, id=int(flag["id"]), severity=severity)
    rule_lines = [
        Text.of(say(f"rule_{row['rule']}"),
                Text.of(" (", localised_detail(row["rule"], row["detail"], say), ")") if row["detail"] else "")
        + (Text.of(" ", say("shadow_mark")) if row["shadow"] else Text())
        for row in rules
    ]
    fields = [
        Field(label("field_rules"), Text.of(*_joined(rule_lines, label("rules_separator"))),
              inline=False),
        Field(label("field_member"), Text.of(member_name or flag["member_id"], f" ({flag['member_id']})")),
        Field(label("field_channel"), Text.of(MentionChannel(flag["channel_id"]))),
    ]
    if flag["excerpt"]:
        fields.append(Field(label("field_excerpt"), Text.of(flag["excerpt"]), inline=False))
    fields.append(Field(label("field_link"), Text.of(Link(flag["link"], label("open_message")))))
    if flag["source"] == "report":
        fields.append(Field(label("field_source"), say("source_report")))
    if flag["auto_action"] and flag["auto_action"] != "flag":
        fields.append(Field(label("field_auto"), say(f"auto_{flag['auto_action']}")))
    names = dict(names or {})
    if decided_by_name and flag["decided_by"]:
        names.setdefault(flag["decided_by"], decided_by_name)
    done = remaining_verbs(flag, actions, can_timeout)
    buttons = tuple(Button(f"mod:{verb}:{flag['id']}", label(f"button_{verb}"), _style(verb)) for verb in done)
    lines: list[Text] = []
    if flag["status"] == "dismissed" or (flag["status"] != "open" and not actions):
        lines.append(say("decided", decision=say(f"decision_{flag['status']}"),
                         moderator=names.get(flag["decided_by"] or "", flag["decided_by"] or ""),
                         at=datetime.fromisoformat(flag["decided_at"]).astimezone(tz)))
    for row in actions:
        at = datetime.fromisoformat(row["at"]).astimezone(tz)
        lines.append(say("decided", decision=say(f"decision_{STATUS_OF[row['action']]}"),
                         moderator=names.get(row["by"], row["by"]), at=at))
    footer = Text.of(*_joined(lines, "\n")) if lines else None
    return Content(title=title, fields=tuple(fields), footer=footer, buttons=buttons)


@lru_cache(maxsize=512)
def _fixed(catalogue: Catalogue, locale: str, key: str) -> Text:
    """A card's words that take no value (labels, buttons, severities, rule names), rendered once per locale:
    every flag draws its card, so the catalogue is not walked again for the same words each time."""
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
