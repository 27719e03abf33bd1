"""RFM summaries: lifetimes' definitions on hand-built cases and on CDNOW.

Expected values in the hand-built cases were cross-checked against lifetimes 0.11.3
(``lifetimes.utils``) under pandas 2.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.clv import calibration_and_holdout_data, summary_data_from_transaction_data
from crmkit.errors import DataError


def _tx(rows):
    return pd.DataFrame(rows, columns=["id", "date", "amount"]).assign(date=lambda d: pd.to_datetime(d["date"], format="ISO8601"))


def test_same_day_purchases_are_merged_and_values_summed():
    tx = _tx([("a", "2024-01-01 09:00", 10.0), ("a", "2024-01-01 18:00", 5.0), ("a", "2024-01-03", 7.0),
              ("a", "2024-01-03 12:00", 3.0), ("a", "2024-01-08", 20.0)])
    s = summary_data_from_transaction_data(tx, "id", "date", "amount", observation_period_end="2024-01-10")
    row = s.loc["a"]
    assert row["frequency"] == 2  # days 01-03 and 01-08 after the first day
    assert row["recency"] == 7
    assert row["T"] == 9
    assert row["monetary_value"] == pytest.approx((10.0 + 20.0) / 2)  # 01-03 merged to 10, first day excluded


def test_single_purchase_customer():
    tx = _tx([("b", "2024-01-05 13:00", 42.0)])
    s = summary_data_from_transaction_data(tx, "id", "date", "amount", observation_period_end="2024-01-31")
    assert s.loc["b"].tolist() == [0.0, 0.0, 26.0, 0.0]
    assert list(s.columns) == ["frequency", "recency", "T", "monetary_value"]
    assert s.index.name == "id"


def test_purchase_on_and_after_observation_end():
    # lifetimes keeps every transaction whose period is <= the period of the observation end
    tx = _tx([("c", "2024-01-01", 1.0), ("c", "2024-01-10 23:59", 2.0), ("c", "2024-01-11", 4.0),
              ("d", "2024-01-12", 8.0)])
    s = summary_data_from_transaction_data(tx, "id", "date", "amount", observation_period_end="2024-01-10")
    assert list(s.index) == ["c"]  # d only bought after the observation end
    assert s.loc["c"].tolist() == [1.0, 9.0, 9.0, 2.0]
    # default observation end = last transaction (its period)
    s2 = summary_data_from_transaction_data(tx, "id", "date")
    assert s2.loc["d"].tolist() == [0.0, 0.0, 0.0]
    assert s2.loc["c", "T"] == 11


def test_weekly_periods_monday_to_sunday():
    # 2024-01-01 is a Monday; 01-07 (Sunday) is in the same week, 01-08 starts the next
    tx = _tx([("e", "2024-01-01", 1.0), ("e", "2024-01-07", 2.0), ("e", "2024-01-08", 3.0),
              ("e", "2024-01-24", 4.0)])
    s = summary_data_from_transaction_data(tx, "id", "date", "amount", observation_period_end="2024-02-01", freq="W")
    assert s.loc["e"].tolist() == [2.0, 3.0, 4.0, pytest.approx((3.0 + 4.0) / 2)]
    # a purchase later in the week of the observation end still counts
    s2 = summary_data_from_transaction_data(tx, "id", "date", observation_period_end="2024-01-22", freq="W")
    assert s2.loc["e", "frequency"] == 2 and s2.loc["e", "T"] == 3


def test_freq_multiplier_gives_fractional_weeks():
    tx = _tx([("f", "2024-01-01", 1.0), ("f", "2024-01-11", 2.0)])
    s = summary_data_from_transaction_data(tx, "id", "date", observation_period_end="2024-01-31", freq="D",
                                           freq_multiplier=7)
    assert s.loc["f", "recency"] == pytest.approx(10 / 7)
    assert s.loc["f", "T"] == pytest.approx(30 / 7)


def test_monthly_and_include_first_transaction():
    tx = _tx([("g", "2024-01-31", 10.0), ("g", "2024-02-01", 20.0), ("g", "2024-02-29", 30.0)])
    s = summary_data_from_transaction_data(tx, "id", "date", "amount", observation_period_end="2024-05-15", freq="M")
    assert s.loc["g"].tolist() == [1.0, 1.0, 4.0, 50.0]
    s1 = summary_data_from_transaction_data(tx, "id", "date", "amount", observation_period_end="2024-05-15", freq="M",
                                            include_first_transaction=True)
    assert s1.loc["g", "frequency"] == 2 and s1.loc["g", "monetary_value"] == 30.0


def test_integer_ids_sorted_and_missing_column_error():
    tx = pd.DataFrame({"cid": [3, 1, 2, 1], "ts": pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-01", "2024-01-04"])})
    s = summary_data_from_transaction_data(tx, "cid", "ts")
    assert list(s.index) == [1, 2, 3]
    assert s.loc[1].tolist() == [1.0, 3.0, 3.0]
    with pytest.raises(DataError, match="amount"):
        summary_data_from_transaction_data(tx, "cid", "ts", "amount")


def test_calibration_holdout_semantics():
    tx = _tx([("a", "2024-01-01", 10.0), ("a", "2024-01-05", 20.0), ("a", "2024-01-12", 30.0),
              ("a", "2024-01-12 15:00", 50.0), ("a", "2024-01-20", 5.0), ("b", "2024-01-03", 1.0),
              ("c", "2024-01-15", 9.0)])
    ch = calibration_and_holdout_data(tx, "id", "date", calibration_period_end="2024-01-10",
                                      observation_period_end="2024-01-31", monetary_value_col="amount")
    assert list(ch.index) == ["a", "b"]  # c appears only in the holdout
    a = ch.loc["a"]
    assert (a["frequency_cal"], a["recency_cal"], a["T_cal"], a["monetary_value_cal"]) == (1.0, 4.0, 9.0, 20.0)
    assert a["frequency_holdout"] == 2.0  # 01-12 (two purchases, one day) and 01-20
    assert a["monetary_value_holdout"] == pytest.approx((30 + 50 + 5) / 3)  # raw mean, as lifetimes
    assert ch.loc["b", "frequency_holdout"] == 0.0 and ch.loc["b", "monetary_value_holdout"] == 0.0
    assert (ch["duration_holdout"] == 21.0).all()
    with pytest.raises(DataError, match="holdout"):
        calibration_and_holdout_data(tx, "id", "date", "2024-01-31")


def test_cdnow_calibration_matches_published_summary(cdnow_ch, cdnow_summary):
    ch = cdnow_ch
    assert len(ch) == 2357
    m = ch.join(cdnow_summary, how="inner")
    assert len(m) == 2357
    np.testing.assert_array_equal(m["frequency_cal"], m["x"])
    np.testing.assert_allclose(m["recency_cal"], m["t_x"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(m["T_cal"], m["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(m["monetary_value_cal"], m["zbar"], atol=0.005 + 1e-6)
    assert (ch["duration_holdout"] == 39.0).all()
    assert (ch["frequency_cal"] > 0).sum() == 946


def test_tz_aware_and_string_dates():
    tx = pd.DataFrame({"id": [1, 1], "date": ["2024-03-01 23:30", "2024-03-03 01:00"]})
    s = summary_data_from_transaction_data(tx, "id", "date", observation_period_end="2024-03-05")
    assert s.loc[1].tolist() == [1.0, 2.0, 4.0]
    tz = tx.assign(date=pd.to_datetime(tx["date"]).dt.tz_localize("Asia/Shanghai"))
    s2 = summary_data_from_transaction_data(tz, "id", "date", observation_period_end="2024-03-05")
    assert s2.loc[1].tolist() == [1.0, 2.0, 4.0]  # wall-clock periods, as Timestamp.to_period
