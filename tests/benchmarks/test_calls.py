"""The call counter behind the pipeline's counted figures: it counts calls, exactly, and only while it runs."""

from __future__ import annotations

from benchmarks.calls import CallCount


def _leaf() -> int:
    return 1


def _calls_leaf(times: int) -> int:
    return sum(_leaf() for _ in range(times))


def test_the_counter_counts_each_call_made_while_it_runs():
    counts = []
    for times in (10, 20, 40):
        counter = CallCount()
        _calls_leaf(5)  # before the start: not counted
        counter.start()
        _calls_leaf(times)
        counted = counter.stop()
        _calls_leaf(5)  # after the stop: not counted either
        assert counted == counter.calls
        counts.append(counted)
    # each extra `_leaf` call is one call, plus one resumption of the generator that makes it
    assert counts[1] - counts[0] == 2 * 10
    assert counts[2] - counts[1] == 2 * 20
