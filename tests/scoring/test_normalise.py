"""Normalisation to 0-100 (crmkit.scoring.normalise)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.errors import ConfigError
from crmkit.scoring import minmax_target, normalise, percentile_scores, targets_frame, zscore_scores


def test_minmax_target_higher_and_lower():
    # higher: (40 - 0)/(50 - 0) = 0.8 -> 80
    assert minmax_target(40, target=50, floor=0) == pytest.approx(80.0)
    # lower: complaint rate 4 with target 2, floor 10: (4 - 10)/(2 - 10) = 0.75 -> 75
    assert minmax_target(4, target=2, floor=10, direction="lower") == pytest.approx(75.0)
    # clipped at both ends
    assert minmax_target(70, target=50, floor=0) == 100.0
    assert minmax_target(-5, target=50, floor=0) == 0.0
    assert minmax_target(70, target=50, floor=0, clip=False) == pytest.approx(140.0)
    series = minmax_target(pd.Series([0.1, 0.3, np.nan], index=list("abc")), 0.05, 0.25, "lower")
    assert series.tolist()[:2] == pytest.approx([75.0, 0.0])
    assert np.isnan(series["c"])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"target": 5, "floor": 5}, "both 5"),
        ({"target": 1, "floor": 5, "direction": "higher"}, "below its floor"),
        ({"target": 5, "floor": 1, "direction": "lower"}, "above its floor"),
        ({"target": 5, "floor": 1, "direction": "up"}, "direction"),
    ],
)
def test_minmax_target_refuses_bad_config(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        minmax_target(3, **kwargs)


def test_zscore_by_hand():
    # mean 20, sd 10 -> z = -1, 0, 1 -> 100 * Phi(z) = 15.8655, 50, 84.1345
    frame = pd.DataFrame({"nps": [10.0, 20.0, 30.0], "complaints": [10.0, 20.0, 30.0]})
    out = zscore_scores(frame, {"complaints": "lower"})
    assert out["nps"].tolist() == pytest.approx([15.8655, 50.0, 84.1345], abs=1e-4)
    assert out["complaints"].tolist() == pytest.approx([84.1345, 50.0, 15.8655], abs=1e-4)
    constant = zscore_scores(pd.DataFrame({"x": [3.0, 3.0, np.nan]}))
    assert constant["x"].tolist()[:2] == [50.0, 50.0] and np.isnan(constant["x"].iloc[2])


def test_percentile_by_hand():
    # ranks 3, 1, 2 of m = 3 -> (r - 1)/(m - 1) = 1, 0, .5
    assert percentile_scores(pd.DataFrame({"x": [3.0, 1.0, 2.0]}))["x"].tolist() == [100.0, 0.0, 50.0]
    # ties share the average rank: 1.5, 1.5, 3 -> 25, 25, 100
    assert percentile_scores(pd.DataFrame({"x": [1.0, 1.0, 2.0]}))["x"].tolist() == [25.0, 25.0, 100.0]
    assert percentile_scores(pd.DataFrame({"x": [3.0, 1.0, 2.0]}), {"x": "lower"})["x"].tolist() == [0.0, 100.0, 50.0]


def test_peer_methods_need_two_units():
    with pytest.raises(ConfigError, match="fewer than 2"):
        zscore_scores(pd.DataFrame({"x": [1.0]}))
    with pytest.raises(ConfigError, match="fewer than 2"):
        percentile_scores(pd.DataFrame({"x": [1.0, np.nan]}))


def test_targets_frame_infers_direction_and_validates():
    t = targets_frame({"nps": {"target": 50, "floor": 0}, "churn": {"target": 0.05, "floor": 0.25}})
    assert t.loc["nps", "direction"] == "higher"
    assert t.loc["churn", "direction"] == "lower"
    with pytest.raises(ConfigError, match="floor"):
        targets_frame({"nps": {"target": 50}})
    with pytest.raises(ConfigError, match="direction"):
        targets_frame({"nps": {"target": 50, "floor": 0, "direction": "sideways"}})


def test_normalise_dispatch():
    frame = pd.DataFrame({"nps": [40.0, 20.0], "churn": [0.10, 0.30]}, index=["a", "b"])
    targets = {"nps": {"target": 50, "floor": 0}, "churn": {"target": 0.05, "floor": 0.25}}
    out = normalise(frame, "target", targets=targets)
    assert out.loc["a"].tolist() == pytest.approx([80.0, 75.0])
    assert out.loc["b"].tolist() == pytest.approx([40.0, 0.0])
    # percentile uses the target directions: lower churn is better
    assert normalise(frame, "percentile", targets=targets).loc["a"].tolist() == [100.0, 100.0]
    with pytest.raises(ConfigError, match="needs targets"):
        normalise(frame, "target")
    with pytest.raises(ConfigError, match="unknown normalisation"):
        normalise(frame, "log")
