"""`/privacy export` on Discord: the member's data arrives as a JSON file in their DMs (a multipart upload through
the real discord.py), never as raw JSON in messages and never in a channel."""

from __future__ import annotations

import json

from bot.app import App
from bot.clock import SimulatedClock
from bot.features import shipped_features
from bot.store import Store
from bot.wakeups import SteppedWakeups
from tests.discord.conftest import make_platform

MEMBER = "4242"


async def test_privacy_export_sends_a_json_file_to_the_member_s_dms(fake, discord_settings, tmp_path):
    clock = SimulatedClock()
    app = App(discord_settings, Store.open(tmp_path / "cmbot.db"), clock, SteppedWakeups(clock), shipped_features())
    platform = make_platform(fake, discord_settings, app.services.commands)
    app.attach([platform])
    await app.start()
    try:
        payload = fake.command("privacy", MEMBER, options=[{"type": 1, "name": "export", "options": []}])
        await fake.dispatch("INTERACTION_CREATE", payload)
        [answer] = await fake.wait_for_request("PATCH", rf"/webhooks/\d+/{payload['token']}/messages/@original")
    finally:
        await app.stop()

    assert "Envoyé\u00a0: regardez vos messages privés (fichier cmbot-export-brand-" in answer.json["content"]
    dm_channel = f"/channels/8{MEMBER}/messages"
    [(path, upload)] = fake.uploads()
    assert path == dm_channel and upload.filename.startswith("cmbot-export-brand-")
    assert upload.filename.endswith(".json")
    document = json.loads(upload.data)
    assert document["accounts"] == [f"discord:{MEMBER}"] and document["community"] == "brand"
    [sent] = fake.requests_to("POST", dm_channel)
    assert sent.json["content"].startswith("Voici tout ce que cmbot conserve sur vous")
    assert sent.json["attachments"][0]["filename"] == upload.filename  # the file belongs to that message
    assert [m for m in fake.channel_messages[f"8{MEMBER}"] if m["attachments"]]  # Discord's answer lists it
    assert all(not r.path.startswith("/channels/7") for r in fake.requests if r.method == "POST")  # no channel
