"""The weekly report through the real slack-sdk: what reaches chat.postMessage fits Block Kit's limits."""

from __future__ import annotations

from bot.actions import Post
from tests.report.wire import crowded_cards


async def test_report_cards_reach_slack_within_block_kit_limits(socket_bot, tmp_path):
    cards = crowded_cards(tmp_path, "slack")
    for card in cards:
        result = await socket_bot.platform.execute(Post(channel_id="CSTRAT", content=card))
        assert result.ok, result.error
    posts = socket_bot.fake.calls_to("chat.postMessage")
    assert len(posts) >= len(cards)  # a card too long for one message is split, never truncated silently
    for call in posts:
        blocks = call.args.get("blocks") or []
        if isinstance(blocks, str):
            import json

            blocks = json.loads(blocks)
        assert len(blocks) <= 50
        assert 0 < len(call.args.get("text") or "") <= 40_000
        for block in blocks:
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150
            if block["type"] == "section":
                assert len(block.get("text", {}).get("text", "")) <= 3000
                assert len(block.get("fields", [])) <= 10
                assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        flat = str(blocks)
        assert "<!channel>" not in flat and "<!here>" not in flat and "<!everyone>" not in flat
    # the chart is uploaded beside the first card
    assert socket_bot.fake.calls_to("files.getUploadURLExternal") or socket_bot.fake.calls_to("files.upload")
