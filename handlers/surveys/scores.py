"""The two satisfaction scores and how sure we are of them.

- **NPS** (0–10, "would you recommend…"): promoters answer 9–10, detractors 0–6; NPS = %promoters −
  %detractors, from −100 to +100. Each answer is +1 (promoter), 0 (passive) or −1 (detractor) and the NPS is
  100 × their mean, so its standard error is 100 × √(Var/n) with Var = (p₊ + p₋) − (p₊ − p₋)², the variance of
  that ±1/0 variable. The margin is 1.96 standard errors (a 95 % normal interval, clipped to ±100): the usual
  method for NPS, stated in docs/loyalty.md. It is rough below about 30 answers; the report always shows the
  number of answers beside it.
- **CSAT** (1–5, "are you satisfied…"): the share of 4 and 5. A share near 0 or 1 from few answers makes the
  normal interval nonsense (0 % ± 0), so the interval is Wilson's score interval at 95 %, which stays inside
  [0, 1] and is honest about small samples.

Pure functions: the report, `/survey results` and the close summary all use them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal
PROMOTER_MIN = 9
DETRACTOR_MAX = 6
SATISFIED_MIN = 4


@dataclass(frozen=True, slots=True)
class NpsEstimate:
    answers: int
    promoters: int
    passives: int
    detractors: int
    score: float  # −100..100
    margin: float  # ± points, 95 %

    @property
    def low(self) -> float:
        return max(-100.0, self.score - self.margin)

    @property
    def high(self) -> float:
        return min(100.0, self.score + self.margin)


@dataclass(frozen=True, slots=True)
class CsatEstimate:
    answers: int
    satisfied: int
    share: float  # 0..1
    low: float  # Wilson 95 % interval
    high: float


def nps(scores: Sequence[int]) -> NpsEstimate | None:
    """None for no answers (a score of nobody is not 0)."""
    n = len(scores)
    if n == 0:
        return None
    promoters = sum(1 for s in scores if s >= PROMOTER_MIN)
    detractors = sum(1 for s in scores if s <= DETRACTOR_MAX)
    p_plus, p_minus = promoters / n, detractors / n
    variance = max(0.0, (p_plus + p_minus) - (p_plus - p_minus) ** 2)
    return NpsEstimate(
        answers=n, promoters=promoters, passives=n - promoters - detractors, detractors=detractors,
        score=100 * (p_plus - p_minus), margin=100 * Z95 * math.sqrt(variance / n),
    )


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a proportion: the p whose normal test does not reject successes/n."""
    if n <= 0:
        raise ValueError("an interval needs at least one answer")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, min(p, centre - half))  # exact at the ends, never past p̂
    high = 1.0 if successes == n else min(1.0, max(p, centre + half))
    return low, high


def csat(scores: Sequence[int]) -> CsatEstimate | None:
    n = len(scores)
    if n == 0:
        return None
    satisfied = sum(1 for s in scores if s >= SATISFIED_MIN)
    low, high = wilson(satisfied, n)
    return CsatEstimate(answers=n, satisfied=satisfied, share=satisfied / n, low=low, high=high)


def distribution(scores: Sequence[int], scale: tuple[int, int]) -> list[tuple[int, int]]:
    """(value, how many) for every value of the scale, zeros included."""
    low, high = scale
    return [(value, sum(1 for s in scores if s == value)) for value in range(low, high + 1)]
