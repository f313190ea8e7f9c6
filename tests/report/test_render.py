"""The report rendered for Discord, Slack and the console within their limits; the chart; the exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.i18n import Catalogue
from bot.platforms.console.render import render_content as console_render
from bot.platforms.discord import render as discord_render
from bot.platforms.slack import render as slack_render
from bot.text import MentionUser
from schedules.report.builder import build_report
from schedules.report.chart import PNG_SIGNATURE, render_chart
from schedules.report.export import export
from schedules.report.render import report_cards
from schedules.report.weeks import IsoWeek
from tests.report.dataset import NOW, acme_settings, load, nov, row

W47 = IsoWeek(2026, 47)
CATALOGUE = Catalogue.shipped()
HOSTILE = ["@everyone", "<!channel>", "{0.__class__}", "**bold** `code` <@123>", "@here " * 20]


def _crowded(db):
    """The data set plus 40 campaigns with long names and 12 contributors with hostile display names."""
    load(db)
    for index in range(12):
        name = f"h{index}"
        db["members"].insert({"community": "acme", "platform": "discord", "member_id": name,
                              "display_name": HOSTILE[index % len(HOSTILE)], "opted_out": 0})
    # each posts and gets a reaction from d2 per message: helpful enough to be thanked, by name
    db.conn.executemany(
        "INSERT INTO engagement_events (community, platform, channel_id, member_id, kind, at, message_id, target_id)"
        " VALUES (?,?,?,?,?,?,?,?)",
        [row("discord", who, kind, nov(18, 12), f"chan-{i}", mid, target)[:8]
         for i in range(12) for k in range(10 + i)
         for who, kind, mid, target in ((f"h{i}", "message", f"hm{i}-{k}", None),
                                        ("d2", "reaction", None, f"hm{i}-{k}"))],
    )
    for index in range(40):
        db["calendar_posts"].insert({"id": 100 + index, "community": "acme", "status": "published",
                                     "author_platform": "discord", "author_id": "smm", "body": "x" * 300,
                                     "timezone": "Europe/Paris", "campaign": f"campaign-{index:02d}-" + "y" * 50})
        db["calendar_deliveries"].insert({
            "post_id": 100 + index, "community": "acme", "due_at": "2026-11-18T10:00:00.000000+00:00",
            "platform": "discord", "channel_id": "announce", "idempotency_key": f"crowd{index}",
            "status": "published", "message_id": f"p{index}", "finished_at": "2026-11-18T10:00:00.000000+00:00"})
    db.conn.commit()


@pytest.fixture
def crowded_report(db):
    community = acme_settings('\n[communities.engagement]\ntop_count = 10\n').communities[0]
    _crowded(db)
    return build_report(db, community, W47, NOW)


def test_discord_cards_fit_an_embed_without_losing_a_figure(crowded_report, tmp_path):
    chart = render_chart(crowded_report, tmp_path / "chart.png", CATALOGUE)
    cards = report_cards(crowded_report, "discord", CATALOGUE, str(chart))
    assert len(cards) >= 3  # all platforms, Discord, Slack
    for card in cards:
        assert len(card.fields) <= discord_render.EMBED_FIELDS_LIMIT
        embed = discord_render.render_content(card).embeds[0]
        assert len(embed) <= discord_render.EMBED_TOTAL_LIMIT
        assert len(embed.fields) == len(card.fields)  # nothing dropped for lack of room
        for field in card.fields:
            rendered = discord_render.render_text(field.value, 10**6)
            assert len(rendered) <= discord_render.FIELD_VALUE_LIMIT
        assert not card.mentioned_user_ids()
    assert cards[0].image_path and not any(c.image_path for c in cards[1:])


def test_slack_cards_fit_block_kit(crowded_report):
    for card in report_cards(crowded_report, "slack", CATALOGUE):
        message = slack_render.render_content(card)
        assert len(message.blocks) <= slack_render.BLOCK_LIMIT
        assert not any(b["type"] == "context" and b["elements"][0]["text"] == slack_render.ELLIPSIS
                       for b in message.blocks)
        for block in message.blocks:
            for field in block.get("fields", []):
                assert len(field["text"]) <= slack_render.FIELD_LIMIT
        assert "<!channel>" not in json.dumps(message.blocks)


def test_hostile_names_stay_plain_text(crowded_report):
    cards = report_cards(crowded_report, "discord", CATALOGUE)
    spans = [span for card in cards for field in card.fields for span in field.value.spans]
    assert not any(isinstance(span, MentionUser) for span in spans)
    rendered = " ".join(discord_render.render_text(f.value, 10**6) for c in cards for f in c.fields)
    assert "{0.__class__}" in rendered.replace("\\", "")  # shown literally (markdown-escaped), never formatted
    assert "@everyone" not in rendered.replace("@\u200beveryone", "")


def test_console_shows_every_section(db, acme):
    load(db)
    report = build_report(db, acme, W47, NOW)
    printed = "\n".join(console_render(card, lambda uid: uid) for card in report_cards(report, "console", CATALOGUE))
    for heading in ("Growth", "Activity", "Newcomers", "Help channels", "Scheduled posts", "Feedback",
                    "Most helpful members", "Regulars slipping away (silent 14 days)", "Recommendation"):
        assert heading in printed
    assert "Joined: 3 (+1)" in printed
    assert "Newcomer activation: 67% (+66.7 pts)" in printed  # 2 of 3; in W46 none of d5 and d7 posted


def test_late_reports_say_so(db, acme):
    load(db)
    report = build_report(db, acme, W47, NOW, late=True)
    assert "(late)" in report_cards(report, "console", CATALOGUE)[0].title.plain()


def test_french_report(db):
    load(db)
    community = acme_settings().communities[0].model_copy(update={"locale": "fr"})
    printed = export(build_report(db, community, W47, NOW), "text", CATALOGUE)
    assert "Arrivées\u00a0: 3 (+1)" in printed and "Recommandation" in printed


def test_french_report_names_the_best_post_and_the_pillars_for_people(db):
    """« n° 1 », not « #1 »; a pillar by its display name, posts without one « sans pilier »."""
    load(db)
    db["calendar_posts"].update(2, {"pillar": None, "campaign": None})
    community = acme_settings().communities[0].model_copy(update={"locale": "fr"})
    printed = export(build_report(db, community, W47, NOW), "text", CATALOGUE)
    assert "n°\u00a01 Big launch today (Discord)" in printed and "#1" not in printed
    assert "Actualités\u00a0:" in printed and "news" not in printed


def test_a_pillar_goes_by_its_configured_label_and_the_english_post_number_keeps_its_hash(db):
    load(db)
    settings = acme_settings('\n[communities.calendar]\npillar_labels = { news = "Product news" }\n')
    printed = export(build_report(db, settings.communities[0], W47, NOW), "text", CATALOGUE)
    assert "Product news: " in printed and "#1 Big launch today" in printed


def test_chart_is_a_png(db, acme, tmp_path):
    load(db)
    path = render_chart(build_report(db, acme, W47, NOW), tmp_path / "c" / "chart.png", CATALOGUE)
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 2000


def test_exports(db, acme):
    load(db)
    report = build_report(db, acme, W47, NOW)
    payload = json.loads(export(report, "json", CATALOGUE))
    assert payload["week"] == "2026-W47"
    assert payload["scopes"][0]["figures"]["messages"] == 7
    assert payload["scopes"][0]["change"]["messages"] == 5
    rows = list(csv.DictReader(io.StringIO(export(report, "csv", CATALOGUE))))
    assert {"platform": "slack", "metric": "joined", "value": "1"}.items() <= next(
        r for r in rows if r["platform"] == "slack" and r["metric"] == "joined").items()
    markdown = export(report, "markdown", CATALOGUE)
    assert markdown.startswith("## Weekly report — Acme — 2026-W47") and "- Joined: 3 (+1)" in markdown
    with pytest.raises(ValueError):
        export(report, "pdf", CATALOGUE)


def test_an_oversized_card_is_split_within_the_limits():
    from bot.actions import Content, Field
    from bot.text import Text
    from schedules.report.render import CARD_LIMIT, FIELDS_LIMIT, _card_size, split_card

    fields = tuple(Field(f"field {i}", Text.of("x" * 900)) for i in range(30))
    cards = split_card(Content(title=Text.of("t"), text=Text.of("advice"), fields=fields, image_path="c.png"))
    assert len(cards) > 1
    assert sum(len(c.fields) for c in cards) == 30
    assert all(len(c.fields) <= FIELDS_LIMIT and _card_size(c) <= CARD_LIMIT for c in cards)
    assert cards[0].image_path == "c.png" and all(c.image_path is None for c in cards[1:])
    assert cards[0].text and not cards[1].text


def test_sections_are_headings_with_one_figure_and_its_change_per_line(db, acme):
    load(db)
    cards = report_cards(build_report(db, acme, W47, NOW), "discord", CATALOGUE)
    growth = next(f for c in cards for f in c.fields if f.name == "Growth")
    assert not growth.inline  # full width in an embed: lines never wrap into a narrow column
    lines = growth.value.plain().split("\n")
    assert lines[:3] == ["Joined: 3 (+1)", "Left: 1 (+1)", "Net growth: 2 (±0)"]
    assert all(line.endswith(")") and ": " in line for line in lines)


def test_csv_keeps_exact_values(db, acme):
    """Found by the property test: the CSV rounded shares to 6 digits, so a spreadsheet got 0.333333."""
    load(db)
    rows = list(csv.DictReader(io.StringIO(export(build_report(db, acme, W47, NOW), "csv", CATALOGUE))))
    share = next(r for r in rows if r["platform"] == "all" and r["metric"] == "unanswered_24h_share")
    assert float(share["value"]) == 1 / 3


def test_an_empty_french_list_agrees_with_its_section_name(db):
    """« Meilleure publication : aucune cette semaine », « Salons les plus actifs : aucun cette semaine »."""
    community = acme_settings().communities[0].model_copy(update={"locale": "fr"})
    report = build_report(db, community, W47, NOW)
    printed = "\n".join(console_render(card, lambda uid: uid) for card in report_cards(report, "console", CATALOGUE))
    lines = {line.split(":")[0].strip(" •\u00a0"): line for line in printed.splitlines() if ":" in line}
    assert lines["Meilleure publication"].endswith("aucune cette semaine")
    assert lines["Salons les plus actifs"].endswith("aucun cette semaine")
