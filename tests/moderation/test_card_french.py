"""A French flag card as Discord and Slack show it: rules joined by « ; » with its no-break space, a model score
with a decimal comma (« 0,97 »), rule names in words."""

from __future__ import annotations

import json

from bot.i18n import Catalogue
from bot.platforms.discord.render import render_content as discord_render
from bot.platforms.slack.render import render_content as slack_render
from handlers.moderation.cards import flag_card

FLAG = {"id": 7, "severity": "high", "shadow": 0, "member_id": "42", "channel_id": "700", "excerpt": "x",
        "link": "https://discord.com/channels/1/700/3", "source": "rules", "auto_action": "flag",
        "status": "open", "decided_by": None, "decided_at": None}
RULES = [{"rule": "terms", "detail": "insults", "shadow": 1},
         {"rule": "classifier", "detail": "abuse model 0.97", "shadow": 0}]
EXPECTED = ("termes interdits (insultes) [observation]\u00a0; "
            "modèle de détection (modèle «\u00a0propos abusifs\u00a0», score 0,97)")


def card():
    return flag_card(FLAG, RULES, Catalogue.shipped(), "fr", can_timeout=True)


def test_discord_shows_the_rules_in_french_typography():
    [embed] = discord_render(card()).embeds
    rules = next(f for f in embed.to_dict()["fields"] if f["name"] == "Règles")
    assert rules["value"] == EXPECTED.replace("[observation]", "\\[observation\\]")


def test_slack_shows_the_rules_in_french_typography():
    blocks = json.dumps(slack_render(card()).as_args()["blocks"], ensure_ascii=False)
    assert "score 0,97" in blocks and "[observation]\u00a0; modèle de détection" in blocks
    assert "0.97" not in blocks and "classifier" not in blocks
