"""Period labels and windows (crmkit.period)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from crmkit import period as P
from crmkit.errors import ConfigError


@pytest.mark.parametrize("label, first, last", [
    ("2025", (2025, 1, 1), (2025, 12, 31)), (2024, (2024, 1, 1), (2024, 12, 31)),
    ("2025H2", (2025, 7, 1), (2025, 12, 31)), ("2025Q1", (2025, 1, 1), (2025, 3, 31)),
    ("2024M02", (2024, 2, 1), (2024, 2, 29)), ("2025-12", (2025, 12, 1), (2025, 12, 31)),
])
def test_period_bounds(label, first, last):
    assert P.period_bounds(label) == (dt.date(*first), dt.date(*last))


@pytest.mark.parametrize("bad", ["2025Q5", "2025M13", "25Q1", "2025-1", "", True])
def test_bad_labels(bad):
    with pytest.raises(ConfigError):
        P.period_bounds(bad)
    assert not P.is_period(bad)


@pytest.mark.parametrize("label, prev, last_year", [
    ("2025Q1", "2024Q4", "2024Q1"), ("2025H1", "2024H2", "2024H1"), ("2025M01", "2024M12", "2024M01"),
    ("2025-07", "2025-06", "2024-07"), (2025, "2024", "2024"), ("2025Q3", "2025Q2", "2024Q3"),
])
def test_previous_and_last_year(label, prev, last_year):
    assert P.previous_period(label) == prev and P.same_period_last_year(label) == last_year
    # the previous period ends the day before the period starts
    assert P.period_bounds(prev)[1] + dt.timedelta(days=1) == P.period_bounds(label)[0]


def test_windows():
    assert P.window_bounds("2025-10-01", "2025-12-31") == (pd.Timestamp("2025-10-01"), pd.Timestamp("2026-01-01"))
    with pytest.raises(ValueError):
        P.window_bounds("2025-02-01", "2025-01-01")
    # whole months stay whole months; other windows keep their length in days
    assert P.previous_window("2025-03-01", "2025-03-31") == (pd.Timestamp("2025-02-01"), pd.Timestamp("2025-02-28"))
    assert P.previous_window("2025-03-10", "2025-03-19") == (pd.Timestamp("2025-02-28"), pd.Timestamp("2025-03-09"))
    assert P.previous_window("2024-02-29", "2024-02-29", "year")[0] == pd.Timestamp("2023-02-28")
    assert P.period_window("2025Q4") == (pd.Timestamp("2025-10-01"), pd.Timestamp("2025-12-31"))


def test_parameters_accept_an_integer_year():
    from crmkit.reports.params import load_params

    p = load_params(None, company="x", period=2025)
    assert p.period == "2025" and p.start == dt.date(2025, 1, 1) and p.end == dt.date(2025, 12, 31)
