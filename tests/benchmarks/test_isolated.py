"""Each benchmark subject in a fresh process: its figures come back, its failures too (no timing is asserted)."""

from __future__ import annotations

import operator
import os

import pytest

from benchmarks.isolated import SubjectFailed, in_fresh_process


def test_a_subject_runs_in_a_process_of_its_own_and_sends_its_result_back():
    assert in_fresh_process(operator.add, 2, 3) == 5
    assert in_fresh_process(os.getpid) != os.getpid()


def test_a_subject_that_raises_is_reported_with_its_own_traceback():
    with pytest.raises(SubjectFailed, match="ZeroDivisionError"):
        in_fresh_process(operator.truediv, 1, 0)


def test_the_console_subjects_are_the_whole_bot_the_runtime_alone_and_all_but_moderation():
    from benchmarks.pipeline import SUBJECTS, subject_features
    from bot.features import shipped_features

    assert SUBJECTS[0] == "none"  # each pass starts with the baseline
    assert subject_features("every") is None  # `play_console` installs every shipped feature
    assert subject_features("none") == []
    others = subject_features("but moderation")
    assert others is not None
    assert [f.name for f in others] == [f.name for f in shipped_features() if f.name != "moderation"]
    assert len(others) == len(shipped_features()) - 1
