"""The weekly report as chat messages: one card (`Content`) per scope, within Discord's and Slack's limits.

The adapters turn a card into a Discord embed or Slack blocks; we keep every card inside the stricter of the
two (Discord: 25 fields, 1024 characters a field, 6000 in all; Slack: 2000 a field, 50 blocks), splitting a card
in two rather than letting an adapter cut figures off. Member names are `Plain` spans (escaped, never a ping);
channels are channel links. The first card carries the chart, the last the recommendation.
"""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_timedelta
from babel.numbers import format_decimal, format_percent

from bot.actions import Content, Field
from bot.i18n import Catalogue, MissingMessage, precise_percent
from bot.text import Link, MentionChannel, MentionUser, Plain, Strong, Text, join
from handlers.calendar.pillars import pillar_name
from schedules.report.builder import ScopeFigures, WeeklyReport
from schedules.report.metrics import Number, Ranked
from schedules.report.metrics.posts import NONE_LABEL
from schedules.report.satisfaction_render import satisfaction_field
from schedules.report.traffic_render import advice_basis, advice_kind_key, evidence_label_key, traffic_fields

FIELDS_LIMIT = 25
FIELD_VALUE_LIMIT = 1024
CARD_LIMIT = 6000
TITLE_LIMIT = 256
SHARES = frozenset({"active_share", "newcomer_activation", "newcomer_retention", "unanswered_24h_share",
                    "growth_rate", "traffic_conversion_rate", "traffic_visit_growth", "feedback_acknowledged_share",
                    "ambassador_first_response_share"})
DURATIONS = frozenset({"first_response_median_s", "first_response_p90_s", "decision_median_s",
                       "feedback_ack_median_s", "feedback_close_median_s", "feedback_oldest_open_s"})
# A feedback waiting 10 days reads "10 days", not "2 weeks": days up to 3 weeks (Babel's unit threshold).
THRESHOLDS = {"feedback_oldest_open_s": 3.0}
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("growth", ("joined", "left", "net_growth", "members_at_start", "members", "growth_rate")),
    ("activity", ("active_members", "active_share", "messages", "replies", "reactions", "slipping_away")),
    ("newcomers", ("newcomers", "newcomer_activation", "recent_newcomers", "newcomer_retention")),
    ("help", ("help_questions", "first_response_median_s", "first_response_p90_s", "unanswered_24h_share")),
    ("posts", ("posts_published", "post_reactions_24h", "post_replies_24h", "post_members_24h",
               "post_reactions_7d", "post_replies_7d", "post_members_7d", "posts_scheduled_next_week")),
    ("feedback", ("feedback", "feedback_idea", "feedback_bug", "feedback_praise", "feedback_complaint",
                  "feedback_unsorted", "feedback_acknowledged_share", "feedback_ack_median_s",
                  "feedback_close_median_s", "feedback_oldest_open_s", "polls_closed", "poll_votes",
                  "poll_voters")),
    ("moderation", ("flags_raised", "flags_decided", "decision_median_s", "moderation_actions")),
    ("ambassadors", ("ambassadors", "ambassador_first_response_share", "ambassadors_slipping")),
)
LIST_SECTIONS = ("top_channels", "top_contributors", "slipping", "best_post", "by_campaign", "by_pillar", "polls",
                 "poll_campaigns")
LINKED_CHANNELS = frozenset({"discord", "slack"})


def format_number(key: str, value: Number, locale: str, catalogue: Catalogue) -> str:
    if value is None:
        return catalogue.string(locale, "report.na")
    if key in SHARES:
        if key.startswith("traffic_"):  # 2,4 % and 2 % sit either side of a rule
            return precise_percent(value, locale)
        return format_percent(value, locale=locale)
    if key in DURATIONS:
        return format_timedelta(timedelta(seconds=value), threshold=THRESHOLDS.get(key, 1.5), locale=locale)
    return format_decimal(value, locale=locale)


def format_change(key: str, change: Number, locale: str, catalogue: Catalogue) -> str:
    if change is None:
        return catalogue.string(locale, "report.na")
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    if key in SHARES:
        points = format_decimal(round(abs(change) * 100, 1), locale=locale)
        return sign + catalogue.string(locale, "report.points", value=points)
    if key in DURATIONS:
        return sign + format_timedelta(timedelta(seconds=abs(change)), threshold=THRESHOLDS.get(key, 1.5),
                                       locale=locale)
    return sign + format_decimal(abs(change), locale=locale)


def figure_line(scope: ScopeFigures, key: str, locale: str, catalogue: Catalogue) -> Text:
    return catalogue.text(
        locale,
        "report.line",
        label=catalogue.string(locale, f"report.metric.{key}"),
        value=format_number(key, scope.numbers.get(key), locale, catalogue),
        change=format_change(key, scope.change(key), locale, catalogue),
    )


def ranked_line(item: Ranked, platform: str, locale: str, catalogue: Catalogue, shown: str | None = None) -> Text:
    """One line of a top list; `shown` replaces the item's own label (a pillar's display name)."""
    if item.kind == "channel" and platform in LINKED_CHANNELS and item.platform == platform:
        name: Text = Text.of(MentionChannel(item.ref))
    elif item.kind == "channel":
        name = Text.of(f"#{item.label}")
    elif item.kind == "post":  # « n° 12 Le titre… » in French, "#12 The title…" in English
        key = "report.post" if item.label else "report.post_number"
        name = catalogue.text(locale, key, number=item.ref, title=item.label)
    else:
        name = Text.of(shown if shown is not None else item.label)
    shown_platform = item.platform and item.platform != platform and item.kind != "label"
    where = f" ({_platform_name(item.platform, locale, catalogue)})" if shown_platform else ""
    return catalogue.text(locale, "report.ranked", name=name, where=where, value=item.value)


def _platform_name(platform: str, locale: str, catalogue: Catalogue) -> str:
    """"Discord", "Slack", « console »: the platform as the report's titles name it."""
    try:
        return catalogue.string(locale, f"report.scope.{platform}")
    except MissingMessage:
        return platform


def _shown(section: str, item: Ranked, report: WeeklyReport, catalogue: Catalogue) -> str | None:
    """What a campaign or pillar line is called for people: posts with none are « sans pilier », a pillar
    goes by its display name (`behind-the-scenes` → « Coulisses »)."""
    locale = report.community.locale
    if section not in ("by_campaign", "by_pillar", "poll_campaigns"):
        return None
    if item.label in ("", NONE_LABEL):
        return catalogue.string(locale, f"report.{'by_pillar' if section == 'by_pillar' else 'by_campaign'}_none")
    if section == "poll_campaigns":
        return None
    if section == "by_pillar":
        calendar = report.community.calendar
        return pillar_name(item.label, calendar.pillar_labels, catalogue, locale)
    return None


def _scope_name(scope: ScopeFigures, locale: str, catalogue: Catalogue) -> str:
    return catalogue.string(locale, f"report.scope.{scope.platform or 'all'}")


def measure(text: Text) -> int:
    """A safe upper bound of the text's length once an adapter renders it (escapes, mention syntax)."""
    total = 0
    for span in text.spans:
        if isinstance(span, Plain | Strong):
            total += len(span.value) + sum(1 for c in span.value if c in "\\*_~`|>#-<&:[]()") * 4 + 4
        elif isinstance(span, MentionUser | MentionChannel):
            total += 32
        elif isinstance(span, Link):
            total += len(span.url) + len(span.label) * 2 + 8
        else:
            total += len(getattr(span, "value", ""))
    return total


def _bounded(lines: list[Text], limit: int = FIELD_VALUE_LIMIT) -> Text:
    """Join lines, dropping the tail (with an ellipsis line) rather than cutting a figure in half."""
    kept: list[Text] = []
    used = 0
    for line in lines:
        cost = measure(line) + 1
        if used + cost > limit - 8:
            kept.append(Text.of("…"))
            break
        kept.append(line)
        used += cost
    return join(kept)


def _none_key(section: str, locale: str, catalogue: Catalogue) -> str:
    """An empty list's words: the section's own when it has them (« Meilleure publication : aucune »)."""
    own = f"report.none_{section}"
    return own if own in catalogue.keys(locale) else "report.none"


def scope_fields(report: WeeklyReport, scope: ScopeFigures, platform: str, catalogue: Catalogue) -> list[Field]:
    locale = report.community.locale
    fields: list[Field] = []
    for section, keys in SECTIONS:
        if section == "moderation" and not report.moderation_available:
            value = catalogue.text(locale, "report.moderation_unavailable")
        else:
            value = _bounded([figure_line(scope, key, locale, catalogue) for key in keys])
        # full width: one figure per line, its change beside it, never wrapped into a narrow column
        fields.append(Field(catalogue.string(locale, f"report.section.{section}"), value, inline=False))
        if section == "feedback":
            fields.append(satisfaction_field(report, scope, catalogue))
    for section in LIST_SECTIONS:
        items = scope.lists.get(section, [])
        lines = [ranked_line(i, platform, locale, catalogue, _shown(section, i, report, catalogue))
                 for i in items] or [catalogue.text(locale, _none_key(section, locale, catalogue))]
        name = catalogue.string(locale, f"report.section.{section}",
                                days=report.community.engagement.slipping_silence_days)
        fields.append(Field(name, _bounded(lines), inline=False))
    fields.extend(traffic_fields(report, scope, catalogue))
    return fields


def advice_text(report: WeeklyReport, catalogue: Catalogue) -> Text:
    locale = report.community.locale
    evidence = ", ".join(
        catalogue.string(locale, "report.evidence_item", label=catalogue.string(locale, evidence_label_key(key)),
                         value=format_number(key, value, locale, catalogue))
        for key, value in report.advice.evidence.items()
    )
    return Text.of(
        Strong(catalogue.string(locale, "report.section.advice")), "\n",
        catalogue.text(locale, advice_kind_key(report)), "\n",
        catalogue.text(locale, "report.evidence", figures=evidence), "\n",
        advice_basis(report, catalogue),
    )


def _card_size(content: Content) -> int:
    size = measure(content.title or Text()) + measure(content.text) + measure(content.footer or Text())
    return size + sum(len(f.name) + measure(f.value) for f in content.fields)


def split_card(content: Content) -> list[Content]:
    """One card, or several with the same title, each inside the field count and total size limits."""
    cards: list[Content] = []
    current: list[Field] = []
    base = Content(text=content.text, title=content.title, footer=content.footer, image_path=content.image_path)
    size = _card_size(base)
    for item in content.fields:
        cost = len(item.name) + measure(item.value)
        if current and (len(current) >= FIELDS_LIMIT or size + cost > CARD_LIMIT):
            cards.append(Content(text=base.text, title=base.title, footer=base.footer, fields=tuple(current),
                                 image_path=base.image_path if not cards else None))
            base = Content(title=base.title, footer=base.footer)
            size = _card_size(base)
            current = []
        current.append(item)
        size += cost
    cards.append(Content(text=base.text, title=base.title, footer=base.footer, fields=tuple(current),
                         image_path=base.image_path if not cards else None))
    return cards


def report_cards(report: WeeklyReport, platform: str, catalogue: Catalogue, chart_path: str | None = None
                 ) -> list[Content]:
    """The report for `platform` (discord, slack, console): cards in posting order."""
    locale = report.community.locale
    start, end = report.week.monday, report.week.days()[-1]
    footer = catalogue.text(locale, "report.footer", start=start, end=end, timezone=report.community.timezone)
    cards: list[Content] = []
    for index, scope in enumerate(report.scopes):
        title_key = "report.title_late" if report.late else "report.title"
        title = catalogue.text(locale, title_key, community=report.community.name, week=str(report.week),
                               scope=_scope_name(scope, locale, catalogue))
        text_parts: list[Text] = []
        if index == 0 and scope.numbers.get("posts_scheduled_next_week") == 0:  # None: no coming week to speak of
            text_parts.append(catalogue.text(locale, "report.cadence_empty"))
        if index == len(report.scopes) - 1:
            text_parts.append(advice_text(report, catalogue))
        content = Content(
            title=Text.of(title.plain()[:TITLE_LIMIT]),
            text=join(text_parts, "\n\n"),
            fields=tuple(scope_fields(report, scope, platform, catalogue)),
            footer=footer,
            image_path=chart_path if index == 0 else None,
        )
        cards.extend(split_card(content))
    return cards
