"""Aggregation, re-weighting and grades (crmkit.scoring.aggregate)."""

from __future__ import annotations

import math

import pytest

from crmkit.errors import ConfigError
from crmkit.scoring import aggregate, composite, grade


def test_grade_bands():
    assert [grade(s) for s in (100, 85, 84.99, 70, 69.99, 55, 54.99, 0)] == ["A", "A", "B", "B", "C", "C", "D", "D"]
    assert grade(float("nan")) is None and grade(None) is None
    assert grade(75, {"gold": 90, "silver": 75, "bronze": 0}) == "silver"
    assert grade(-5, {"gold": 90, "bronze": 0}) == "bronze"


def test_aggregate_arithmetic_reweights_missing():
    # b missing: (0.5*80 + 0.25*50) / 0.75 = 52.5/0.75 = 70
    r = aggregate({"a": 80.0, "b": float("nan"), "c": 50.0}, {"a": 2, "b": 1, "c": 1})
    assert r.value == pytest.approx(70.0)
    assert r.missing == ["b"]
    assert r.weights.to_dict() == pytest.approx({"a": 2 / 3, "c": 1 / 3})
    # an indicator absent from the scores counts as missing too
    assert aggregate({"a": 80.0, "c": 50.0}, {"a": 2, "b": 1, "c": 1}).missing == ["b"]


def test_aggregate_geometric_by_hand():
    # 80^(2/3) * 50^(1/3) = exp((2/3)*4.382027 + (1/3)*3.912023) = exp(4.225359) = 68.399
    r = aggregate({"a": 80.0, "c": 50.0}, {"a": 2, "c": 1}, method="geometric")
    assert r.value == pytest.approx(68.399, abs=1e-3)
    assert r.value < 70.0  # geometric mean never exceeds the arithmetic mean
    # a zero score with positive weight makes the geometric index zero
    assert aggregate({"a": 0.0, "c": 90.0}, {"a": 1, "c": 1}, method="geometric").value == 0.0


def test_aggregate_errors():
    with pytest.raises(ConfigError, match="no weight"):
        aggregate({"a": 50.0, "z": 10.0}, {"a": 1})
    with pytest.raises(ConfigError, match="unknown aggregation"):
        aggregate({"a": 50.0}, {"a": 1}, method="median")
    assert math.isnan(aggregate({"a": float("nan")}, {"a": 1}).value)


STRUCTURE = {"satisfaction": {"nps": 3, "csat": 1}, "loyalty": {"churn": 1, "repeat": 1}, "service": {"fcr": 1}}
DIMS = {"satisfaction": 2, "loyalty": 1, "service": 1}


def test_composite_by_hand():
    scores = {"nps": 80.0, "csat": 60.0, "churn": 75.0, "repeat": 100.0, "fcr": 40.0}
    # satisfaction = (3*80 + 60)/4 = 75; loyalty = (75 + 100)/2 = 87.5; service = 40
    # index = (2*75 + 87.5 + 40)/4 = 277.5/4 = 69.375 -> C
    r = composite(scores, STRUCTURE, DIMS)
    assert r.dimension_scores.to_dict() == pytest.approx({"satisfaction": 75.0, "loyalty": 87.5, "service": 40.0})
    assert r.index == pytest.approx(69.375)
    assert r.grade == "C"
    assert r.missing_indicators == [] and r.missing_dimensions == []
    # effective weights: nps = 0.5 * 0.75 = 0.375, fcr = 0.25
    assert r.weights.loc["nps", "weight_used"] == pytest.approx(0.375)
    assert r.weights["weight_used"].sum() == pytest.approx(1.0)


def test_composite_reweights_missing_indicator_and_dimension():
    scores = {"nps": float("nan"), "csat": 60.0, "churn": 75.0, "repeat": 100.0}
    # nps missing -> satisfaction = csat = 60; fcr missing -> service dropped;
    # dimension weights 2:1 over the rest -> index = (2*60 + 87.5)/3 = 69.1667
    r = composite(scores, STRUCTURE, DIMS)
    assert r.dimension_scores["satisfaction"] == pytest.approx(60.0)
    assert math.isnan(r.dimension_scores["service"])
    assert r.index == pytest.approx(207.5 / 3)
    assert r.missing_indicators == ["nps", "fcr"]
    assert r.missing_dimensions == ["service"]
    assert r.weights.loc["nps", "weight_used"] == 0.0
    assert r.weights.loc["csat", "weight_used"] == pytest.approx(2 / 3)
    assert r.weights["weight_used"].sum() == pytest.approx(1.0)


def test_composite_geometric_and_errors():
    scores = {"nps": 80.0, "csat": 80.0, "churn": 20.0, "repeat": 20.0, "fcr": 20.0}
    # dims 80, 20, 20 with weights .5 .25 .25: 80^.5 * 20^.25 * 20^.25 = 8.944 * 4.472 = 40
    r = composite(scores, STRUCTURE, DIMS, method="geometric")
    assert r.index == pytest.approx(40.0)
    with pytest.raises(ConfigError, match="no weight"):
        composite({"other": 10.0}, STRUCTURE, DIMS)
    with pytest.raises(ConfigError, match="no dimension weight"):
        composite(scores, STRUCTURE, {"satisfaction": 1})
