"""Finding a scheduled post on Discord after a crash, when the ledger cannot say whether it was sent.

Discord returns a message's nonce only in the answer to the send and in the gateway's MESSAGE_CREATE, never in
the channel's history, and a message carries no hidden field a bot could mark it with. What history does
return, and what only the bot can produce, is a message *authored by the bot's own user*, with the text and
embeds the bot rendered. So a post is recognised by three things together:

- the author is our bot user (nobody else can post as it);
- it was created after the delivery was claimed (less a margin for clock skew, given by the caller);
- its fingerprint (content and rich embeds' text, as Discord stores them) equals the rendering of the post.

Two posts with the same text in the same channel and window are told apart by the ledger: the caller passes the
message ids already attributed to other deliveries (`FindPost.taken`), and those are skipped; reconciliation
runs one delivery at a time, so each identical copy is claimed by one delivery only. The answer is "not found"
only when the whole window was searched: past `SCAN_LIMIT` messages, or with no content to compare, it stays
open (a transient failure) and the CMs decide, rather than a duplicate on a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

import discord

from bot.actions import ActionResult, Content, FindPost
from bot.platforms.discord.render import nonce_for, render_content

SCAN_LIMIT = 1000  # messages searched after the claim: a crash is minutes old, not days
NOT_FOUND = "not found"
Fingerprint = tuple[str, tuple[tuple[str, ...], ...]]


def _text(value: object) -> str:
    """Discord trims what it stores; None and an empty string are the same absence."""
    return str(value or "").strip()


def fingerprint(content: str | None, embeds: Iterable[discord.Embed]) -> Fingerprint:
    """What identifies a message's text: its content and its rich embeds' title, description, fields, footer.
    Images, colours and link previews Discord adds later are left out."""
    cards = tuple(
        (_text(e.title), _text(e.description), _text(e.footer.text),
         *(f"{_text(f.name)}\x1f{_text(f.value)}" for f in e.fields))
        for e in embeds if e.type == "rich"
    )  # fmt: skip
    return _text(content), cards


def _expected(content: Content) -> Fingerprint | None:
    """The fingerprint the post has on Discord; None when there is nothing to compare (an empty message would
    match any other) or the post's image is gone (its card cannot be rendered again)."""
    try:
        rendered = render_content(content)
    except OSError:
        return None
    for file in rendered.files:  # opened for an upload that will not happen
        file.close()
    expected = fingerprint(rendered.content, rendered.embeds)
    return None if expected == ("", ()) else expected


async def find_post(client: discord.Client, bot_user_id: int, action: FindPost) -> ActionResult:
    """Our message in the channel since `action.since` that is this post: by nonce when Discord gave one back
    (a cached message), else by fingerprint; see the module's docstring for why this is sound."""
    wanted_nonce = nonce_for(action.idempotency_key)
    wanted: Fingerprint | None = None
    if action.content is not None:
        wanted = _expected(action.content)
    channel = client.get_partial_messageable(int(action.channel_id))
    ours_unmatched = scanned = 0
    async for message in channel.history(limit=None, after=action.since.astimezone(UTC), oldest_first=True):
        scanned += 1
        if scanned > SCAN_LIMIT:
            return ActionResult.failed(f"more than {SCAN_LIMIT} messages since the claim", permanent=False)
        if message.author.id != bot_user_id or str(message.id) in action.taken:
            continue
        if message.nonce is not None:  # known only for a message this process saw sent: it decides alone
            if str(message.nonce) == wanted_nonce:
                return ActionResult.done(str(message.id), action.channel_id)
        elif wanted is not None and fingerprint(message.content, message.embeds) == wanted:
            return ActionResult.done(str(message.id), action.channel_id)
        ours_unmatched += 1
    if ours_unmatched and wanted is None:
        return ActionResult.failed(f"{ours_unmatched} message(s) of ours, none recognisable", permanent=False)
    return ActionResult.failed(NOT_FOUND, permanent=True)
