"""A file the console sends a member is written where only its owner can read it, and its path is printed."""

from __future__ import annotations

import io
import os

import pytest

from bot.actions import Content, DirectMessage, FileAttachment
from bot.clock import SimulatedClock
from bot.commands import CommandRegistry
from bot.platforms.console.platform import ConsolePlatform
from bot.text import Text


@pytest.fixture
def permissive_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


async def test_a_direct_message_file_is_written_0600_even_over_a_wider_older_file(tmp_path, permissive_umask):
    out = io.StringIO()
    folder = tmp_path / "exports"
    folder.mkdir(mode=0o755)
    older = folder / "data.json"
    older.write_text("old")
    older.chmod(0o644)
    console = ConsolePlatform("console", SimulatedClock(), CommandRegistry(), lambda: None,
                              stdout=out, locale="fr", files_dir=folder)
    action = DirectMessage(member_id="alice", content=Content(text=Text.of("vos données"),
                                                              files=(FileAttachment("data.json", b'{"a": 1}'),)))
    result = await console.execute(action)
    assert result.ok
    assert older.read_bytes() == b'{"a": 1}' and older.stat().st_mode & 0o777 == 0o600
    assert f"[fichier\u00a0: {older}]" in out.getvalue()


async def test_a_file_that_cannot_be_written_fails_the_message(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    console = ConsolePlatform("console", SimulatedClock(), CommandRegistry(), lambda: None,
                              stdout=io.StringIO(), files_dir=blocked)
    action = DirectMessage(member_id="alice", content=Content(files=(FileAttachment("data.json", b"{}"),)))
    result = await console.execute(action)
    assert not result.ok and result.permanent


@pytest.mark.parametrize("name", ["", "../escape.json", "a/b.json", ".hidden"])
def test_a_file_name_is_a_plain_name(name):
    with pytest.raises(ValueError, match="plain file name"):
        FileAttachment(name, b"")
