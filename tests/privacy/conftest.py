"""Privacy tests reuse the welcome harness (a running app on a recording platform) and add command calls."""

from __future__ import annotations

import itertools

from bot.events import CommandInvoked, InteractionRef, Member, PlatformName
from tests.welcome.conftest import Harness, make_harness  # noqa: F401  (the fixture, shared)

_tokens = itertools.count(1)


async def command(harness: Harness, member_id: str, line: str, platform: PlatformName = PlatformName.CONSOLE,
                  space_id: str = "console") -> list:
    """Run `/privacy …` as `member_id`; returns the answers the caller saw (plain text)."""
    path, options = harness.app.services.commands.split_line(line)
    token = f"i{next(_tokens)}"
    event = CommandInvoked(
        platform=platform, space_id=space_id, event_id=token, at=harness.clock.now(),
        member=Member(member_id, member_id), path=path, options=options,
        interaction=InteractionRef(platform, token),
    )
    await harness.app.services.dispatcher.dispatch(event)
    from bot.actions import Answer

    answers = [a for a in harness.platform.of_type(Answer) if a.interaction.token == token]
    assert all(a.ephemeral for a in answers)
    return [a.content.text.plain() for a in answers]
