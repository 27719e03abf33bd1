"""The ``weights`` run parameter: presets, manual weight files and AHP matrices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from crmkit.errors import ConfigError
from crmkit.scoring import ahp_weights, hierarchical_weights
from crmkit.evaluation.weights import (
    SCORED_DIMENSIONS,
    complete_indicator_weights,
    load_weights,
    presets,
    weights_dir,
)

INCONSISTENT = """\
method: ahp
labels: [satisfaction, churn, value]
matrix:
  - [1, 9, 1/9]
  - [1/9, 1, 9]
  - [9, 1/9, 1]
"""


def test_presets_are_shipped():
    assert {"default", "due_diligence", "ahp_example"} <= set(presets())


@pytest.mark.parametrize("name", ["default", "due_diligence", "ahp_example"])
def test_preset_loads_and_sums_to_one(name):
    w = load_weights(name)
    assert w.dimensions.sum() == pytest.approx(1.0)
    assert (w.dimensions >= 0).all()
    assert set(w.dimensions.index) == set(SCORED_DIMENSIONS), "every preset weighs every dimension"
    for dim, inds in w.indicators.items():
        assert dim in SCORED_DIMENSIONS and all(v >= 0 for v in inds.values())
    # the layout is accepted by the scoring package as is
    hierarchical_weights(w.spec())


def test_default_is_the_empty_parameter():
    assert load_weights("").name == load_weights(None).name == load_weights("default").name == "default"


def test_due_diligence_emphasises_churn_value_loyalty_and_complaints():
    dd, default = load_weights("due_diligence"), load_weights("default")
    for dim in ("churn", "value", "loyalty"):
        assert dd.dimensions[dim] > default.dimensions[dim]
    top = set(dd.dimensions.sort_values(ascending=False).index[:3])
    assert top == {"churn", "value", "loyalty"}
    # concentration and complaint indicators carry extra weight within their dimensions
    assert dd.indicators["value"]["top20_revenue_share"] > 1 and dd.indicators["value"]["gini"] > 1
    assert dd.indicators["service"]["complaints_per_1000_customers"] > 1


def test_ahp_example_is_consistent_and_matches_the_eigenvector():
    w = load_weights("ahp_example")
    assert w.kind == "ahp" and w.cr is not None and w.cr < 0.10
    data = yaml.safe_load((weights_dir() / "ahp_example.yaml").read_text(encoding="utf-8"))
    direct = ahp_weights(data["matrix"], labels=data["labels"])
    assert np.allclose(w.dimensions.to_numpy(), direct.weights.to_numpy())
    # the panel ranks satisfaction and churn highest, data quality and channels lowest
    order = list(w.dimensions.sort_values(ascending=False).index)
    assert set(order[:2]) == {"satisfaction", "churn"} and set(order[-2:]) == {"data_quality", "channels"}
    block = w.to_dict()["ahp"]
    assert block["consistent"] is True and block["cr"] == pytest.approx(w.cr)


def test_inconsistent_ahp_file_is_refused_with_the_reason(tmp_path: Path):
    path = tmp_path / "panel.yaml"
    path.write_text(INCONSISTENT, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_weights(str(path))
    msg = str(err.value)
    assert str(path) in msg and "inconsistent" in msg and "CR = " in msg and ">= 0.10" in msg
    assert "allow_inconsistent: true" in msg
    assert "satisfaction vs churn" in msg or "churn vs value" in msg or "satisfaction vs value" in msg


def test_inconsistent_ahp_file_accepted_when_overridden(tmp_path: Path):
    path = tmp_path / "panel.yaml"
    path.write_text(INCONSISTENT + "allow_inconsistent: true\n", encoding="utf-8")
    w = load_weights(path)
    assert w.cr >= 0.10 and w.allow_inconsistent
    assert w.to_dict()["ahp"]["consistent"] is False
    assert w.dimensions.sum() == pytest.approx(1.0)


def test_ahp_judgements_layout(tmp_path: Path):
    path = tmp_path / "j.yaml"
    path.write_text("judgements:\n  churn: {value: 2, satisfaction: 1}\n  value: {satisfaction: 1/2}\n", encoding="utf-8")
    w = load_weights(path)
    assert w.kind == "ahp" and w.cr < 0.10
    assert w.dimensions["churn"] > w.dimensions["value"]


def test_manual_file_relative_to_base_dir(tmp_path: Path):
    (tmp_path / "mine.yaml").write_text("dimensions: {churn: 3, value: 1}\nindicators: {churn: {churn_rate: 2}}\n", encoding="utf-8")
    w = load_weights("mine.yaml", base_dir=tmp_path)
    assert w.kind == "manual" and w.dimensions.to_dict() == {"churn": 0.75, "value": 0.25}
    assert w.source == (tmp_path / "mine.yaml").resolve()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("dimensions: {satisfation: 1, churn: 1}\n", "did you mean 'satisfaction'"),
        ("dimensions: {churn: -1, value: 1}\n", "must not be negative"),
        ("dimensions: {churn: many}\n", "must be numbers"),
        ("dimension: {churn: 1}\n", "did you mean 'dimensions'"),
        ("dimensions: {churn: 1}\nindicators: {churn: {churn_rate: -2}}\n", "must not be negative"),
        ("method: ahp\nmatrix: [[1, 2], [1/2, 1]]\n", "needs 'labels'"),
        ("method: ahp\nlabels: [churn, value]\nmatrix: [[1, 2], [2, 1]]\n", "not reciprocal"),
        ("method: magic\ndimensions: {churn: 1}\n", "method 'magic' is not known"),
        ("- churn\n", "must be a YAML mapping"),
    ],
)
def test_invalid_weight_files_name_the_problem(tmp_path: Path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml") as err:
        load_weights(path)
    assert expected in str(err.value)


def test_unknown_preset_lists_the_available_ones():
    with pytest.raises(ConfigError) as err:
        load_weights("due_dilligence")
    msg = str(err.value)
    assert "did you mean 'due_diligence'" in msg.lower() and "default" in msg


def test_missing_file_is_reported():
    with pytest.raises(ConfigError, match="not found"):
        load_weights("/nonexistent/weights.yaml")


def test_unlisted_indicators_get_weight_one():
    w = load_weights({"dimensions": {"churn": 1, "value": 1}, "indicators": {"churn": {"churn_rate": 3}}})
    spec = complete_indicator_weights(w, {"churn": ["churn_rate", "churn_cost_ratio"], "value": ["gini"]})
    assert spec["indicators"]["churn"] == {"churn_rate": 3.0, "churn_cost_ratio": 1.0}
    assert "value" not in spec["indicators"]  # dimensions without indicator weights stay equal-weighted
