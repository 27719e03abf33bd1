"""Manual and hierarchical weights (crmkit.scoring.weights)."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.errors import ConfigError
from crmkit.scoring import hierarchical_weights, manual_weights


def test_manual_weights_normalised():
    w = manual_weights({"a": 30, "b": 50, "c": 20})
    assert w.to_dict() == pytest.approx({"a": 0.3, "b": 0.5, "c": 0.2})
    s = manual_weights(pd.Series([1.0, 3.0], index=["x", "y"]))
    assert s.tolist() == [0.25, 0.75]


@pytest.mark.parametrize(
    "weights, match",
    [
        ({"a": -1, "b": 2}, "negative"),
        ({"a": 0, "b": 0}, "all zero"),
        ({}, "empty"),
        ({"a": float("nan")}, "not finite"),
        ({"a": "heavy"}, "numbers"),
    ],
)
def test_manual_weights_refused(weights, match):
    with pytest.raises(ConfigError, match=match):
        manual_weights(weights)


def test_hierarchical_layouts_agree():
    explicit = hierarchical_weights(
        {"dimensions": {"sat": 2, "churn": 2}, "indicators": {"sat": {"nps": 1, "csat": 3}}}
    )
    per_dimension = hierarchical_weights({"sat": {"weight": 1, "indicators": {"nps": 1, "csat": 3}}, "churn": 1})
    for h in (explicit, per_dimension):
        assert h.dimensions.to_dict() == pytest.approx({"sat": 0.5, "churn": 0.5})
        assert h.indicators["sat"].to_dict() == pytest.approx({"nps": 0.25, "csat": 0.75})
        assert h.dimension_of() == {"nps": "sat", "csat": "sat"}


def test_hierarchical_refuses_indicator_in_two_dimensions():
    with pytest.raises(ConfigError, match="two dimensions"):
        hierarchical_weights({"indicators": {"a": {"x": 1}, "b": {"x": 1}}})
    with pytest.raises(ConfigError, match="unknown key"):
        hierarchical_weights({"sat": {"wieght": 1}})
