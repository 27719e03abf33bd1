from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from crmkit.contract.coerce import coerce_amounts, coerce_bools, coerce_dates, coerce_ids


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025/1/3", "2025-01-03"), ("2025-01-03 14:05", "2025-01-03 14:05"), ("2025年1月3日", "2025-01-03"),
        ("2025年12月31日 08:00", "2025-12-31 08:00"), ("2025.3.9", "2025-03-09"), ("2025-03-09T10:11:12", "2025-03-09 10:11:12"),
        ("45658", "2025-01-01"),  # Excel serial as text
    ],
)
def test_dates_real_exports_write(text, expected):
    out, bad = coerce_dates(pd.Series([text]))
    assert not bad.any() and out.iloc[0] == pd.Timestamp(expected)


def test_excel_serial_numbers_and_bad_dates():
    out, bad = coerce_dates(pd.Series([45658.0, 45658.5]))
    assert list(out) == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-01 12:00")] and not bad.any()
    out, bad = coerce_dates(pd.Series(["2025-02-30", "soon", None, ""]))
    assert bad.tolist() == [True, True, False, False] and out.isna().all()


@pytest.mark.parametrize(
    "text, value",
    [("¥1,234.50", 1234.5), ("￥99", 99.0), ("1,234,567", 1234567.0), ("(3.00)", -3.0), ("-5", -5.0), ("RMB 12.5", 12.5),
     ("1e3", 1000.0), ("12.5元", 12.5)],
)
def test_amounts_parsed(text, value):
    out, bad = coerce_amounts(pd.Series([text]))
    assert not bad.any() and out.iloc[0] == pytest.approx(value)


@pytest.mark.parametrize("text", ["1 234,50", "12,5", "1,23", "abc", "5%", "1.2.3"])
def test_ambiguous_or_invalid_amounts_refused(text):
    out, bad = coerce_amounts(pd.Series([text]))
    assert bad.all() and out.isna().all()


def test_decimal_comma_option():
    out, bad = coerce_amounts(pd.Series(["1 234,50", "1.234,5", "12,5", "7"]), decimal=",")
    assert not bad.any() and out.tolist() == [1234.5, 1234.5, 12.5, 7.0]


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False))
def test_thousands_formatting_round_trips(d):
    text = f"¥{float(d):,.2f}"
    out, bad = coerce_amounts(pd.Series([text]))
    assert not bad.any() and out.iloc[0] == pytest.approx(float(d), abs=0.005)


def test_bools_and_ids():
    out, bad = coerce_bools(pd.Series(["是", "否", "Y", "n", "TRUE", "0", "maybe", None]))
    assert out.iloc[:6].tolist() == [True, False, True, False, True, False]
    assert bad.tolist() == [False] * 6 + [True, False]
    ids, _ = coerce_ids(pd.Series([1001.0, 2.5, None]))
    assert ids.iloc[0] == "1001" and ids.iloc[1] == "2.5" and pd.isna(ids.iloc[2])
