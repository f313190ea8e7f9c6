"""The scores and their margins against naive computations, on generated answers (Hypothesis)."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.surveys.scores import Z95, csat, distribution, nps, wilson

NPS_SCORES = st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=300)
CSAT_SCORES = st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=300)


def naive_nps(scores: list[int]) -> tuple[float, float]:
    """Each answer as +1 / 0 / −1; the NPS is 100 × their mean and its margin 1.96 × the standard error of
    that mean (population variance over n), computed with the statistics module."""
    signs = [1 if s >= 9 else (-1 if s <= 6 else 0) for s in scores]
    mean = statistics.fmean(signs)
    return 100 * mean, 100 * Z95 * math.sqrt(statistics.pvariance(signs) / len(signs))


def naive_wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson's interval is the set of p that the score test accepts: |p̂ − p| ≤ z √(p(1−p)/n). Find its ends by
    bisection on that inequality, with no closed formula."""
    p_hat = successes / n

    def accepted(p: float) -> bool:
        return abs(p_hat - p) <= Z95 * math.sqrt(p * (1 - p) / n) + 1e-15

    def edge(inside: float, outside: float) -> float:
        for _ in range(80):
            middle = (inside + outside) / 2
            inside, outside = (middle, outside) if accepted(middle) else (inside, middle)
        return inside

    low = 0.0 if accepted(0.0) else edge(p_hat, 0.0)
    high = 1.0 if accepted(1.0) else edge(p_hat, 1.0)
    return low, high


@given(NPS_SCORES)
def test_nps_and_its_margin_equal_the_naive_computation(scores):
    found = nps(scores)
    assert found is not None
    score, margin = naive_nps(scores)
    assert found.score == pytest.approx(score, abs=1e-9)
    assert found.margin == pytest.approx(margin, abs=1e-6)
    assert found.promoters + found.passives + found.detractors == len(scores) == found.answers
    assert -100 <= found.low <= found.score <= found.high <= 100


@given(CSAT_SCORES)
def test_csat_share_and_wilson_interval_equal_the_naive_search(scores):
    found = csat(scores)
    assert found is not None
    satisfied = sum(1 for s in scores if s in (4, 5))
    assert found.share == satisfied / len(scores)
    low, high = naive_wilson(satisfied, len(scores))
    assert found.low == pytest.approx(low, abs=1e-9)
    assert found.high == pytest.approx(high, abs=1e-9)
    assert 0 <= found.low <= found.share <= found.high <= 1


@given(st.integers(min_value=1, max_value=5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_always_holds_the_observed_share_and_shrinks_with_more_answers(pair):
    successes, n = pair
    low, high = wilson(successes, n)
    assert 0 <= low <= successes / n <= high <= 1
    low4, high4 = wilson(successes * 4, n * 4)
    assert high4 - low4 < high - low


def test_known_values():
    # 10 answers: 5 promoters, 3 passives, 2 detractors -> NPS 30; variance 0.7 − 0.09 = 0.61
    found = nps([10, 9, 9, 10, 9, 7, 8, 7, 3, 0])
    assert found is not None and found.score == pytest.approx(30)
    assert found.margin == pytest.approx(100 * Z95 * math.sqrt(0.61 / 10))
    # Wilson for 0 of 10: [0, 0.2775] (the normal interval would say 0 ± 0)
    low, high = wilson(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    assert nps([]) is None and csat([]) is None
    assert distribution([1, 1, 5], (1, 5)) == [(1, 2), (2, 0), (3, 0), (4, 0), (5, 1)]
    all_same = nps([10] * 7)
    assert all_same is not None and all_same.score == 100 and all_same.margin == 0
