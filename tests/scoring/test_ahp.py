"""AHP weights and consistency (crmkit.scoring.ahp)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.errors import ConfigError
from crmkit.scoring import RANDOM_INDEX, ahp_matrix, ahp_weights, load_ahp_matrix

# Saaty, T. L. (1977). A scaling method for priorities in hierarchical
# structures. J. Math. Psych. 15, 234-281; also Saaty (1980), The Analytic
# Hierarchy Process, ch. 2: "wealth of nations" (relative economic strength)
# judgements for the US, USSR, China, France, UK, Japan and West Germany.
# Published: eigenvector .427 .230 .021 .052 .052 .123 .094, lambda_max = 7.61.
# Hand check: CI = (7.61 - 7)/6 = 0.102, CR = CI/RI_7 = 0.102/1.32 = 0.077 < 0.10.
WEALTH = [
    [1, 4, 9, 6, 6, 5, 5],
    [1 / 4, 1, 7, 5, 5, 3, 4],
    [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
    [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
]
WEALTH_LABELS = ["US", "USSR", "China", "France", "UK", "Japan", "WGermany"]
WEALTH_PUBLISHED = [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]

# Saaty (1977), light intensity experiment: four chairs at increasing distance
# from a light, judged by eye. Published lambda_max = 4.39, eigenvector
# .61 .24 .10 .05. Hand check: CI = (4.39 - 4)/3 = 0.13, CR = 0.13/0.90 = 0.145,
# above 0.10, so it must be refused unless overridden.
LIGHT = [
    [1, 5, 6, 7],
    [1 / 5, 1, 4, 6],
    [1 / 6, 1 / 4, 1, 4],
    [1 / 7, 1 / 6, 1 / 4, 1],
]


def test_random_index_table():
    expected = [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59]
    assert [RANDOM_INDEX[n] for n in range(3, 16)] == expected
    assert RANDOM_INDEX[1] == RANDOM_INDEX[2] == 0.0


def test_consistent_matrix_by_hand():
    # Weights 4:2:1 give the consistent matrix a_ij = w_i / w_j, so the
    # eigenvector is (4/7, 2/7, 1/7), lambda_max = n = 3, CI = CR = 0.
    res = ahp_weights([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]], labels=["a", "b", "c"])
    np.testing.assert_allclose(res.weights.to_numpy(), [4 / 7, 2 / 7, 1 / 7], atol=1e-12)
    assert list(res.weights.index) == ["a", "b", "c"]
    assert res.lambda_max == pytest.approx(3.0, abs=1e-10)
    assert res.ci == pytest.approx(0.0, abs=1e-10)
    assert res.cr == pytest.approx(0.0, abs=1e-10)
    assert res.consistent


def test_saaty_wealth_of_nations():
    res = ahp_weights(WEALTH, labels=WEALTH_LABELS)
    np.testing.assert_allclose(res.weights.round(3).to_numpy(), WEALTH_PUBLISHED, atol=1e-9)
    assert res.lambda_max == pytest.approx(7.61, abs=0.005)
    assert res.ci == pytest.approx((res.lambda_max - 7) / 6)
    assert res.cr == pytest.approx(res.ci / 1.32)
    assert res.cr == pytest.approx(0.077, abs=0.001)
    assert res.weights.sum() == pytest.approx(1.0)


def test_saaty_light_experiment_is_refused_then_allowed():
    with pytest.raises(ConfigError) as info:
        ahp_weights(LIGHT)
    message = str(info.value)
    assert "CR = 0.145" in message
    # w1/w4 = 0.619/0.045 = 13.7 against a judgement of 7: the largest
    # |ln(a_ij w_j / w_i)| of all pairs, so it is named first.
    assert message.index("c1 vs c4") < message.index("c1 vs c2")
    assert "allow_inconsistent=True" in message
    res = ahp_weights(LIGHT, allow_inconsistent=True)
    np.testing.assert_allclose(res.weights.round(2).to_numpy(), [0.62, 0.24, 0.10, 0.05], atol=0.011)
    assert res.lambda_max == pytest.approx(4.39, abs=0.005)
    assert res.cr == pytest.approx(0.145, abs=0.001)
    assert not res.consistent
    first = res.inconsistencies.iloc[0]
    assert (first["row"], first["column"]) == ("c1", "c4")


def test_cyclic_judgements_are_refused():
    # a > b, b > c, c > a, each 3 times: a circulant matrix, row sums all
    # 1 + 3 + 1/3 = 13/3, so w = (1/3, 1/3, 1/3) and lambda_max = 13/3;
    # CI = (13/3 - 3)/2 = 2/3, CR = (2/3)/0.58 = 1.149.
    cyclic = [[1, 3, 1 / 3], [1 / 3, 1, 3], [3, 1 / 3, 1]]
    with pytest.raises(ConfigError, match=r"CR = 1\.149"):
        ahp_weights(cyclic)
    res = ahp_weights(cyclic, allow_inconsistent=True)
    np.testing.assert_allclose(res.weights.to_numpy(), [1 / 3] * 3, atol=1e-12)
    assert res.lambda_max == pytest.approx(13 / 3)


def test_two_by_two_has_zero_cr():
    res = ahp_weights([[1, 3], [1 / 3, 1]])
    np.testing.assert_allclose(res.weights.to_numpy(), [0.75, 0.25])
    assert res.cr == 0.0 and res.ci == 0.0


def test_labelled_dataframe_input():
    frame = pd.DataFrame([[1, 2], [0.5, 1]], index=["x", "y"], columns=["x", "y"])
    res = ahp_weights(frame)
    assert res.weights.to_dict() == pytest.approx({"x": 2 / 3, "y": 1 / 3})
    # fraction strings, e.g. a matrix read from a spreadsheet
    text = pd.DataFrame([["1", "2"], ["1/2", "1"]], index=["x", "y"], columns=["x", "y"])
    assert ahp_weights(text).weights.to_dict() == pytest.approx({"x": 2 / 3, "y": 1 / 3})


@pytest.mark.parametrize(
    "matrix, match",
    [
        ([[1, 2], [2, 1]], "not reciprocal"),
        ([[1, -2], [-0.5, 1]], "positive"),
        ([[1, 0], [0, 1]], "positive"),
        ([[2, 1], [1, 1]], "diagonal"),
        ([[1, 2, 3], [0.5, 1]], "square"),
    ],
)
def test_invalid_matrices(matrix, match):
    with pytest.raises(ConfigError, match=match):
        ahp_weights(matrix)


def test_pairwise_judgements_mapping_and_fractions():
    # churn = 3 x value, churn = 1/2 x satisfaction, value = 1/4 x satisfaction.
    matrix = ahp_matrix({"churn": {"value": 3, "satisfaction": "1/2"}, "value": {"satisfaction": "1/4"}})
    assert list(matrix.index) == ["churn", "value", "satisfaction"]
    assert matrix.loc["value", "churn"] == pytest.approx(1 / 3)
    assert matrix.loc["satisfaction", "churn"] == pytest.approx(2.0)
    assert matrix.loc["satisfaction", "value"] == pytest.approx(4.0)
    res = ahp_weights(matrix)
    assert res.weights.idxmax() == "satisfaction"


def test_missing_and_conflicting_judgements():
    with pytest.raises(ConfigError, match="missing for: value vs satisfaction"):
        ahp_matrix({"churn": {"value": 3, "satisfaction": 2}})
    with pytest.raises(ConfigError, match="conflicting"):
        ahp_matrix({"a": {"b": 3}, "b": {"a": 3}})


def test_load_yaml_pairwise_and_full(tmp_path):
    pairwise = tmp_path / "ahp.yaml"
    pairwise.write_text("churn: {value: 3, satisfaction: 1/2}\nvalue: {satisfaction: 1/4}\n", encoding="utf-8")
    a = load_ahp_matrix(pairwise)
    full = tmp_path / "full.yaml"
    full.write_text(
        "labels: [churn, value, satisfaction]\nmatrix:\n  - [1, 3, 1/2]\n  - [1/3, 1, 1/4]\n  - [2, 4, 1]\n",
        encoding="utf-8",
    )
    b = load_ahp_matrix(full)
    pd.testing.assert_frame_equal(a, b)
    bad = tmp_path / "bad.yaml"
    bad.write_text("labels: [a, b]\nmatrix:\n  - [1, 2]\n  - [2, 1]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml"):
        load_ahp_matrix(bad)
