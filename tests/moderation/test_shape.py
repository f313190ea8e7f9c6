"""The message shape the spam model reads: language-independent cues, bounded work, never an error."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handlers.moderation.classifier import SHIPPED, load_model, shipped_model_path
from handlers.moderation.shape import shape_features
from tests.moderation.work import calls


def test_a_pitch_has_the_shape_of_one_in_any_language():
    pitch = shape_features("ЗАРАБОТОК 500$ в день!!! пиши https://t.me/fastmoney или +7 912 345 67 89")
    assert {"~link", "~chat-invite", "~money", "~phone", "~exclamations:3"} <= pitch
    french = shape_features("Gagnez 1 000 € par mois, 100 % garanti : https://bit.ly/xYz12")
    assert {"~link", "~shortener", "~money", "~percent"} <= french


def test_an_everyday_message_has_none_of_those_cues():
    plain = shape_features("see you at the meetup on saturday, I'll bring the board games")
    assert not {"~link", "~phone", "~money", "~percent", "~shortener", "~chat-invite"} & plain
    assert "~capitals:0" in plain and "~digits:0" in plain


def test_capitals_digits_and_emoji_are_coarse_buckets():
    assert "~capitals:4" in shape_features("FREE ENTRY WIN NOW")
    assert "~digits:4" in shape_features("call 0800 123 4567 8910 1234 now")
    assert "~emoji:3" in shape_features("🔥🔥🔥🚀🚀🚀 moon")


@given(st.text(max_size=300))
def test_any_text_gives_bounded_prefixed_features(text):
    features = shape_features(text)
    assert all(f.startswith("~") for f in features) and len(features) < 40


def test_work_is_bounded_whatever_the_length():
    small = calls(lambda: shape_features("buy now https://a.example/x 50$ " * 200))
    large = calls(lambda: shape_features("buy now https://a.example/x 50$ " * 20_000))
    assert large <= small * 2  # the first MAX_CHARS characters, at most MAX_LINKS links


def test_the_shipped_spam_model_reads_the_shape_and_the_abuse_model_does_not():
    for name in SHIPPED:
        model = load_model(shipped_model_path(name))
        assert bool(model.meta.get("shape")) is (name == "spam")
        assert any(feature.startswith("~") for feature in model.weights) is (name == "spam")  # ("^": concepts)


@given(st.text(max_size=300) | st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_the_ascii_counts_are_the_regular_expressions_counts(text):
    """ASCII text is counted with bytes.translate (faster); the figures are those of the regex scans."""
    from handlers.moderation.shape import _DIGIT, _EMOJI, _LETTER, _UPPER, _counts

    naive = (len(_LETTER.findall(text)), len(_UPPER.findall(text)), len(_DIGIT.findall(text)),
             len(_EMOJI.findall(text)))  # fmt: skip
    assert _counts(text) == naive
