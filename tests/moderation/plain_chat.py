"""A seeded generator of plain community chat in English and French, for bounding false positive rates.

Everyday chat is full of the words pitches are made of: "call", "reply", "now", "free" (« tu es libre ? »),
"check out the photos", "let me know", times and small numbers ("at 7", "3 of us", "room 204"), a price now and
then ("lunch was 12 euros"). A spam rule or model that reads those as a pitch floods the moderators with cards
(each flag is one), so the tests bound the share of these sentences flagged. The vocabulary here is written for
the tests, independently of the benchmark's own stream and of every public set.
"""

from __future__ import annotations

import random

EN_OPENERS = ("", "", "", "hey, ", "Hi! ", "ok so ", "Morning all. ", "lol ", "Sorry, ", "Quick one: ", "btw ")
EN_SUBJECTS = ("the raid last night", "my cat", "the build on Linux", "Sam's drawing", "the quiz", "our next call",
               "the new map", "the bus to the venue", "the art channel", "my exam", "the patch notes",
               "the pizza place near the station", "this song", "the wiki page", "the boss fight", "the rain")
EN_PREDICATES = ("was amazing", "took forever", "is finally working", "made me laugh", "is tomorrow at 7",
                 "starts in 10 minutes", "needs two more people", "is in room 204", "broke again", "was so cozy",
                 "is free for members", "looks better in dark mode", "cost me 12 euros", "ended 3 to 1",
                 "is on the pinned message", "was worth the wait")
EN_CLOSERS = ("", "", "", " Let me know what you think.", " Call me when you're back.", " Reply here if you're in.",
              " Check out the photos in #gallery.", " See you now-ish.", " Are you free tonight?", " Thanks!",
              " Anyone else?", " I'll DM the notes to Alex later.", " Good luck to everyone!", " :)",
              " Text me if you get lost.", " Happy to help if anyone is stuck.")
FR_OPENERS = ("", "", "", "Salut, ", "Coucou ! ", "Bon, ", "Bonjour à tous. ", "mdr ", "Désolé, ", "Au fait, ")
FR_SUBJECTS = ("la soirée d'hier", "mon chat", "la nouvelle carte", "le dessin de Léa", "le quiz",
               "notre prochain appel", "le bus pour la salle", "mon examen", "la mise à jour", "la pizzeria d'à côté",
               "cette chanson", "la page du wiki", "le boss final", "la pluie", "le salon musique")
FR_PREDICATES = ("était géniale", "a pris une éternité", "marche enfin", "m'a fait rire", "c'est demain à 19 h",
                 "commence dans 10 minutes", "il manque deux personnes", "c'est en salle 204", "a encore planté",
                 "était trop bien", "est gratuit pour les membres", "m'a coûté 12 euros", "s'est fini 3 à 1",
                 "est dans le message épinglé", "valait le coup")
FR_CLOSERS = ("", "", "", " Dites-moi ce que vous en pensez.", " Appelle-moi quand tu rentres.",
              " Répondez ici si vous venez.", " Allez voir les photos dans #galerie.", " Tu es libre ce soir ?",
              " Merci !", " Quelqu'un d'autre ?", " Je t'envoie les notes en MP.", " Bon courage à tous !",
              " Bonne soirée.", " J'arrive maintenant.")


def plain_chat(count: int, seed: int = 2024) -> list[str]:
    """`count` plain chat messages, about half English and half French, the same for a given seed."""
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        french = rng.random() < 0.5
        openers, subjects, predicates, closers = (
            (FR_OPENERS, FR_SUBJECTS, FR_PREDICATES, FR_CLOSERS) if french
            else (EN_OPENERS, EN_SUBJECTS, EN_PREDICATES, EN_CLOSERS)
        )  # fmt: skip
        body = f"{rng.choice(subjects)} {rng.choice(predicates)}"
        if rng.random() < 0.3:
            body += f" {'et' if french else 'and'} {rng.choice(subjects)} {rng.choice(predicates)}"
        opener = rng.choice(openers)
        if not opener or opener.endswith((". ", "! ", ": ")):
            body = body[0].upper() + body[1:]
        messages.append(f"{opener}{body}.{rng.choice(closers)}")
    return messages
