"""Monte Carlo sensitivity (crmkit.scoring.sensitivity)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.errors import ConfigError
from crmkit.scoring import composite, normalise, sensitivity

TARGETS = {
    "nps": {"target": 50, "floor": 0},
    "csat": {"target": 0.9, "floor": 0.5},
    "churn": {"target": 0.05, "floor": 0.25},
}
DATA = pd.DataFrame(
    {"nps": [45.0, 20.0, 10.0, 30.0], "csat": [0.88, 0.85, 0.55, 0.6], "churn": [0.06, 0.08, 0.24, 0.07]},
    index=["acme", "beta", "gamma", "delta"],
)
WEIGHTS = {"nps": 0.5, "csat": 0.25, "churn": 0.25}


def test_reproducible_with_seed():
    a = sensitivity(DATA, WEIGHTS, targets=TARGETS, n_draws=300, seed=7)
    b = sensitivity(DATA, WEIGHTS, targets=TARGETS, n_draws=300, seed=7)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.draws, b.draws)
    c = sensitivity(DATA, WEIGHTS, targets=TARGETS, n_draws=300, seed=8)
    assert not np.allclose(a.draws["index"], c.draws["index"])


def test_point_estimate_matches_composite_and_lies_in_interval():
    res = sensitivity(
        DATA, WEIGHTS, targets=TARGETS, normalisations=["target"], aggregations=["arithmetic"],
        n_draws=2000, concentration=20, seed=1,
    )
    scores = normalise(DATA, "target", targets=TARGETS)
    for unit in DATA.index:
        expected = composite(scores.loc[unit], {"all": WEIGHTS}).index
        assert res.summary.loc[unit, "index"] == pytest.approx(expected)
    s = res.summary
    assert ((s["low"] <= s["index"]) & (s["index"] <= s["high"])).all()
    assert (s["high"] > s["low"]).all()
    # The arithmetic index is linear in the weights and Dirichlet(c*w) has mean w,
    # so the simulated mean must sit on the point estimate (Monte Carlo error only).
    assert np.allclose(s["mean"], s["index"], atol=0.75)


def test_large_concentration_collapses_interval():
    res = sensitivity(
        DATA, WEIGHTS, targets=TARGETS, normalisations=["target"], aggregations=["arithmetic"],
        n_draws=200, concentration=1e7, seed=2,
    )
    assert (res.summary["high"] - res.summary["low"]).max() < 0.1


def test_rank_bands_across_companies():
    data = pd.DataFrame(
        {"nps": [50.0, 30.0, 28.0, 0.0], "csat": [0.9, 0.6, 0.8, 0.5], "churn": [0.05, 0.10, 0.20, 0.25]},
        index=["best", "mid1", "mid2", "worst"],
    )
    res = sensitivity(data, WEIGHTS, targets=TARGETS, n_draws=500, seed=3)
    s = res.summary
    # 'best' dominates on every indicator and 'worst' is dominated: their ranks cannot move.
    assert (s.loc["best", ["rank", "rank_min", "rank_max"]] == 1).all()
    assert (s.loc["worst", ["rank", "rank_min", "rank_max"]] == 4).all()
    # the two middle companies trade places under some weights/normalisations
    assert s.loc["mid1", "rank_min"] == 2 and s.loc["mid1", "rank_max"] == 3
    assert s.loc["mid2", "rank_min"] == 2 and s.loc["mid2", "rank_max"] == 3
    assert set(res.draws["normalisation"]) == {"target", "zscore", "percentile"}
    assert set(res.draws["aggregation"]) == {"arithmetic", "geometric"}
    assert len(res.draws) == 500 * 4


def test_single_unit_gives_interval():
    res = sensitivity(DATA.loc["beta"], WEIGHTS, targets=TARGETS, n_draws=400, seed=4)
    s = res.summary
    assert list(s.index) == ["beta"]
    assert res.settings["normalisations"] == ["target"]  # peers need several units
    assert s.loc["beta", "low"] < s.loc["beta", "index"] < s.loc["beta", "high"]
    assert s.loc["beta", "rank_min"] == s.loc["beta", "rank_max"] == 1


def test_nested_weights_and_missing_values():
    data = DATA.copy()
    data.loc["delta", "nps"] = np.nan
    nested = {"satisfaction": {"nps": 2, "csat": 1}, "loyalty": {"churn": 1}}
    res = sensitivity(
        data, nested, dimension_weights={"satisfaction": 3, "loyalty": 1}, targets=TARGETS,
        normalisations=["target"], aggregations=["arithmetic"], n_draws=100, seed=5,
    )
    scores = normalise(data, "target", targets=TARGETS)
    expected = composite(scores.loc["delta"], nested, {"satisfaction": 3, "loyalty": 1}).index
    assert res.summary.loc["delta", "index"] == pytest.approx(expected)
    assert res.summary["index"].notna().all()


def test_sensitivity_errors():
    with pytest.raises(ConfigError, match="not columns"):
        sensitivity(DATA, {"nps": 1, "ghost": 1}, targets=TARGETS)
    with pytest.raises(ConfigError, match="give targets"):
        sensitivity(DATA.iloc[:1], WEIGHTS)
    with pytest.raises(ConfigError, match="interval"):
        sensitivity(DATA, WEIGHTS, targets=TARGETS, interval=1.5)
