"""The whole bot, as a user starts it: `cmbot run --platform slack --slack-http PORT` in a subprocess, pointed at
the Slack fake through the documented `[bot.endpoints] slack_api` key, and sent forged, stale, tampered and
replayed requests. Only the genuine request has an effect, once; the log holds no traceback and no body."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.slack_fake import BOT_TOKEN, SIGNING_SECRET, TEAM_ID, SlackFake, command_payload, form_body
from tests.patience import PATIENCE

ROOT = Path(__file__).resolve().parents[2]
FORM = "application/x-www-form-urlencoded"
CONFIG = """
[bot]
database = "{db}"

[bot.endpoints]
slack_api = "{api}"

[[communities]]
id = "acme"
name = "Acme"
locale = "en"

[communities.slack]
space_id = "{team}"
channels = {{ welcome = "CWELCOME" }}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def start(tmp_path: Path, fake: SlackFake, port: int) -> asyncio.subprocess.Process:
    config = tmp_path / "cmbot.toml"
    config.write_text(CONFIG.format(db=tmp_path / "cmbot.db", api=fake.api_base, team=TEAM_ID))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env |= {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config), "--platform", "slack", "--slack-http",
        str(port), "--slack-http-host", "127.0.0.1", cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def wait_for_line(process: asyncio.subprocess.Process, text: str, seen: list[str]) -> None:
    assert process.stderr is not None
    async with asyncio.timeout(PATIENCE):
        while line := await process.stderr.readline():
            seen.append(line.decode(errors="replace"))
            if text in seen[-1]:
                return
    pytest.fail("cmbot ended before: " + "".join(seen))


async def test_cmbot_run_over_http_answers_only_genuine_requests_once(tmp_path):
    fake = SlackFake()
    await fake.start()
    fake.add_user("UADA", "Ada")
    port = free_port()
    process = await start(tmp_path, fake, port)
    log: list[str] = []
    try:
        await wait_for_line(process, "Slack HTTP endpoint listening", log)
        url = f"http://127.0.0.1:{port}/slack/events"
        body = form_body(command_payload("help", user_id="UADA", response_url=fake.response_url("genuine")))
        stamp = int(time.time())
        forged = await fake.post_signed(url, body.replace("genuine", "forged"), content_type=FORM, secret="guess")
        stale = await fake.post_signed(url, body.replace("genuine", "stale"), content_type=FORM,
                                       timestamp=stamp - 301)
        tampered = await fake.post_signed(url, body.replace("genuine", "tampered"), content_type=FORM,
                                          signed_body=body, timestamp=stamp)
        genuine = await fake.post_signed(url, body, content_type=FORM, timestamp=stamp)
        replayed = await fake.post_signed(url, body, content_type=FORM, timestamp=stamp)
        malformed = await fake.post_signed(url, '{"type": "event_callback", "event": ', timestamp=stamp)
        await fake.wait_for(lambda: fake.responses, timeout=PATIENCE)
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(PATIENCE):
            _, rest = await process.communicate()
        await fake.stop()
    output = "".join(log) + rest.decode(errors="replace")

    assert [forged[0], stale[0], tampered[0], malformed[0]] == [401, 401, 401, 400]
    assert (genuine[0], replayed[0]) == (200, 200)
    assert [r["key"] for r in fake.responses] == ["genuine"]  # the replay did nothing
    assert process.returncode == 0
    assert "Traceback" not in output and "event_callback" not in output and "/commands/T" not in output
    assert output.count("refused a request") == 4
    assert json.dumps(fake.responses)  # answers were real JSON bodies
