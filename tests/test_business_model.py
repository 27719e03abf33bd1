"""Business model resolution: auto, forced and refused settings."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.errors import ConfigError
from crmkit.indicators.business_model import churn_event_coverage, resolve_business_model

Q1 = ("2025-01-01", "2025-03-31")


def _events(*days: str) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [f"c{i}" for i in range(len(days))], "churned_at": pd.to_datetime(list(days), format="ISO8601")})


def test_events_inside_the_window_make_it_contractual():
    bm = resolve_business_model("auto", _events("2024-11-02", "2025-03-31 23:00"), *Q1)
    assert bm.contractual and bm.events_in_window == 1
    assert "1 recorded cancellations fall in this window" in bm.reason_en


def test_a_quiet_window_inside_a_recorded_history_is_contractual():
    bm = resolve_business_model("auto", _events("2024-12-15", "2025-05-01"), *Q1)
    assert bm.contractual and bm.events_in_window == 0


def test_events_only_before_the_window_do_not_cover_it():
    bm = resolve_business_model("auto", _events("2024-06-01", "2024-12-31"), *Q1)
    assert not bm.contractual
    assert "2024-06-01 to 2024-12-31" in bm.reason_en and "business_model: contractual" in bm.reason_en


def test_no_table_is_non_contractual_and_forced_contractual_is_refused():
    assert resolve_business_model("auto", None, *Q1).kind == "non_contractual"
    with pytest.raises(ConfigError, match="load the churn_events table"):
        resolve_business_model("contractual", None, *Q1)
    with pytest.raises(ConfigError, match="must be one of auto, contractual, non_contractual"):
        resolve_business_model("subscription", None, *Q1)


def test_forced_settings_win_over_detection():
    ev = _events("2025-02-01")
    assert resolve_business_model("non_contractual", ev, *Q1).kind == "non_contractual"
    assert resolve_business_model("contractual", _events("2020-01-01"), *Q1).kind == "contractual"


def test_coverage_counts_by_day_boundaries():
    c = churn_event_coverage(_events("2025-01-01 00:00", "2024-12-31 23:59", "2025-03-31 12:00", "2025-04-01"), *Q1)
    assert (c["events"], c["in_window"], c["before"], c["after"]) == (4, 2, 2, 2)
