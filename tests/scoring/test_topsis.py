"""TOPSIS ranking (crmkit.scoring.topsis)."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.errors import ConfigError, DataError
from crmkit.scoring import topsis


def test_topsis_by_hand():
    # x1 benefit (3, 4, 0): norm 5 -> r = (.6, .8, 0); x2 cost (0, 3, 4): r = (0, .6, .8).
    # Weights .5/.5: v1 = (.3, .4, 0), v2 = (0, .3, .4).
    # Ideal A+ = (max v1, min v2) = (.4, 0); anti-ideal A- = (0, .4).
    # a (.3, 0):  D+ = .1,              D- = sqrt(.09 + .16) = .5,    C = .5/.6 = .833333
    # b (.4, .3): D+ = .3,              D- = sqrt(.16 + .01) = .412311, C = .412311/.712311 = .578835
    # c (0, .4):  D+ = sqrt(.32) = .565685, D- = 0,                  C = 0
    frame = pd.DataFrame({"x1": [3.0, 4.0, 0.0], "x2": [0.0, 3.0, 4.0]}, index=["a", "b", "c"])
    out = topsis(frame, {"x1": 1, "x2": 1}, {"x2": "lower"})
    assert out.loc["a", "d_plus"] == pytest.approx(0.1)
    assert out.loc["a", "d_minus"] == pytest.approx(0.5)
    assert out.loc["b", "d_minus"] == pytest.approx(0.412311, abs=1e-6)
    assert out.loc["c", "d_plus"] == pytest.approx(0.565685, abs=1e-6)
    assert out["closeness"].tolist() == pytest.approx([0.833333, 0.578835, 0.0], abs=1e-6)
    assert out["rank"].tolist() == [1, 2, 3]


def test_topsis_direction_matters():
    frame = pd.DataFrame({"x1": [3.0, 4.0, 0.0], "x2": [0.0, 3.0, 4.0]}, index=["a", "b", "c"])
    benefit = topsis(frame, {"x1": 1, "x2": 1})
    # Treating x2 as a benefit makes c (x2 = 4) better than a (x2 = 0).
    assert benefit.loc["c", "closeness"] > benefit.loc["a", "closeness"]


def test_topsis_errors():
    frame = pd.DataFrame({"x": [1.0, 2.0], "y": [0.0, 0.0]})
    with pytest.raises(DataError, match="zero for every unit"):
        topsis(frame)
    with pytest.raises(DataError, match="missing"):
        topsis(pd.DataFrame({"x": [1.0, None]}))
    with pytest.raises(ConfigError, match="no weight"):
        topsis(pd.DataFrame({"x": [1.0, 2.0], "z": [1.0, 3.0]}), {"x": 1})
