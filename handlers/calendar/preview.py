"""What each platform will display: the one function that builds a post's outgoing text, and its preview.

Delivery and preview call the same `text_for_platform`, so the preview shows exactly the text that will be sent
(its variant or the body, with UTM tags), for each platform the post targets.
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from bot.actions import Button, ButtonStyle, Content, Field
from bot.i18n import Catalogue
from bot.text import Markup, Text
from config.calendar import UtmSettings
from config.settings import Community
from handlers.calendar.dates import moment
from handlers.calendar.describe import describe_cron
from handlers.calendar.lifecycle import Status
from handlers.calendar.pillars import pillar_name
from handlers.calendar.posts import CalendarPost
from handlers.calendar.utm import tag_links


def text_for_platform(body: str, variants: dict[str, str], platform: str, *, utm: bool, campaign: str | None,
                      settings: UtmSettings) -> str:
    text = variants.get(platform) or body
    return tag_links(text, platform, campaign, settings) if utm else text


def post_text(post: CalendarPost, platform: str, community: Community) -> str:
    return text_for_platform(post.body, post.variants, platform, utm=post.utm, campaign=post.campaign,
                             settings=community.calendar.utm)


def outgoing_content(post: CalendarPost, platform: str, community: Community) -> Content:
    """The message a target receives: the SMM's text as trusted markup, plus attachment links."""
    return Content(text=Text.of(Markup(post_text(post, platform, community))), attachment_urls=post.attachments)


def outcome_text(catalogue: Catalogue, locale: str, key: str, values: Mapping[str, object]) -> Text:
    """An answer's sentence, with any status shown by its display name (« programmée », never `scheduled`)."""
    shown = {name: catalogue.text(locale, f"calendar.status.{value.value}") if isinstance(value, Status) else value
             for name, value in values.items()}
    return catalogue.text(locale, key, **shown)  # type: ignore[arg-type]


def when_text(post: CalendarPost, catalogue: Catalogue, locale: str) -> Text:
    zone = ZoneInfo(post.timezone)
    due = post.next_due_at or post.publish_at
    if post.cron:
        end = ""
        if post.max_count:
            end = catalogue.string(locale, "calendar.preview.count", count=post.max_count)
        elif post.until:
            end = catalogue.string(locale, "calendar.preview.until", until=post.until.astimezone(zone))
        rule = describe_cron(post.cron, locale, catalogue)
        return catalogue.text(locale, "calendar.preview.recurring", rule=rule[:1].upper() + rule[1:],
                              zone=post.timezone, end=end, next=moment(due.astimezone(zone), locale) if due else "—")
    if due is None:
        return catalogue.text(locale, "calendar.preview.no_time")
    return catalogue.text(locale, "calendar.preview.once", when=moment(due.astimezone(zone), locale),
                          zone=post.timezone)


def preview_content(post: CalendarPost, community: Community, catalogue: Catalogue,
                    buttons: tuple[Button, ...] = ()) -> Content:
    """A card: status, time, campaign and pillar, then each platform's text exactly as it will be shown."""
    locale = community.locale
    say = catalogue.text
    label = catalogue.string
    fields = [
        Field(label(locale, "calendar.preview.status_label"), say(locale, f"calendar.status.{post.status.value}")),
        Field(label(locale, "calendar.preview.when_label"), when_text(post, catalogue, locale), inline=False),
        Field(label(locale, "calendar.preview.author_label"), Text.of(post.author.member_id)),
    ]
    if post.campaign:
        fields.append(Field(label(locale, "calendar.preview.campaign_label"), Text.of(post.campaign)))
    if post.pillar:
        pillar = pillar_name(post.pillar, community.calendar.pillar_labels, catalogue, locale)
        fields.append(Field(label(locale, "calendar.preview.pillar_label"), Text.of(pillar)))
    for platform in dict.fromkeys(t.platform for t in post.targets):
        channels = ", ".join(f"#{t.channel_id}" for t in post.targets if t.platform == platform)
        text = post_text(post, platform, community)
        name = label(locale, "calendar.preview.platform_label", platform=platform, channels=channels,
                     length=len(text))
        shown = Text.of(Markup(text)) if post.kind == "message" else Text.of(post.body)  # a poll's words: plain
        fields.append(Field(name, shown, inline=False))
    if post.rejected_reason and post.status.value == "draft":
        fields.append(Field(label(locale, "calendar.preview.rejected_label"), Text.of(post.rejected_reason)))
    return Content(
        title=say(locale, "calendar.preview.title", id=str(post.id)),
        fields=tuple(fields),
        attachment_urls=post.attachments,
        buttons=buttons,
    )


def approval_buttons(post_id: int, catalogue: Catalogue, locale: str) -> tuple[Button, ...]:
    label = catalogue.string
    return (
        Button(f"cal:approve:{post_id}", label(locale, "calendar.button.approve"), ButtonStyle.SUCCESS),
        Button(f"cal:reject:{post_id}", label(locale, "calendar.button.reject"), ButtonStyle.DANGER),
        Button(f"cal:edit:{post_id}", label(locale, "calendar.button.edit"), ButtonStyle.SECONDARY),
    )
