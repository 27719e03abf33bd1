"""The shared indicator helpers and the one order-line projection (crmkit.indicators.frames)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmkit.indicators import frames, value
from crmkit.store.sql import StoreTable, query


def _orders() -> pd.DataFrame:
    # 1: plain order; 2: a discounted order (amount is what was paid: 90 after a 10 discount), margin given;
    # 3: a flagged return with its own margin; 4: a refund recorded as a negative amount without the flag;
    # 5: an order without gross_margin (margin from margin_rate)
    return pd.DataFrame({
        "order_id": ["1", "2", "3", "4", "5"],
        "customer_id": ["a", "a", "a", "b", "b"],
        "order_date": pd.to_datetime(["2025-01-05", "2025-01-10", "2025-01-12", "2025-01-20", "2025-01-25"]),
        "amount": [100.0, 90.0, -50.0, -20.0, 200.0],
        "discount": [np.nan, 10.0, np.nan, np.nan, np.nan],
        "is_return": pd.array([False, False, True, None, False], dtype="boolean"),
        "gross_margin": [40.0, 25.0, -15.0, np.nan, np.nan],
    })


def test_order_lines_return_rule_and_margin_basis_by_hand():
    lines = frames.order_lines(_orders(), margin_rate=0.3).set_index("order_id")
    assert list(lines.columns) == [c for c in frames.ORDER_LINE_COLUMNS if c != "order_id"]
    # a return: flagged (3) or a negative amount without the flag (4)
    assert lines["is_return"].tolist() == [False, False, True, True, False]
    # the discounted order keeps the amount paid; its margin is the gross margin given
    assert lines.loc["2", "amount"] == 90.0 and lines.loc["2", "margin"] == 25.0
    # gross_margin given wins over margin_rate; missing -> amount × rate (negative for a refund)
    assert lines.loc["1", "margin"] == 40.0 and lines.loc["3", "margin"] == -15.0
    assert lines.loc["4", "margin"] == pytest.approx(-6.0) and lines.loc["5", "margin"] == pytest.approx(60.0)
    # without a rate the unknown margins stay missing
    bare = frames.order_lines(_orders()).set_index("order_id")["margin"]
    assert bare.isna().tolist() == [False, False, False, True, True]


def test_customer_summary_uses_the_projection():
    s = value.customer_summary(_orders(), "2025-01-31", margin_rate=0.3).set_index("customer_id")
    # a: orders 1, 2 (purchases), 3 (return): frequency 2, monetary 100 + 90 − 50, CLV 40 + 25 − 15
    assert s.loc["a", "frequency"] == 2 and s.loc["a", "monetary"] == 140.0 and s.loc["a", "clv"] == 50.0
    # b: refund 4 is a return (not a purchase) though unflagged: frequency 1, CLV −6 + 60
    assert s.loc["b", "frequency"] == 1 and s.loc["b", "monetary"] == 180.0 and s.loc["b", "clv"] == pytest.approx(54.0)
    with pytest.raises(ValueError, match="margin_rate"):
        value.customer_summary(_orders(), "2025-01-31")


def test_revenue_summary_counts_the_unflagged_refund_as_a_return():
    r = value.revenue_summary(_orders(), "2025-01-01", "2025-01-31").iloc[0]
    assert r["orders"] == 3 and r["gross_sales"] == 390.0 and r["returns"] == 70.0 and r["revenue"] == 320.0
    assert r["aov"] == pytest.approx(130.0) and r["customers"] == 2


def test_order_lines_in_the_store_equal_the_frame(tmp_path):
    import duckdb

    path = tmp_path / "s.duckdb"
    con = duckdb.connect(str(path))
    o = _orders().assign(company="x")
    con.register("o", o)
    con.execute("CREATE TABLE orders AS SELECT company, order_id, customer_id, order_date, amount, NULL::DOUBLE AS quantity, "
                "NULL::VARCHAR AS product_id, NULL::VARCHAR AS category, NULL::VARCHAR AS channel, discount, "
                "NULL::VARCHAR AS coupon_code, NULL::DOUBLE AS points_redeemed, NULL::VARCHAR AS campaign_id, "
                "CAST(is_return AS BOOLEAN) AS is_return, gross_margin FROM o")
    con.close()
    st = StoreTable(str(path), "orders", "x", pd.Timestamp("2026-01-01"))
    in_store = query("SELECT * FROM t ORDER BY order_id", t=frames.order_lines(st, margin_rate=0.3))
    framed = frames.order_lines(_orders(), margin_rate=0.3).reset_index(drop=True)
    pd.testing.assert_frame_equal(in_store, framed, check_dtype=False)
    frames.require_margin(st, 0.3)
    with pytest.raises(ValueError, match="margin_rate"):
        frames.require_margin(st, None)


def test_small_helpers():
    df = frames.with_columns(pd.DataFrame({"a": [1, 2]}), {"a": "float64", "b": "boolean"})
    assert df["a"].tolist() == [1, 2] and df["b"].isna().all()
    assert frames.flag(pd.Series([True, None, False], dtype="boolean")).tolist() == [True, False, False]
    assert frames.ratio(1, 4) == 0.25 and math.isnan(frames.ratio(1, 0)) and math.isnan(frames.ratio(1, float("nan")))
    assert frames.growth_rate(120, 100) == pytest.approx(0.2) and math.isnan(frames.growth_rate(1, 0))
    assert frames.label(pd.Series(["x", None, ""])).tolist() == ["x", frames.UNKNOWN, frames.UNKNOWN]
    a, b = frames.previous_window("2025-01-01", "2025-03-31")
    assert (str(a.date()), str(b.date())) == ("2024-10-01", "2024-12-31")
    assert frames.between_sql("d", "2025-01-01", "2025-01-02") == \
        "\"d\" >= TIMESTAMP '2025-01-01 00:00:00' AND \"d\" < TIMESTAMP '2025-01-02 00:00:00'"
