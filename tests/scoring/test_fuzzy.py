"""Fuzzy comprehensive evaluation (crmkit.scoring.fuzzy)."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.errors import ConfigError, DataError
from crmkit.scoring import fuzzy_evaluation, membership_matrix

ANSWERS = pd.DataFrame({"q1": [5, 4, 4, 3], "q2": [2, 3, 3, 3]})


def test_membership_matrix_shares():
    R = membership_matrix(ANSWERS, levels=5)
    assert R.loc["q1"].tolist() == [0.0, 0.0, 0.25, 0.5, 0.25]
    assert R.loc["q2"].tolist() == [0.0, 0.25, 0.75, 0.0, 0.0]
    long = ANSWERS.melt(var_name="item", value_name="score")
    pd.testing.assert_frame_equal(membership_matrix(long), R)


def test_fractional_answer_is_split():
    R = membership_matrix(pd.DataFrame({"q": [3.5, 5.0]}), levels=5)
    assert R.loc["q"].tolist() == [0.0, 0.0, 0.25, 0.25, 0.5]


def test_weighted_average_operator_by_hand():
    # B = .6 * (0, 0, .25, .5, .25) + .4 * (0, .25, .75, 0, 0) = (0, .1, .45, .3, .15)
    # max membership -> grade 3; score = .1*25 + .45*50 + .3*75 + .15*100 = 62.5
    res = fuzzy_evaluation(membership_matrix(ANSWERS), {"q1": 0.6, "q2": 0.4})
    assert res.vector.tolist() == pytest.approx([0.0, 0.1, 0.45, 0.3, 0.15])
    assert res.grade == 3
    assert res.score == pytest.approx(62.5)
    assert res.operator == "M(·,+)"


def test_zadeh_operator_by_hand():
    # b_k = max_i min(w_i, r_ik): (0, .25, .4, .5, .25), sum 1.4, normalised
    # (0, .178571, .285714, .357143, .178571) -> grade 4.
    res = fuzzy_evaluation(membership_matrix(ANSWERS), {"q1": 0.6, "q2": 0.4}, operator="M(∧,∨)")
    assert res.vector.tolist() == pytest.approx([0.0, 0.25 / 1.4, 0.4 / 1.4, 0.5 / 1.4, 0.25 / 1.4])
    assert res.grade == 4


def test_custom_grade_values_and_errors():
    R = membership_matrix(ANSWERS)
    res = fuzzy_evaluation(R, grade_values=[1, 2, 3, 4, 5])
    # equal weights: B = (0, .125, .5, .25, .125) -> 2*.125 + 3*.5 + 4*.25 + 5*.125 = 3.375
    assert res.score == pytest.approx(3.375)
    with pytest.raises(ConfigError, match="grade_values"):
        fuzzy_evaluation(R, grade_values=[1, 2])
    with pytest.raises(ConfigError, match="operator"):
        fuzzy_evaluation(R, operator="nope")
    with pytest.raises(DataError, match="outside"):
        membership_matrix(pd.DataFrame({"q": [6]}))
