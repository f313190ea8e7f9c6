"""The CMs' buttons and the privacy rights on the inbox, on the console with a real store: stale clicks are
explained, hostile text stays inert, export and forget-me reach feedback, retention erases words then rows."""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta
from pathlib import Path

from bot.events import ButtonClicked, ChannelRef, Member, ModalSubmitted, PlatformName


async def _feedback(session, text="Un mode sombre") -> str:
    await session.play(f"""
        join alice
        cmd alice #general /feedback
        submit alice fb:new kind=idea "text={text}"
    """)
    return session.rows("SELECT card_message_id FROM feedback_items ORDER BY id DESC LIMIT 1")[0][0]


EVENT_IDS = itertools.count()


async def _click(session, who: str, roles: frozenset[str], custom_id: str, card: str) -> str:
    """A click on a card as it was when the member saw it (an old copy of the card: a stale click)."""
    dispatcher = session.app.services.dispatcher
    community = session.console.community
    await dispatcher.dispatch(ButtonClicked(
        platform=PlatformName.CONSOLE, space_id="console", event_id=f"click-{next(EVENT_IDS)}",
        at=session.clock.now(), channel=ChannelRef("moderation"), member=Member(who, who, roles),
        custom_id=custom_id, message_id=card, interaction=community.interaction(who, "moderation")))
    return await session.play("")


async def test_stale_clicks_say_who_decided_and_redraw_the_card(session):
    card = await _feedback(session)
    await session.play(f"click claire[cm] {card} Pris en compte")
    printed = await _click(session, "bob", frozenset({"cm"}), "fb:ack:1", card)
    assert "déjà été pris en compte par claire" in printed
    await session.play(f"click claire {card} Clore")
    for verb in ("ack", "answer", "done"):
        printed = await _click(session, "bob", frozenset({"cm"}), f"fb:{verb}:1", card)
        assert "déjà été clos par claire" in printed, verb
    printed = await _click(session, "bob", frozenset({"cm"}), "fb:done:99", card)
    assert "n’existe plus" in printed
    printed = await _click(session, "mallory", frozenset(), "fb:done:1", card)
    assert "Seuls les community managers" in printed
    assert session.rows("SELECT count(*) FROM feedback_history") == [(2,)]


async def test_an_answer_submitted_after_closing_is_refused_and_not_sent(session):
    card = await _feedback(session)
    await session.play(f"click claire[cm] {card} Répondre")
    await session.play(f"click bob[cm] {card} Clore")
    printed = await session.play('submit claire fb:answer:1 "answer=Trop tard"')
    assert "déjà été clos par bob" in printed and "[DM → alice]" not in printed


async def test_a_forged_answer_modal_from_a_member_is_refused(session):
    await _feedback(session)
    dispatcher = session.app.services.dispatcher
    await dispatcher.dispatch(ModalSubmitted(
        platform=PlatformName.CONSOLE, space_id="console", event_id="forged", at=session.clock.now(),
        member=Member("mallory", "mallory"), custom_id="fb:answer:1", values={"answer": "@everyone gratuit"},
        interaction=session.console.community.interaction("mallory", "general")))
    printed = await session.play("")
    assert "Seuls les community managers" in printed and "[DM → alice]" not in printed


async def test_hostile_text_stays_inert(session):
    hostile = "@everyone <!channel> {member.__class__} {0} **gras** \x1b[31m"
    await _feedback(session, hostile)
    text = session.rows("SELECT text FROM feedback_items")[0][0]
    assert text.startswith("@everyone <!channel> {member.__class__} {0} **gras**") and "\x1b" not in text
    card = session.console.community.messages[session.rows("SELECT card_message_id FROM feedback_items")[0][0]]
    assert "{member.__class__} {0}" in card.text  # shown as written, never formatted


async def test_empty_or_unknown_kind_or_too_long_text_is_refused_and_nothing_stored(session):
    await session.play("join alice")
    for line, expected in (
        ('submit alice fb:new kind=rant "text=Bof"', "Choisissez un type de retour"),
        ('submit alice fb:new kind=bug "text=   "', "Votre message est vide"),
        (f'submit alice fb:new kind=bug "text={"x" * 2001}"', "2 001 caractères, pour 2 000 caractères au plus"),
    ):
        await session.play("cmd alice #general /feedback")
        printed = await session.play(line)
        assert expected in printed.replace("\u202f", " ").replace("\xa0", " "), printed
    assert session.rows("SELECT count(*) FROM feedback_items") == [(0,)]


async def test_export_and_forget_me_reach_the_feedback_and_the_cms_decisions(session):
    card = await _feedback(session)
    await session.play(f"click claire[cm] {card} Pris en compte")
    printed = await session.play("cmd alice /privacy export")
    assert "vos retours et suggestions, avec leur suivi (1)" in printed  # what is kept, in words
    [path] = re.findall(r"\[(?:file|fichier\u00a0): (.+?\.json)\]", printed)  # the file the console wrote
    exported = json.loads(Path(path).read_text(encoding="utf-8"))
    assert "feedback_items" in exported["tables"] and "Un mode sombre" in json.dumps(exported, ensure_ascii=False)
    await session.play("cmd claire /privacy forget-me confirm=oui")
    assert session.rows("SELECT by, by_name FROM feedback_history") == [("forgotten", None)]
    await session.play("cmd alice /privacy forget-me confirm=oui")
    assert session.rows("SELECT count(*) FROM feedback_items") == [(0,)]
    assert session.rows("SELECT count(*) FROM feedback_history") == [(0,)]
    assert "Un mode sombre" in session.console.community.messages[card].text  # until the next sweep…
    printed = await session.play("clock +10m")
    assert "Retour n°\u00a01 — effacé" in printed  # …which clears the card in the CMs' channel
    assert "Un mode sombre" not in session.console.community.messages[card].text
    assert session.rows("SELECT count(*) FROM feedback_erased_cards") == [(0,)]


async def test_retention_erases_the_words_then_the_feedback(session):
    card = await _feedback(session)
    await session.play(f"click claire[cm] {card} Répondre")
    await session.play('submit claire fb:answer:1 "answer=Merci"')
    await session.play("clock +89d")
    assert session.rows("SELECT text IS NOT NULL, answer IS NOT NULL FROM feedback_items") == [(1, 1)]
    printed = await session.play("clock +2d")
    assert session.rows("SELECT text, answer FROM feedback_items") == [(None, None)]
    assert "Texte effacé, comme prévu, 90 jours après sa réception." in printed  # the card was redrawn
    assert "Un mode sombre" not in session.console.community.messages[card].text
    await session.play(f"clock +{396 - 91 + 1}d")
    assert session.rows("SELECT count(*) FROM feedback_items") == [(0,)]
    assert "effacé" in session.console.community.messages[card].text


def test_days_are_whole_days():
    assert timedelta(days=90).total_seconds() == 90 * 86_400
