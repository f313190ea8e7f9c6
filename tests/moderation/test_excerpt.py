"""The flag's excerpt: its fast way for printable heads gives what the UTF-16 round trip gave for every text."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from handlers.moderation.flags import EXCERPT_CHARS, excerpt


def reference_excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The excerpt as it was written before the fast way: every text through UTF-16 and back."""
    cleaned = text[: limit * 4].encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    cleaned = cleaned[: limit * 2]
    if not cleaned.isprintable():
        cleaned = "".join(c if c.isprintable() else " " for c in cleaned)
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


texts = st.text(alphabet=st.characters(codec=None), max_size=400) | st.lists(
    st.sampled_from(["a", " ", "\n", "é", "\ud83d", "\ude00", "\ud83d\ude00", "\x00", "\u200b", "   "]),
    max_size=400).map("".join)


@given(texts, st.integers(min_value=1, max_value=200))
@example("x" * 319 + "\ud83d\ude00" + "y", 160)  # a pair straddling the head's end
@example("\ud83d" + "a" * 500, 160)  # a lone surrogate first
@example("a" * 200 + "\n" + "b" * 200, 160)
def test_the_excerpt_is_what_the_round_trip_gave(text, limit):
    assert excerpt(text, limit) == reference_excerpt(text, limit)


def test_a_printable_message_keeps_its_words_and_its_length_bound():
    assert excerpt("fuck  you ") == "fuck you"
    long = "word " * 100
    assert len(excerpt(long)) == EXCERPT_CHARS and excerpt(long).endswith("…")
    assert excerpt("a\ud83db") == "a\ufffdb"
