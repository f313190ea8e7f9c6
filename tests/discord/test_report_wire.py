"""The weekly report through the real discord.py client: what reaches Discord's REST API fits its limits."""

from __future__ import annotations

from bot.actions import Post
from tests.report.wire import crowded_cards

CHANNEL = "880"


async def test_report_cards_reach_discord_within_its_limits(harness, tmp_path):
    cards = crowded_cards(tmp_path, "discord")
    for card in cards:
        result = await harness.platform.execute(Post(channel_id=CHANNEL, content=card))
        assert result.ok, result.error
    calls = harness.fake.requests_to("POST", rf"/channels/{CHANNEL}/messages")
    assert len(calls) == len(cards)
    for call in calls:
        body = call.json
        assert len(body.get("content") or "") <= 2000
        assert body["allowed_mentions"]["parse"] == [] and not body["allowed_mentions"].get("users")
        embeds = body.get("embeds") or []
        assert 1 <= len(embeds) <= 10
        total = 0
        for embed in embeds:
            assert len(embed.get("title", "")) <= 256 and len(embed.get("description", "")) <= 4096
            assert len(embed.get("fields", [])) <= 25
            for field in embed.get("fields", []):
                assert 0 < len(field["name"]) <= 256 and 0 < len(field["value"]) <= 1024
            assert len(embed.get("footer", {}).get("text", "")) <= 2048
            total += len(embed.get("title", "")) + len(embed.get("description", ""))
            total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
            total += len(embed.get("footer", {}).get("text", ""))
        assert total <= 6000
    # the chart goes with the first card, as an attachment the embed shows
    assert "attachment://" in str(calls[0].json["embeds"][0].get("image", {}))
