"""Facts of the raw text found once per message and shared, and the spam cues' phrase search: each reader
gets what it would have found alone.

The triage, the spam, newcomer and link rules and the spam model's shape all ask whether a message holds a
link and which, the triage and the spam rule whether it holds a digit: `MessageFacts.has_link`, `.links` and
`.has_digit` answer once per message. Checked against `urls.has_link`, `urls.find_links` and a digit scan of
any script on generated text full of links, dots, look-alike domains and digits; the spam cues' phrases,
found by one substring search each, against a word-by-word comparison.
"""

from __future__ import annotations

import re
from itertools import islice

from hypothesis import example, given, settings
from hypothesis import strategies as st

from handlers.moderation import spam
from handlers.moderation.rules.base import MAX_LINKS, MessageFacts
from handlers.moderation.shape import MAX_CHARS, shape_key
from handlers.moderation.urls import find_links, has_link

_PIECES = ["https://bit.ly/abc", "http://x.co/a?b=1", "www.example.com", "discord.gg/xyz", "t.me/offer",
           "dlscord-nitro.gift/claim", "site.xyz", "a.b", "end.", "3.50", "u.s.a", "HTTPS://EXAMPLE.ORG/X",
           "xn--80ak6aa92e.com", "free", "nitro", "$20", "call", "0612345678", "!", "🔥", "mail@host.fr", "٣",
           "５"]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=70).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
@example(" ".join(f"site{n}.com" for n in range(MAX_LINKS + 5)))
def test_the_shared_links_are_what_each_reader_finds_alone(text):
    facts = MessageFacts(text)
    assert facts.has_link == has_link(text)
    assert facts.links == tuple(islice(find_links(text), MAX_LINKS))
    assert facts.has_digit == (re.search(r"\d", text[: spam.AMOUNT_WINDOW]) is not None)
    if len(text) <= MAX_CHARS:
        shared = facts.links if facts.has_link else ()
        assert shape_key(text, shared) == shape_key(text)


def _naive_cues(words: list[str]) -> set[str]:
    words = words[: spam.MAX_WORDS]
    kinds = {spam._SINGLE[word] for word in words if word in spam._SINGLE}
    for phrases in spam._PHRASES.values():
        for phrase, kind in phrases:
            if any(tuple(words[i : i + len(phrase)]) == phrase for i in range(len(words))):
                kinds.add(kind)
    return kinds


_CUE_WORDS = sorted({word for phrases in spam._PHRASES.values() for phrase, _ in phrases for word in phrase})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CUE_WORDS) | st.sampled_from(["a", "the", "x1"]), max_size=30))
def test_the_spam_phrases_found_by_substring_are_those_found_word_by_word(words):
    assert set(spam.find_spam(words, "").cues) == _naive_cues(words)
