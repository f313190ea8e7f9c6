"""The recommendation: which figures lead to which advice, with the thresholds of the config."""

from __future__ import annotations

import pytest

from config.engagement import ReportSettings
from schedules.report.advice import advise

SETTINGS = ReportSettings()  # min 5 joiners, low activation 25 %, high 50 %, stagnant below 1 % growth

K = 1000  # members at the start of the week


@pytest.mark.parametrize(
    ("numbers", "kind"),
    [
        ({"newcomers": 40, "newcomer_activation": 0.10, "net_growth": 40, "members_at_start": K},
         "community_management"),
        ({"newcomers": 10, "newcomer_activation": 0.80, "net_growth": 2, "members_at_start": K}, "reach"),
        ({"newcomers": 10, "newcomer_activation": 0.80, "net_growth": 50, "members_at_start": K}, "steady"),
        ({"newcomers": 10, "newcomer_activation": 0.40, "net_growth": 2, "members_at_start": K}, "steady"),
        ({"newcomers": 2, "newcomer_activation": 1.0, "net_growth": -3, "members_at_start": K}, "reach"),
        ({"newcomers": 2, "newcomer_activation": 0.5, "net_growth": 2, "members_at_start": 100}, "too_few"),
        ({"newcomers": 0, "newcomer_activation": None, "net_growth": 0, "members_at_start": 0}, "too_few"),
    ],
)
def test_advice_follows_the_playbook(numbers, kind):
    assert advise(numbers, SETTINGS).kind == kind


def test_the_advice_names_the_figures_behind_it():
    advice = advise({"newcomers": 40, "newcomer_activation": 0.10, "net_growth": 40, "members_at_start": K},
                    SETTINGS)
    assert advice.evidence == {"newcomers": 40, "newcomer_activation": 0.10}
