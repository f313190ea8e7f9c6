"""The console in the community's language and files it sends written privately: help, refusals, 0600 files."""

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


async def test_help_and_refusals_speak_the_community_s_language():
    out = io.StringIO()
    console = ConsolePlatform("console", SimulatedClock(), CommandRegistry(), lambda: None, stdout=out, locale="fr")
    await console.start(lambda event: None)
    for line in ("help", "dance alice", "say alice #general", "join al ice", "clock hier", "edit m9 bonjour"):
        assert await console.feed(line)
    printed = out.getvalue()
    assert "`say NOM #SALON TEXTE`" in printed and "cette aide\u00a0;" in printed
    assert "console\u00a0: ligne inconnue «\u00a0dance\u00a0». Tapez `help` pour la syntaxe des lignes." in printed
    assert "un message a besoin de texte (syntaxe\u00a0: `say NOM #SALON TEXTE`)" in printed
    assert "«\u00a0al ice\u00a0» n’est pas un nom de membre (lettres, chiffres, . _ -\u00a0;" in printed
    assert "«\u00a0hier\u00a0» n’est pas une date et une heure" in printed
    assert "pas de message «\u00a0m9\u00a0»" in printed
    assert "usage" not in printed and "unknown" not in printed  # not one English word of the console's own


async def test_english_refusals_keep_their_words():
    out = io.StringIO()
    console = ConsolePlatform("console", SimulatedClock(), CommandRegistry(), lambda: None, stdout=out)
    await console.start(lambda event: None)
    assert await console.feed("dance alice")
    assert "console: unknown line 'dance'. Type `help` for the line syntax." in out.getvalue()
