"""On a terminal the console prompts for each line; the session ends with `quit`."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest

from tests.core.test_console_e2e import write_config
from tests.patience import PATIENCE


def read_until(fd: int, marker: bytes, deadline: float) -> bytes:
    seen = b""
    while marker not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{marker!r} never came; got {seen!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="needs a pseudo-terminal")
def test_the_console_prompts_on_a_terminal(tmp_path):
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CMBOT_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(write_config(tmp_path))],
        stdin=follower, stdout=follower, stderr=follower, cwd=tmp_path, env=env,
    )
    os.close(follower)
    try:
        deadline = time.monotonic() + PATIENCE
        opening = read_until(leader, b"cmbot> ", deadline)
        assert b"type `help`" in opening.split(b"\n")[-2]  # one line before the first prompt points to help
        os.write(leader, b"join alice\n")
        output = read_until(leader, b"cmbot> ", deadline)
        assert b"alice joined" in output
        os.write(leader, b"quit\n")
        closing = read_until(leader, b"cmbot stopped", deadline)
        assert process.wait(timeout=PATIENCE) == 0
        transcript = opening + output + closing
        # INFO logs share the terminal (stderr) but never land on the prompt's line
        assert b"INFO" in transcript
        assert all(b"INFO" not in line.split(b"cmbot> ", 1)[1] for line in transcript.split(b"\n")
                   if b"cmbot> " in line), transcript
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
