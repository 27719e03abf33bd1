"""One definition of a purchase (a customer's distinct day with a non-return order) on hand-computed cases.

Every count of purchases reads :func:`crmkit.indicators.frames.purchases_sql`: two orders of one customer on the
same day are one purchase, a day with only returns is none.  Each case is checked on a loaded frame and inside the
store, which must agree.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from crmkit import churn, cost, customer_base as cb, loyalty, value
from crmkit.indicators import frames
from crmkit.store.sql import StoreTable

S, E = "2025-10-01", "2025-12-31"


def _orders() -> pd.DataFrame:
    rows = [
        # a: two orders on 2025-10-05 (one purchase), one on 2025-10-20 -> 3 orders, 2 purchases, one gap of 15 days
        ("1", "a", "2025-10-05 09:00", 100.0, False), ("2", "a", "2025-10-05 17:30", 40.0, False),
        ("3", "a", "2025-10-20 12:00", 60.0, False),
        # b: two orders on one day only -> 2 orders, 1 purchase, no repeat purchase
        ("4", "b", "2025-11-03 10:00", 30.0, False), ("5", "b", "2025-11-03 10:05", 20.0, False),
        # c: one order, a flagged return on another day, an unflagged refund on a third: 1 purchase
        ("6", "c", "2025-10-10 08:00", 80.0, False), ("7", "c", "2025-10-25 08:00", -80.0, True),
        ("8", "c", "2025-11-15 08:00", -10.0, None),
        # d: a return only: no purchase, not active
        ("9", "d", "2025-11-20 08:00", -25.0, True),
        # e: one purchase before the window and one in it -> a gap of 61 days ending in the window
        ("10", "e", "2025-09-01 11:00", 50.0, False), ("11", "e", "2025-11-01 11:00", 70.0, False),
    ]
    df = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount", "is_return"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    df["is_return"] = pd.array(df["is_return"], dtype="boolean")
    df["gross_margin"] = df["amount"] * 0.5
    return df


@pytest.fixture(scope="module")
def store_orders(tmp_path_factory) -> StoreTable:
    path = tmp_path_factory.mktemp("purchases") / "s.duckdb"
    con = duckdb.connect(str(path))
    con.register("o", _orders().assign(company="x"))
    con.execute("CREATE TABLE orders AS SELECT company, order_id, customer_id, order_date, amount, NULL::DOUBLE AS quantity, "
                "NULL::VARCHAR AS product_id, NULL::VARCHAR AS category, NULL::VARCHAR AS channel, NULL::DOUBLE AS discount, "
                "NULL::VARCHAR AS coupon_code, NULL::DOUBLE AS points_redeemed, NULL::VARCHAR AS campaign_id, "
                "CAST(is_return AS BOOLEAN) AS is_return, gross_margin FROM o")
    con.close()
    return StoreTable(str(path), "orders", "x", pd.Timestamp("2026-01-01"))


@pytest.fixture(params=["frame", "store"])
def orders(request, store_orders):
    return _orders() if request.param == "frame" else store_orders


def test_purchases_are_customer_days_without_returns(orders):
    p = frames.purchase_days(orders)
    days = {(c, str(d.date())) for c, d in zip(p["customer_id"], p["day"])}
    assert days == {("a", "2025-10-05"), ("a", "2025-10-20"), ("b", "2025-11-03"), ("c", "2025-10-10"),
                    ("e", "2025-09-01"), ("e", "2025-11-01")}
    a = p[p["customer_id"] == "a"].set_index(p.loc[p["customer_id"] == "a", "day"].dt.strftime("%m-%d"))
    assert a.loc["10-05", "orders"] == 2 and a.loc["10-05", "amount"] == 140.0
    assert a.loc["10-05", "first_at"] == pd.Timestamp("2025-10-05 09:00")
    assert a.loc["10-05", "last_at"] == pd.Timestamp("2025-10-05 17:30")
    # the half-open bounds cut by order_date
    assert set(frames.purchase_days(orders, pd.Timestamp(S), pd.Timestamp("2025-11-01"))["customer_id"]) == {"a", "c"}


def test_repeat_purchase_rate_and_frequency_count_purchase_days(orders):
    # active: a (2 purchases), b (1: two orders on one day), c (1: return days are no purchases), e (1 in the window)
    r = loyalty.repeat_purchase_rate(orders, S, E)
    assert (r.value, r.n) == (0.25, 4)  # counting orders would give a and b: 0.5
    f = loyalty.purchase_frequency(orders, S, E)
    assert (f.value, f.n) == (1.25, 4)  # orders per customer would be 7 / 4
    act = cb.customer_activity(orders, S, E).set_index("customer_id")
    assert act["orders"].to_dict() == {"a": 3, "b": 2, "c": 1, "e": 1}
    assert act["purchases"].to_dict() == {"a": 2, "b": 1, "c": 1, "e": 1}
    assert act["last_order"]["a"] == pd.Timestamp("2025-10-20 12:00")


def test_gaps_and_the_inactivity_threshold_are_between_purchase_days(orders):
    g = loyalty.inter_purchase_days(orders, E, S)
    assert g[["customer_id", "gap"]].values.tolist() == [["a", 15], ["e", 61]]  # no 0-day gap for a or b
    assert churn.inactivity_threshold(orders, E) == int(np.ceil(np.quantile([15, 61], 0.9)))
    assert loyalty.inter_purchase_time(orders, S, E).n == 2


def test_active_customers_and_rfm_frequency(orders):
    assert loyalty.active_customers(orders, S, E) == {"a", "b", "c", "e"}  # d only returned
    assert cost.active_customers(orders, S, E) == 4
    s = value.customer_summary(orders, E).set_index("customer_id")
    assert s["frequency"].to_dict() == {"a": 2, "b": 1, "c": 1, "e": 2}
    # monetary stays net of returns: c 80 − 80 − 10; recency from the last purchase (c: 2025-10-10)
    assert s.loc["c", "monetary"] == -10.0 and s.loc["c", "recency_days"] == 82
    m = cb.monthly_customers(orders, S, E).set_index("month")
    # October: a and c (both first purchases); November: b (new) and e (returning), c's refund is no purchase
    assert m[["active", "new", "returning"]].values.tolist() == [[2, 2, 0], [2, 1, 1]]


def test_orders_stay_orders(orders):
    r = value.revenue_summary(orders, S, E).iloc[0]
    # non-return order lines in the window: a 3, b 2, c 1, e 1; AOV over orders, not purchases
    assert r["orders"] == 7 and r["gross_sales"] == 400.0 and r["aov"] == pytest.approx(400 / 7)


def test_churn_cost_ratio_frame_and_store_agree(store_orders):
    customers = pd.DataFrame({"customer_id": list("abcde"), "signup_date": pd.to_datetime(["2025-01-01"] * 5)})
    got = []
    for o in (_orders(), store_orders):
        panel = churn.churn_panel(customers, o, "2025-11-01", E, inactivity_days=20)
        got.append(cost.churn_cost_ratio(panel, o, E))
    # a (last purchase 2025-10-20) churns on 2025-11-09; c (2025-10-10) on 2025-10-30, before the window
    assert got[0]["customers"] == 1 and got[0]["cost"] == 200.0
    # all customers' revenue in the 365 days up to 2025-12-31: 400 + 50 − 80 − 10 − 25
    assert got[0]["revenue"] == pytest.approx(335.0) and got[0]["share"] == pytest.approx(200 / 335)
    assert got[0] == pytest.approx(got[1])
