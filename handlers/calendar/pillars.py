"""Content pillars as people read them: « Coulisses », not `behind-the-scenes`.

A pillar is stored and typed as a short slug (`pillar=tips`, the CSV's `pillar` column); wherever the bot shows
one to people (the preview card, `/post list`, the weekly report) it shows its display name: the label the
community configured (`[communities.calendar.pillar_labels]`), else the shipped name of a default pillar in the
community's language, else the slug made readable (`product-launch` → « Product launch »).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import Catalogue, MissingMessage


def humanised(slug: str) -> str:
    """`behind-the-scenes` → "Behind the scenes": words instead of a key, first letter up."""
    words = " ".join(slug.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:]


def pillar_name(slug: str, labels: Mapping[str, str], catalogue: Catalogue, locale: str) -> str:
    """The display name of the pillar `slug` for a community (its own label first)."""
    configured = labels.get(slug)
    if configured:
        return configured
    try:
        return catalogue.string(locale, f"calendar.pillar.{slug}")
    except MissingMessage:
        return humanised(slug)
