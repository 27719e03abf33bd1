"""Scorecard builder (crmkit.scoring.scorecard)."""

from __future__ import annotations

import json
import math

import pytest

from crmkit.errors import ConfigError
from crmkit.evaluation.metrics import Metric
from crmkit.scoring import Scorecard, scorecard, traffic_light

TARGETS = {
    "nps": {"target": 50, "floor": 0, "direction": "higher"},
    "csat": {"target": 0.9, "floor": 0.5},
    "churn_rate": {"target": 0.05, "floor": 0.25, "direction": "lower"},
    "repeat_rate": {"target": 0.5, "floor": 0.1},
    "complaint_rate": {"target": 2, "floor": 10, "direction": "lower", "dimension": "service"},
}
WEIGHTS = {
    "dimensions": {"satisfaction": 2, "loyalty": 1, "service": 1},
    "indicators": {"satisfaction": {"nps": 3, "csat": 1}, "loyalty": {"churn_rate": 1, "repeat_rate": 1}},
}
METRICS = [
    {"name": "nps", "value": 40, "unit": "score", "n": 200, "ci_low": 31, "ci_high": 49, "dimension": "satisfaction"},
    {"name": "csat", "value": 0.8, "unit": "ratio", "n": 150, "dimension": "satisfaction"},
    {"name": "churn_rate", "value": 0.10, "unit": "ratio", "n": 900, "dimension": "loyalty"},
    {"name": "repeat_rate", "value": 0.6, "unit": "ratio", "n": 900, "dimension": "loyalty"},
    {"name": "complaint_rate", "value": 4, "unit": "per_1000", "n": 20, "dimension": "service"},
]


def test_toy_scorecard_by_hand():
    sc = Scorecard(TARGETS, WEIGHTS).build(METRICS)
    t = sc.table_
    # nps (40-0)/(50-0) = 80; csat (.8-.5)/(.9-.5) = 75; churn (.10-.25)/(.05-.25) = 75;
    # repeat (.6-.1)/(.5-.1) = 125 -> clipped 100; complaints (4-10)/(2-10) = 75.
    assert t["score"].to_dict() == pytest.approx(
        {"nps": 80.0, "csat": 75.0, "churn_rate": 75.0, "repeat_rate": 100.0, "complaint_rate": 75.0}
    )
    # complaint rate rests on n = 20 < 30: shown and flagged, not scored.
    assert t.loc["complaint_rate", "flagged"] and not t.loc["complaint_rate", "scored"]
    assert t.loc["complaint_rate", "status"] == "low_n"
    assert t["light"].to_dict() == {
        "nps": "green", "csat": "amber", "churn_rate": "amber", "repeat_rate": "green", "complaint_rate": "amber",
    }
    # satisfaction = (3*80 + 75)/4 = 78.75; loyalty = (75 + 100)/2 = 87.5; service has no
    # scored metric, so dimension weights 2:1 are re-normalised over the other two:
    # composite = (2*78.75 + 87.5)/3 = 245/3 = 81.667 -> B
    d = sc.dimension_scores_
    assert d.loc["satisfaction", "score"] == pytest.approx(78.75)
    assert d.loc["loyalty", "score"] == pytest.approx(87.5)
    assert math.isnan(d.loc["service", "score"])
    assert sc.composite_ == pytest.approx(245 / 3)
    assert sc.grade_ == "B"
    assert sc.missing_dimensions_ == ["service"]
    assert sc.missing_[["indicator", "status"]].values.tolist() == [["complaint_rate", "low_n"]]
    # effective weights: nps 2/3 * 3/4 = .5, the others 1/6 each, complaints 0
    assert t["weight_used"].to_dict() == pytest.approx(
        {"nps": 0.5, "csat": 1 / 6, "churn_rate": 1 / 6, "repeat_rate": 1 / 6, "complaint_rate": 0.0}
    )
    assert t.loc["nps", "ci_low"] == 31 and t.loc["nps", "n"] == 200


def test_missing_indicator_is_reweighted_and_listed():
    metrics = [m for m in METRICS if m["name"] != "nps"]
    sc = scorecard(metrics, TARGETS, WEIGHTS)
    # satisfaction = csat alone = 75; composite = (2*75 + 87.5)/3 = 79.1667
    assert sc.dimension_scores_.loc["satisfaction", "score"] == pytest.approx(75.0)
    assert sc.composite_ == pytest.approx(237.5 / 3)
    missing = dict(zip(sc.missing_["indicator"], sc.missing_["status"]))
    assert missing == {"nps": "no_value", "complaint_rate": "low_n"}
    assert sc.table_.loc["nps", "weight_used"] == 0.0
    assert sc.table_["weight_used"].sum() == pytest.approx(1.0)


def test_min_n_and_unknown_n():
    metrics = [dict(m, n=None) if m["name"] == "complaint_rate" else m for m in METRICS]
    sc = scorecard(metrics, TARGETS, WEIGHTS)
    # without n the complaint rate is scored: service = 75,
    # composite = (2*78.75 + 87.5 + 75)/4 = 320/4 = 80
    assert sc.table_.loc["complaint_rate", "scored"]
    assert sc.composite_ == pytest.approx(80.0)
    lenient = scorecard(METRICS, TARGETS, WEIGHTS, min_n=10)
    assert lenient.composite_ == pytest.approx(80.0)


def test_metric_records_and_equal_weights():
    metrics = [
        Metric("nps", 25.0, "score", "satisfaction", n=100),
        Metric("churn_rate", 0.15, "ratio", "loyalty", n=500, direction="lower"),
    ]
    sc = Scorecard({k: TARGETS[k] for k in ("nps", "churn_rate")}).build(metrics)
    # equal weights: nps 50, churn (.15-.25)/(.05-.25) = 50 -> composite 50, grade D
    assert sc.table_["score"].tolist() == pytest.approx([50.0, 50.0])
    assert sc.composite_ == pytest.approx(50.0)
    assert sc.grade_ == "D"


def test_unweighted_and_untargeted_metrics_are_shown_not_scored():
    metrics = METRICS + [{"name": "revenue", "value": 1e6, "dimension": "value"}]
    sc = scorecard(metrics, TARGETS, WEIGHTS)
    assert sc.table_.loc["revenue", "status"] == "no_target"
    targets = dict(TARGETS, revenue={"target": 2e6, "floor": 0})
    sc2 = scorecard(metrics, targets, WEIGHTS)
    # 'value' is not among the configured dimensions -> no weight, composite unchanged
    assert sc2.table_.loc["revenue", "status"] == "no_weight"
    assert sc2.composite_ == pytest.approx(245 / 3)


def test_to_dict_is_json_safe():
    payload = Scorecard(TARGETS, WEIGHTS).build(METRICS).to_dict()
    text = json.dumps(payload, allow_nan=False, ensure_ascii=False)
    back = json.loads(text)
    assert back["grade"] == "B"
    assert back["composite"] == pytest.approx(245 / 3)
    assert {m["name"] for m in back["metrics"]} == {m["name"] for m in METRICS}
    service = next(d for d in back["dimensions"] if d["dimension"] == "service")
    assert service["score"] is None


def test_traffic_light_thresholds_and_errors():
    assert traffic_light(80) == "green" and traffic_light(50) == "amber" and traffic_light(49.99) == "red"
    assert traffic_light(70, (70, 40)) == "green"
    with pytest.raises(ConfigError, match="green >= amber"):
        Scorecard(TARGETS, WEIGHTS, traffic_lights=(40, 70)).build(METRICS)
    with pytest.raises(ConfigError, match="twice"):
        Scorecard(TARGETS, WEIGHTS).build(METRICS + METRICS[:1])
    with pytest.raises(ConfigError, match="below its floor"):
        Scorecard({"nps": {"target": 0, "floor": 50, "direction": "higher"}}).build(METRICS[:1])
