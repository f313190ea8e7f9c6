"""The benchmark harness's bookkeeping and the pipeline's stream, at tiny sizes (no timing is asserted)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from benchmarks.harness import Measure, Report, combine
from benchmarks.stream import counted, happenings, synthetic_texts


@pytest.mark.parametrize("seed", range(20))
def test_combine_gives_the_median_and_the_extremes_of_the_runs(seed):
    rng = random.Random(seed)
    values = [rng.uniform(0, 1e6) for _ in range(rng.randint(1, 7))]
    runs = [[Measure("s", "cmbot", "rate", value, "events/s")] for value in values]
    (combined,) = combine(runs)
    ordered = sorted(values)
    middle = len(ordered) // 2
    expected = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    assert combined.value == expected
    assert (combined.low, combined.high, combined.runs) == (ordered[0], ordered[-1], len(values))


def test_combine_keeps_text_figures_and_the_order_of_first_appearance():
    runs = [[Measure("s", "a", "x", 1.0), Measure("s", "b", "note", "7 / 0")],
            [Measure("s", "a", "x", 3.0), Measure("s", "b", "note", "8 / 0")]]
    first, second = combine(runs)
    assert (first.subject, first.value, first.low, first.high) == ("a", 2.0, 1.0, 3.0)
    assert (second.value, second.runs) == ("7 / 0", 2)
    table = Report(measures=[first, second]).table()
    assert "1.00–3.00 (2 runs)" in table or "1–3 (2 runs)" in table


def test_the_stream_mixes_what_a_community_does_and_lets_time_pass():
    stream = list(happenings(2_000, synthetic_texts(50), tick_every=20, tick_seconds=10))
    verbs = Counter(h.verb for h in stream)
    assert counted(stream) == 2_000
    assert verbs["tick"] == 99
    assert verbs["say"] > verbs["react"] > verbs["reply"] > verbs["join"] > 0
    assert verbs["leave"] > 0
    posted = 0
    for happening in stream:  # replies and reactions only aim at messages already posted
        if happening.verb in ("reply", "react"):
            assert 0 <= happening.target < posted
        if happening.verb in ("say", "reply"):
            posted += 1


async def test_the_console_plays_the_stream_without_a_refused_line(tmp_path):
    from benchmarks.pipeline import play_console, stream_of

    stream = stream_of(300, synthetic_texts(30))
    result = await play_console(stream, tmp_path, [])
    assert result.events == 300
    assert result.messages == sum(1 for h in stream if h.verb in ("say", "reply"))


def test_each_scenario_prints_its_lines_as_soon_as_it_is_done(monkeypatch, capsys):
    """A run of every scenario takes an hour: what is finished must be on screen before the next one starts."""
    from types import SimpleNamespace

    import benchmarks.__main__ as entry

    seen_before: dict[str, str] = {}

    def scenario(name: str):
        def run(options):
            seen_before[name] = capsys.readouterr().out
            return [Measure(name, "cmbot", "figure", 1.0)]
        return SimpleNamespace(run=run)

    monkeypatch.setattr(entry.importlib, "import_module", lambda path: scenario(path.rsplit(".", 1)[1]))
    assert entry.main(["startup", "dispatch", "--runs", "1"]) == 0
    assert "startup" not in seen_before["startup"]
    assert "startup" in seen_before["dispatch"] and "figure" in seen_before["dispatch"]


def test_the_feedback_channel_gets_a_small_share_of_the_messages():
    """Every top-level message of a feedback channel becomes an inbox item with a card: a community's feedback
    channel is a quiet place, not a fifth of its talk."""
    stream = list(happenings(20_000, synthetic_texts(50)))
    channels = Counter(h.channel for h in stream if h.verb == "say")
    said = sum(channels.values())
    assert channels.most_common(1)[0][0] == "general"
    assert 0 < channels["feedback"] / said < 0.05


def test_the_synthetic_sentences_are_plain_and_varied():
    texts = synthetic_texts(2_000)
    assert len(set(texts)) > 1_500
    assert all(text[0].isupper() and text.rstrip().endswith((".", "!", "?")) for text in texts)


async def test_each_block_of_the_flag_part_writes_its_own_buffered_rows(tmp_path):
    """At each lap the buffered writes are flushed before the CPU is noted: a clean block's engagement rows are on
    its own account, not written by the next flagged block's trips (the only ones a clean block never makes).
    A second connection, at each lap, finds every message played so far in the log."""
    import sqlite3

    from benchmarks.pipeline import play_console
    from benchmarks.stream import Happening
    from bot.features.engagement import feature as engagement

    stream = [Happening("say", member=f"m{i}", channel="general", text=text)
              for i, text in enumerate(synthetic_texts(40))]
    laps = frozenset({10, 20, 30})
    logged: list[int] = []

    def count_rows() -> None:
        [database] = tmp_path.glob("pipeline-*.db")
        with sqlite3.connect(database) as reader:
            logged.append(reader.execute("SELECT count(*) FROM engagement_events").fetchone()[0])

    await play_console(stream, tmp_path, [engagement], warmup=10, laps=laps, on_lap=count_rows, count_work=False)
    assert logged == [10, 20, 30, 40]  # each lap, then the end (after the final flush)
