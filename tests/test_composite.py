"""The composite evaluation's frames (crmkit.evaluation.composite), on hand-made scorecards."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from crmkit.evaluation import composite


def _card(scores: dict[str, float], composite_: float = 50.0, **extra):
    dims = pd.DataFrame({"score": list(scores.values()), "weight": [0.5] * len(scores),
                         "weight_used": [1 / len(scores)] * len(scores)}, index=list(scores))
    return SimpleNamespace(dimension_scores_=dims, composite_=composite_, **extra)


def test_output_folders(tmp_path):
    out = tmp_path / "outputs" / "acme" / "2025Q4"
    assert composite.output_folders("acme", "2025Q4", str(out)) == (str(tmp_path / "outputs"), str(out))
    assert composite.output_folders("acme", "2025Q4", str(out), "/elsewhere") == ("/elsewhere", str(out))
    root, folder = composite.output_folders("acme", "2025Q4")
    assert Path(root).name == "outputs" and folder == str(Path(root) / "acme" / "2025Q4")


def test_scorecard_rows_in_dimension_order_best_first():
    t = pd.DataFrame({"dimension": ["loyalty", "customer_base", "loyalty", "churn"], "score": [40.0, 90.0, 70.0, np.nan],
                      "status": ["scored", "scored", "scored", "no_value"]},
                     index=pd.Index(["a", "b", "c", "d"], name="indicator"))
    rows = composite.scorecard_rows(t)
    assert list(rows["indicator"]) == ["b", "c", "a"]  # customer_base before loyalty; d not measured
    assert "_o" not in rows.columns


def test_light_counts_only_scored():
    t = pd.DataFrame({"scored": [True, True, True, False], "light": ["green", "red", "red", "amber"]})
    assert composite.light_counts(t) == {"green": 1, "amber": 0, "red": 2}


def test_dropped_dimensions_are_weighted_ones_without_scores():
    dims = pd.DataFrame({"score": [60.0, np.nan, np.nan], "weight": [0.5, 0.3, np.nan]}, index=["loyalty", "cost", "x"])
    card = SimpleNamespace(dimension_scores_=dims, missing_dimensions_=["cost", "x", "unknown"])
    assert composite.dropped_dimensions(card) == ["cost"]
    assert list(composite.scored_dimensions(SimpleNamespace(dimension_scores_=dims)).index) == ["loyalty"]


def test_dimension_weights_used_after_reweighting():
    wcfg = SimpleNamespace(dimensions=pd.Series({"loyalty": 0.6, "cost": 0.4}))
    card = SimpleNamespace(dimension_scores_=pd.DataFrame({"weight_used": [1.0]}, index=["loyalty"]))
    wd = composite.dimension_weights(wcfg, card, True)
    assert wd["used"].tolist() == [1.0, 0.0]
    assert composite.dimension_weights(wcfg, card, False)["used"].isna().all()


def test_indicator_weights_flattened():
    wcfg = SimpleNamespace(indicators={"loyalty": {"nps": 2.0, "csat": 1.0}})
    assert composite.indicator_weights(wcfg).values.tolist() == [["loyalty", "nps", 2.0], ["loyalty", "csat", 1.0]]
    assert composite.indicator_weights(SimpleNamespace(indicators=None)).empty


def test_peer_grid_and_gaps():
    cards = {"a": _card({"loyalty": 80.0, "churn": 40.0}, 60.0), "b": _card({"loyalty": 60.0, "churn": 50.0}, 55.0),
             "c": _card({"loyalty": 70.0, "churn": 70.0}, 70.0)}
    grid = composite.peer_grid(cards)
    assert list(grid.columns) == ["loyalty", "churn", "composite"]  # order of DIMENSIONS
    assert grid.loc["c", "composite"] == 70.0
    gaps = composite.peer_gaps(grid, "a")
    assert gaps.to_dict() == {"churn": -20.0, "loyalty": 15.0}  # 40 - 60, 80 - 65


def test_trend_scores_keep_dimensions_of_both_periods():
    card = _card({"loyalty": 80.0, "churn": 40.0})
    prev = {"dimensions": [{"dimension": "loyalty", "score": 70.0}, {"dimension": "cost", "score": 10.0}]}
    both = composite.trend_scores(card, prev)
    assert both.to_dict("index") == {"loyalty": {"previous": 70.0, "now": 80.0}}


def test_largest_moves_falls_then_rises_without_repeats():
    trend = pd.DataFrame({"score_change": [5.0, -3.0, np.nan, 1.0]}, index=pd.Index(list("abcd"), name="indicator"))
    assert list(composite.largest_moves(trend, k=2)["indicator"]) == ["b", "d", "a"]
    assert composite.largest_moves(trend.iloc[[2]]).empty


def _run(**kw):
    card = _card({"loyalty": 80.0}, 72.0, grade_="B", table_=pd.DataFrame({"scored": [True]}))
    base = dict(company="acme", period="2025Q4", root="", metrics_dir="", min_n=30, targets=None, weights=None,
                rules=None, metrics=pd.DataFrame(), descriptive=pd.DataFrame(), card=card, peers={}, peer_cards={},
                sens=None, sens_index=None, previous=None, trend=pd.DataFrame(), labels={}, units={}, describe=None,
                strengths=pd.DataFrame(), weaknesses=pd.DataFrame(), actions=pd.DataFrame(), alerts=pd.DataFrame())
    base.update(kw)
    return composite.SummaryRun(**base)


def test_summary_run_properties():
    sens = SimpleNamespace(summary=pd.DataFrame({"rank": [2, 1], "rank_low": [1, 1], "rank_high": [2, 2]},
                                                index=["acme", "beta"]))
    sens_index = SimpleNamespace(summary=pd.DataFrame({"low": [71.0, 60.0], "high": [84.0, 70.0]}, index=["acme", "beta"]))
    run = _run(sens=sens, sens_index=sens_index, previous={"composite": {"value": 70.5}})
    assert run.interval == (71.0, 84.0) and run.grade_robust  # both ends in band B (70-85)
    assert run.rank_band == (2, 1, 2, 2)
    assert run.change == pytest.approx(1.5) and run.previous_label == "2025Q3"
    alone = _run(sens=SimpleNamespace(summary=sens.summary.iloc[:1]))
    assert alone.rank_band is None and alone.interval is None and not alone.grade_robust
    assert math.isnan(alone.change)
    assert run.label("nps") == ("nps", "nps") and run.unit("nps") == "number"
