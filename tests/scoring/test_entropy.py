"""Entropy weights (crmkit.scoring.entropy)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from crmkit.errors import ConfigError, DataError
from crmkit.scoring import entropy_weights


def test_entropy_weights_by_hand():
    # m = 3 units, k = 1/ln 3.
    # a = (1, 2, 3): p = (1/6, 1/3, 1/2);
    #   sum p ln p = -0.298627 - 0.366204 - 0.346574 = -1.011404;
    #   e = 1.011404 / 1.098612 = 0.920620, d = 0.079380.
    # b = (2, 2, 2): p = 1/3 each, e = 1, d = 0 (no information).
    # c = (0, 0, 1): p = (0, 0, 1), 0 ln 0 = 0, e = 0, d = 1.
    # w = d / (0.079380 + 0 + 1) = (0.073543, 0, 0.926457).
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 2.0, 2.0], "c": [0.0, 0.0, 1.0]})
    w = entropy_weights(frame)
    assert list(w.index) == ["a", "b", "c"]
    assert w["a"] == pytest.approx(0.073543, abs=1e-6)
    assert w["b"] == pytest.approx(0.0, abs=1e-12)
    assert w["c"] == pytest.approx(0.926457, abs=1e-6)
    assert w.sum() == pytest.approx(1.0)


def test_entropy_two_units_closed_form():
    # m = 2: a = (1, 3) -> p = (1/4, 3/4); e = -(1/4 ln 1/4 + 3/4 ln 3/4)/ln 2
    # = (0.346574 + 0.215762)/0.693147 = 0.811278, d = 0.188722.
    # b = (1, 1) -> d = 0, so w = (1, 0).
    w = entropy_weights(pd.DataFrame({"a": [1.0, 3.0], "b": [1.0, 1.0], "c": [2.0, 6.0]}))
    # c is a multiple of a: same proportions, same weight.
    assert w["a"] == pytest.approx(0.5) and w["c"] == pytest.approx(0.5)
    p = [0.25, 0.75]
    e = -sum(x * math.log(x) for x in p) / math.log(2)
    assert e == pytest.approx(0.811278, abs=1e-6)


def test_directions_reverse_lower_is_better():
    # With directions, columns are min-max rescaled in their direction first,
    # so a 'lower' column (1, 2, 3) weighs the same as a 'higher' (3, 2, 1).
    frame = pd.DataFrame({"cost": [1.0, 2.0, 3.0], "gain": [1.0, 5.0, 2.0]})
    mirrored = pd.DataFrame({"cost": [3.0, 2.0, 1.0], "gain": [1.0, 5.0, 2.0]})
    a = entropy_weights(frame, directions={"cost": "lower"})
    b = entropy_weights(mirrored, directions={"cost": "higher"})
    pd.testing.assert_series_equal(a, b)


def test_entropy_refuses_bad_input():
    with pytest.raises(DataError, match="negative"):
        entropy_weights(pd.DataFrame({"a": [-1.0, 2.0]}))
    with pytest.raises(DataError, match="missing"):
        entropy_weights(pd.DataFrame({"a": [1.0, None]}))
    with pytest.raises(DataError, match="two units"):
        entropy_weights(pd.DataFrame({"a": [1.0]}))
    with pytest.raises(ConfigError, match="same value"):
        entropy_weights(pd.DataFrame({"a": [1.0, 1.0], "b": [0.0, 0.0]}))
