from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from crmkit.contract.coerce import coerce_amounts, coerce_bools, coerce_dates, coerce_ids, date_order_evidence
from crmkit.contract.dates import DAY_FIRST, MONTH_FIRST, day_month_order, format_order
from crmkit.errors import DataError


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


# -- day-first or month-first: one order per column ---------------------------------------------


def _dates(values, **kw):
    out, bad = coerce_dates(pd.Series(values, dtype=object), **kw)
    return [None if pd.isna(x) else x for x in out], bad.tolist()


def test_one_day_first_value_makes_the_whole_column_day_first():
    out, bad = _dates(["03/04/2025", "23/04/2025", "05/06/2025 14:05", "1.2.2025", "07-08-25"])
    assert out == [pd.Timestamp("2025-04-03"), pd.Timestamp("2025-04-23"), pd.Timestamp("2025-06-05 14:05"),
                   pd.Timestamp("2025-02-01"), pd.Timestamp("2025-08-07")]
    assert not any(bad)


def test_one_month_first_value_makes_the_whole_column_month_first():
    out, bad = _dates(["03/04/2025", "04/23/2025", "05/06/2025 14:05", "1.2.2025"])
    assert out == [pd.Timestamp("2025-03-04"), pd.Timestamp("2025-04-23"), pd.Timestamp("2025-05-06 14:05"),
                   pd.Timestamp("2025-01-02")]
    assert not any(bad)


def test_ambiguous_and_conflicting_columns_are_refused():
    with pytest.raises(DataError, match=r"'03/04/2025' \(row 0\) and '05/06/2025' \(row 1\).*date_format"):
        coerce_dates(pd.Series(["03/04/2025", "05/06/2025", "03/04/2025"]))
    with pytest.raises(DataError, match=r"conflicting.*row 1 '23/04/2025'.*day-first.*row 2 '04/23/2025'.*month-first"):
        coerce_dates(pd.Series(["03/04/2025", "23/04/2025", "04/23/2025"]))


def test_iso_and_year_first_dates_are_never_day_month_forms():
    values = ["2025-03-04", "2025/3/4", "2025-04-03 10:00", "2025年3月4日", "23/04/2025"]
    out, bad = _dates(values)
    assert out[:4] == [pd.Timestamp("2025-03-04"), pd.Timestamp("2025-03-04"), pd.Timestamp("2025-04-03 10:00"),
                       pd.Timestamp("2025-03-04")]
    assert date_order_evidence(pd.Series(values[:4])).status == "none"  # nothing to decide, nothing refused


def test_an_explicit_date_format_wins():
    # '%d/%m/%Y' reads what it can; the rest of the column is day-first too, even when a value looks month-first
    out, bad = _dates(["03/04/2025", "05/01/2025 14:05", "04/23/2025", "2025-01-02"], date_format="%d/%m/%Y")
    assert out == [pd.Timestamp("2025-04-03"), pd.Timestamp("2025-01-05 14:05"), None, pd.Timestamp("2025-01-02")]
    assert bad == [False, False, True, False]
    out, _ = _dates(["03/04/2025", "05/06/2025"], date_format="%m/%d/%Y")
    assert out == [pd.Timestamp("2025-03-04"), pd.Timestamp("2025-05-06")]
    assert date_order_evidence(pd.Series(["03/04/2025"]), date_format="%d/%m/%Y") is None
    # a caller's decided order is used as given
    out, _ = _dates(["03/04/2025"], order=MONTH_FIRST)
    assert out == [pd.Timestamp("2025-03-04")]


def test_day_month_evidence():
    ev = day_month_order(["03/04/2025", "13/13/2025", "05/05/2025", "07/08/2025", "03/04/2025", "29/02/2025"], [9, 8, 7, 6, 5, 4])
    # 13/13 is no date either way and 05/05 reads alike; 29/02 proves day-first (even if the date does not exist)
    assert ev.status == "decided" and ev.order == DAY_FIRST and ev.proof == (4, "29/02/2025")
    assert ev.ambiguous == ((5, "03/04/2025"), (6, "07/08/2025"))
    assert day_month_order(["05/05/2025", "13/13/2025", "2025-01-02"], [1, 2, 3]).status == "none"
    assert day_month_order(["12/31/2025"], [1]).order == MONTH_FIRST
    assert [format_order(f) for f in ("%d/%m/%Y", "%m.%d.%y %H:%M", "%Y/%m/%d", "%Y-%d-%m", None)] == [
        DAY_FIRST, MONTH_FIRST, None, None, None]


def test_a_date_without_year_is_unreadable_not_year_one():
    out, bad = _dates(["03/04", "2025-01-01"])
    assert out == [None, pd.Timestamp("2025-01-01")] and bad == [True, False]


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
