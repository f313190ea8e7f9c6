"""Open Discord interactions, kept until answered so that `Answer` / `OpenModal` actions can reach them.

Discord gives 3 seconds for the first response and 15 minutes for follow-ups. A slow command is deferred
before the core runs it; an answer after a deferral edits the "thinking…" message (or, when the handler
wants the other visibility, sends a follow-up and removes the placeholder). Entries expire after 15 minutes,
so memory stays bounded however many interactions arrive.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord

from bot.platforms.discord.render import Rendered

INTERACTION_LIFETIME = timedelta(minutes=15)


@dataclass
class OpenInteraction:
    interaction: discord.Interaction
    created_at: datetime
    deferred_ephemeral: bool | None = None  # set when deferred with a "thinking" placeholder
    answered: bool = False

    @property
    def responded(self) -> bool:
        return self.interaction.response.is_done()

    async def defer_thinking(self, ephemeral: bool = True) -> None:
        await self.interaction.response.defer(ephemeral=ephemeral, thinking=True)
        self.deferred_ephemeral = ephemeral

    async def acknowledge(self) -> None:
        """A silent acknowledgement (button clicks, modal submits nobody answered): no "interaction failed"."""
        if not self.responded:
            await self.interaction.response.defer()

    async def answer(self, rendered: Rendered, ephemeral: bool) -> None:
        kwargs = rendered.send_kwargs()
        if not self.responded:
            await self.interaction.response.send_message(**kwargs, ephemeral=ephemeral)
        elif self.deferred_ephemeral is not None and not self.answered:
            if self.deferred_ephemeral == ephemeral:
                await self.interaction.edit_original_response(**rendered.edit_kwargs())
            else:
                await self.interaction.followup.send(**_followup(kwargs), ephemeral=ephemeral)
                await self.interaction.delete_original_response()
        else:
            await self.interaction.followup.send(**_followup(kwargs), ephemeral=ephemeral)
        self.answered = True

    async def open_modal(self, form: discord.ui.Modal) -> None:
        await self.interaction.response.send_modal(form)
        self.answered = True


def _followup(kwargs: dict) -> dict:
    cleaned = dict(kwargs)
    if cleaned.get("content") is None:
        cleaned.pop("content", None)
    return cleaned


class OpenInteractions:
    """Interactions by id, oldest first; expired ones are dropped as new ones arrive."""

    def __init__(self) -> None:
        self._open: OrderedDict[str, OpenInteraction] = OrderedDict()

    def add(self, key: str, entry: OpenInteraction) -> None:
        self._open[key] = entry
        limit = entry.created_at - INTERACTION_LIFETIME
        while self._open:
            oldest = next(iter(self._open.values()))
            if oldest.created_at >= limit:
                break
            self._open.popitem(last=False)

    def get(self, key: str) -> OpenInteraction | None:
        return self._open.get(key)

    def __len__(self) -> int:
        return len(self._open)
