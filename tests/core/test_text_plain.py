"""`Text.plain` looks spans up by type; a naive chain of tests over every kind of span must read the same."""

from hypothesis import given
from hypothesis import strategies as st

from bot.text import Link, Markup, MentionChannel, MentionUser, Plain, Strong, Text


def naive_plain(text: Text) -> str:
    out = []
    for span in text.spans:
        if isinstance(span, Plain | Strong | Markup):
            out.append(span.value)
        elif isinstance(span, MentionUser):
            out.append("@" + span.user_id)
        elif isinstance(span, MentionChannel):
            out.append("#" + span.channel_id)
        elif isinstance(span, Link):
            out.append(span.label + " (" + span.url + ")" if span.label else span.url)
        else:
            raise AssertionError(f"unknown span {span!r}")
    return "".join(out)


words = st.text(max_size=12)
spans = st.one_of(
    st.builds(Plain, words), st.builds(Strong, words), st.builds(Markup, words),
    st.builds(MentionUser, words), st.builds(MentionChannel, words), st.builds(Link, words, words),
)


@given(st.lists(spans, max_size=8))
def test_plain_reads_like_the_naive_rendering(parts: list) -> None:
    text = Text(tuple(parts))
    assert text.plain() == naive_plain(text)


def test_every_kind_of_span_has_a_plain_form() -> None:
    text = Text.of("a ", Strong("b"), MentionUser("1"), " ", MentionChannel("2"), Link("https://x.y", "z"),
                   Link("https://u.v"), Markup("*m*"))
    assert text.plain() == "a b@1 #2z (https://x.y)https://u.v*m*"
