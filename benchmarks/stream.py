"""A realistic stream of community activity, the same for every platform the pipeline benchmark drives.

The mix follows what a lively community shows: most events are messages, then reactions and replies, with a
trickle of members joining and leaving. Time moves on: a few events per simulated second, so rate limits,
flood windows and nightly jobs see time pass as in production. Messages go mostly to the general channel,
then help and off-topic; the feedback channel, whose every top-level message becomes an inbox item with a card,
gets a small share (3 %), as in a community where feedback has its own quiet place. Texts are either
synthetic plain sentences (clean: built from everyday phrases, no word salad) or real tweets from a public
labelled set (Davidson's "neither" class: everyday English tweets of which a few percent trip the rules), read
from the data folder; without it the real-text stream is absent and the benchmark says so instead of
inventing figures.
"""

from __future__ import annotations

import csv
import html
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REGULARS = 2_000
# Where top-level messages go, and each channel's share of them.
CHANNELS = ("general", "help", "off-topic", "feedback", "announcements")
CHANNEL_SHARES = (0.55, 0.22, 0.18, 0.03, 0.02)
EMOJIS = ("👍", "❤️", "😂", "🎉", "👀")
# Plain everyday sentences: an opener, a statement (subject + what about it), sometimes a closer.
OPENERS = ("", "", "", "Hi all, ", "Good morning! ", "Quick question: ", "Thanks again, ", "By the way, ",
           "Hello everyone, ", "Update: ")
SUBJECTS = ("the new release", "the settings page", "the meetup on Friday", "my phone", "the last update",
            "the photo contest", "the weekend event", "the help page", "the music playlist", "the team",
            "the mobile app", "the newsletter", "this community", "the coffee chat", "the dark mode")
STATEMENTS = ("works great for me", "was a lot of fun", "looks much better now", "is hard to find",
              "crashed once this morning", "deserves more love", "made my day", "is on my list for tomorrow",
              "could use a search option", "was fixed yesterday", "is really well done", "needs a small tweak",
              "brought back good memories", "is where I learned the most", "starts at six tonight")
CLOSERS = ("", "", "", " Thanks!", " See you there.", " Any tips?", " Has anyone else tried it?",
           " Have a nice day.", " Great job, team.", " Let me know what you think.")
DAVIDSON = "moderation/en/davidson_labeled_data.csv"
NEITHER = "2"


@dataclass(frozen=True, slots=True)
class Happening:
    """One thing that happens: `verb` is join, leave, say, reply, react or tick (time passes by `seconds`).

    `target` is the index (0-based, in posting order) of the message replied or reacted to."""

    verb: str
    member: str = ""
    channel: str = ""
    text: str = ""
    target: int = -1
    seconds: int = 0


def synthetic_texts(count: int = 5_000, seed: int = 11) -> list[str]:
    """Plain, clean everyday sentences (one or two statements with an opener and a closer now and then)."""
    rng = random.Random(seed)

    def statement() -> str:
        return f"{rng.choice(SUBJECTS)} {rng.choice(STATEMENTS)}"

    texts = []
    for _ in range(count):
        body = statement() if rng.random() < 0.6 else f"{statement()} and {statement()}"
        opener = rng.choice(OPENERS)
        body = body[0].upper() + body[1:] if not opener or opener.endswith(("! ", ": ")) else body
        texts.append(f"{opener}{body}.{rng.choice(CLOSERS)}")
    return texts


def real_texts(data_dir: Path) -> list[str] | None:
    """Davidson's everyday ("neither") tweets, HTML entities unescaped; None when the data set is absent."""
    path = Path(data_dir) / DAVIDSON
    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        return [html.unescape(row["tweet"]) for row in csv.DictReader(handle) if row["class"] == NEITHER]


def offensive_texts(data_dir: Path) -> list[str] | None:
    """Davidson's hate and offensive tweets (most of which the default rules flag); None without the data set."""
    path = Path(data_dir) / DAVIDSON
    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        return [html.unescape(row["tweet"]) for row in csv.DictReader(handle) if row["class"] != NEITHER]


def happenings(count: int, texts: list[str], seed: int = 5, tick_every: int = 20,
               tick_seconds: int = 10) -> Iterator[Happening]:
    """`count` events: messages 58 %, reactions 24 %, replies 15 %, joins 2 %, leaves 1 %, with time ticks.

    Every `tick_every` events the clock moves `tick_seconds` (ticks are not counted as events)."""
    rng = random.Random(seed)
    posted = 0
    newcomers = 0
    present: list[str] = []
    for index in range(count):
        if index and index % tick_every == 0:
            yield Happening("tick", seconds=tick_seconds)
        draw = rng.random()
        member = f"member{int(REGULARS * rng.random() ** 2)}"  # skewed: a few members do most of the talking
        if draw < 0.02:
            newcomers += 1
            present.append(f"newcomer{newcomers}")
            yield Happening("join", member=present[-1])
        elif draw < 0.03 and present:
            yield Happening("leave", member=present.pop(rng.randrange(len(present))))
        elif draw < 0.27 and posted:
            yield Happening("react", member=member, target=max(0, posted - 1 - int(rng.random() ** 3 * 200)),
                            text=rng.choice(EMOJIS))
        elif draw < 0.42 and posted:
            posted += 1
            yield Happening("reply", member=member, target=max(0, posted - 2 - int(rng.random() ** 3 * 50)),
                            text=rng.choice(texts))
        else:
            posted += 1
            yield Happening("say", member=member, channel=rng.choices(CHANNELS, CHANNEL_SHARES)[0],
                            text=rng.choice(texts))


def counted(stream: list[Happening]) -> int:
    """How many of `stream` are community events (time ticks are not)."""
    return sum(1 for h in stream if h.verb != "tick")


def one_line(text: str) -> str:
    return " ".join(text.split()) or "…"
