"""Welcome texts: a whitelisted set of values rendered into a template, never through `str.format`.

The template is either the community's own (config, checked at start for unknown placeholders) or the
catalogue's. Values are spans: the newcomer is a `MentionUser` (the only ping the message may carry), names are
`Plain` (escaped by every adapter, so a display name of `@everyone` or `<!channel>` stays inert) and the rules
channel is a `MentionChannel` link. `bot.templates.render` fills only `{identifier}` placeholders from this
whitelist, so `{member.__class__}` or `{0.__class__}` in a template are printed as written.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Catalogue
from bot.templates import Value, render
from bot.text import MentionChannel, MentionUser, Plain, Text
from config.settings import Community


@dataclass(frozen=True, slots=True)
class Newcomer:
    member_id: str
    display_name: str


def rules_link(community: Community, platform: str, catalogue: Catalogue) -> Value:
    """A link to the platform's rules channel, or the words "the rules" when none is configured."""
    space = community.space(platform)
    rules_id = space.channels.rules if space is not None else None
    return MentionChannel(rules_id) if rules_id else catalogue.text(community.locale, "welcome.rules_fallback")


def welcome_values(
    community: Community, platform: str, newcomer: Newcomer, member_count: int, catalogue: Catalogue
) -> dict[str, Value]:
    values: dict[str, Value] = {
        "member": MentionUser(newcomer.member_id),
        "name": Plain(newcomer.display_name),
        "community": Plain(community.name),
        "member_count": member_count,
        "rules": rules_link(community, platform, catalogue),
    }
    return values


def _fill(template: str | None, key: str, values: dict[str, Value], locale: str, catalogue: Catalogue) -> Text:
    if template is not None:
        return render(template, values, locale)
    return catalogue.text(locale, key, **values)


def welcome_text(
    community: Community, platform: str, newcomer: Newcomer, member_count: int, catalogue: Catalogue
) -> Text:
    """The welcome posted in the channel for one newcomer."""
    values = welcome_values(community, platform, newcomer, member_count, catalogue)
    template = community.welcome.template_for(platform)
    return _fill(template, "welcome.message", values, community.locale, catalogue)


def onboarding_text(
    community: Community, platform: str, newcomer: Newcomer, member_count: int, catalogue: Catalogue
) -> Text:
    """The onboarding DM; it starts with the mention so that, posted in the channel instead, it still reaches them."""
    values = welcome_values(community, platform, newcomer, member_count, catalogue)
    return _fill(community.welcome.dm_text, "welcome.onboarding", values, community.locale, catalogue)


def followup_text(community: Community, newcomer: Newcomer, catalogue: Catalogue) -> Text:
    values: dict[str, Value] = {
        "member": MentionUser(newcomer.member_id),
        "name": Plain(newcomer.display_name),
        "community": Plain(community.name),
        "days": community.welcome.followup_days,
    }
    return _fill(community.welcome.followup_text, "welcome.followup", values, community.locale, catalogue)


def batch_text(
    community: Community, platform: str, newcomers: list[Newcomer], member_count: int, catalogue: Catalogue
) -> Text:
    """One welcome for a burst of joins: the first `raid_mentions` newcomers pinged, the rest counted."""
    shown = newcomers[: community.welcome.raid_mentions]
    mentions: list[Text | str] = []
    for index, newcomer in enumerate(shown):
        if index:
            mentions.append(", ")
        mentions.append(Text.of(MentionUser(newcomer.member_id)))
    others = len(newcomers) - len(shown)
    locale = community.locale
    text = catalogue.text(
        locale,
        "welcome.batch",
        count=len(newcomers),
        community=Plain(community.name),
        member_count=member_count,
        rules=rules_link(community, platform, catalogue),
    )
    parts: list[Text | str] = [text]
    if mentions:
        parts += ["\n", *mentions]
    if others > 0:
        parts += ["\n", catalogue.text(locale, "welcome.batch_others", count=others)]
    return Text.of(*parts)
