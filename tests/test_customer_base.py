"""Customer base indicators on hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from crmkit import customer_base as cb

from .subscriptions import SUB_CUSTOMERS, SUB_EVENTS, SUB_ORDERS

CUSTOMERS = pd.DataFrame({
    "customer_id": list("abcdef"),
    "signup_date": pd.to_datetime(["2024-01-05", "2024-06-01", "2024-09-10", "2024-11-20", "2024-12-15", "2025-01-02"]),
    "customer_type": ["individual", "individual", "sme", "enterprise", "individual", None],
    "gender": ["female", "male", "female", None, "female", "male"],
    "birth_year": pd.array([2003, 1990, None, 1960, 1985, 1999], dtype="Int64"),
    "region": ["east", "east", "north", "east", "south", "north"],
})
ORDERS = pd.DataFrame({
    "order_id": [f"o{i}" for i in range(9)],
    "customer_id": ["a", "a", "b", "c", "c", "d", "e", "f", "b"],
    "order_date": pd.to_datetime(["2024-07-02", "2024-10-05", "2024-10-20", "2024-10-01", "2024-11-11",
                                  "2024-12-01", "2024-12-20", "2024-12-28", "2024-12-30"]),
    "amount": [100.0, 50.0, 30.0, 200.0, 100.0, 400.0, 20.0, 80.0, -30.0],
    "is_return": pd.array([False, False, False, False, False, False, False, False, True], dtype="boolean"),
})
S, E = "2024-10-01", "2024-12-31"


def test_counts_hand_computed():
    c = cb.customer_counts(CUSTOMERS, ORDERS, S, E)
    # active Q4: a, b, c, d, e, f (f ordered before signing up: still active); new: b, c, d, e, f; returning: a
    assert c == {"total": 5, "active": 6, "new": 5, "returning": 1, "signups": 2}


def test_activity_revenue_is_net_of_returns():
    a = cb.customer_activity(ORDERS, S, E).set_index("customer_id")
    assert a.loc["b", "revenue"] == 0.0 and a.loc["b", "orders"] == 1
    assert a.loc["a", "returning"] and a.loc["c", "new"]


def test_growth_period_and_year():
    g = cb.customer_growth(CUSTOMERS, ORDERS, S, E, "period").set_index("metric")
    # previous quarter Jul-Sep 2024: active a (new) -> active growth 6/1 - 1
    assert g.loc["active", "previous"] == 1 and g.loc["active", "growth"] == pytest.approx(5.0)
    assert g.attrs["previous_start"] == pd.Timestamp("2024-07-01")
    y = cb.customer_growth(CUSTOMERS, ORDERS, S, E, "year").set_index("metric")
    assert y.loc["active", "previous"] == 0 and math.isnan(y.loc["active", "growth"])


def test_segment_table_shares_sum_to_one():
    t = cb.segment_table(CUSTOMERS, ORDERS, S, E, "region").set_index("segment")
    assert t.loc["east", "customers"] == 3 and t.loc["north", "customers"] == 1  # f signed up after the window
    assert t["customer_share"].sum() == pytest.approx(1.0)
    assert t["revenue_share"].sum() == pytest.approx(1.0)
    # Q4 revenue net of returns: a 50, b 30 - 30, c 300, d 400, e 20 = 770 (f signed up after the window);
    # east = a + b + d = 450
    assert t.loc["east", "revenue"] == pytest.approx(450.0)
    assert t.loc["east", "revenue_share"] == pytest.approx(450.0 / 770.0)


def test_age_bands_and_unknowns():
    bands = cb.age_band(CUSTOMERS["birth_year"], "2024-12-31").tolist()
    assert bands == ["<25", "25-34", "unknown", "55-64", "35-44", "25-34"]
    seg = cb.segmentation(CUSTOMERS, ORDERS, S, E, ["gender", "age_band", "occupation"])
    assert set(seg["dimension"]) == {"gender", "age_band"}  # occupation absent -> left out
    g = seg[seg["dimension"] == "gender"]
    assert g["segment"].iloc[-1] == "unknown"


def test_monthly_customers():
    m = cb.monthly_customers(ORDERS, S, E)
    assert m["month"].dt.month.tolist() == [10, 11, 12]
    assert m[["active", "new", "returning"]].values.tolist() == [[3, 2, 1], [1, 0, 1], [3, 3, 0]]


def test_market_share_and_windows():
    e = cb.market_share(250, 1000, basis="customers")
    assert e.value == 0.25 and e.n == 1000 and 0 < e.ci_low < 0.25 < e.ci_high < 1
    assert math.isnan(cb.market_share(10, 0).value)
    with pytest.raises(ValueError):
        cb.market_share(2000, 1000)
    w = cb.period_windows("2025-10-01", "2025-12-31", 3)
    assert [a.strftime("%m-%d") for a, _ in w] == ["04-01", "07-01", "10-01"]


# -- readings of the customer-base tables --------------------------------------------------


def test_growth_table_joins_period_and_year():
    p = cb.customer_growth(CUSTOMERS, ORDERS, S, E, "period")
    y = cb.customer_growth(CUSTOMERS, ORDERS, S, E, "year")
    t = cb.growth_table(p, y).set_index("metric")
    assert list(t.index) == ["total", "active", "new", "returning", "signups"]
    # Q3 2024 (Jul-Sep): a active (new), total signed up by 30 Sep = a, b, c -> 3; Q4 2023: nobody
    assert t.loc["active", "previous"] == 1 and t.loc["active", "growth"] == pytest.approx(5.0)
    assert t.loc["total", "previous"] == 3 and t.loc["total", "growth"] == pytest.approx(5 / 3 - 1)
    assert t.loc["active", "last_year"] == 0 and math.isnan(t.loc["active", "yoy"])
    assert t.attrs["previous_start"] == pd.Timestamp("2024-07-01") and t.attrs["year_end"] == pd.Timestamp("2023-12-31")


def test_returning_share_and_empty_base():
    assert cb.returning_share(cb.customer_counts(CUSTOMERS, ORDERS, S, E)) == pytest.approx(1 / 6)
    assert math.isnan(cb.returning_share({"active": 0, "returning": 0}))


def test_monthly_summary_peak_and_window_means():
    m = cb.monthly_customers(ORDERS, "2024-07-01", E)  # Jul 1, Oct 3, Nov 1, Dec 3 (b's Dec order is a return)
    s = cb.monthly_summary(m, S)
    assert s["months"] == 4 and s["peak_month"] == pd.Timestamp("2024-10-01") and s["peak_active"] == 3
    assert s["mean_active"] == pytest.approx(7 / 3) and s["mean_new"] == pytest.approx(5 / 3)
    assert math.isnan(cb.monthly_summary(m, "2025-01-01")["mean_active"])


def test_segment_highlights_and_top_segment():
    seg = cb.segmentation(CUSTOMERS, ORDERS, S, E, ["region", "gender"])
    h = cb.segment_highlights(seg)
    # region: east a, b, d (revenue 50 + 0 + 400 = 450 of 770); gender: female a, c, e
    assert h["largest"][["dimension", "segment"]].values.tolist() == [["region", "east"], ["gender", "female"]]
    assert "unknown" not in set(h["largest"]["segment"])
    known = seg[seg["segment"] != "unknown"]
    gaps = known["revenue_share"] - known["customer_share"]
    assert h["over"]["revenue_share"] - h["over"]["customer_share"] == pytest.approx(gaps.max())
    assert h["under"]["revenue_share"] - h["under"]["customer_share"] == pytest.approx(gaps.min())
    top = cb.top_revenue_segment(cb.customer_types(CUSTOMERS, ORDERS, S, E))
    assert top["segment"] == "enterprise" and top["revenue_share"] == pytest.approx(400 / 770)


def test_window_sales_includes_returns():
    # Q4: 50 + 30 + 200 + 100 + 400 + 20 + 80 - 30 = 850
    assert cb.window_sales(ORDERS, S, E) == pytest.approx(850.0)
    assert cb.window_sales(ORDERS, "2030-01-01", "2030-01-31") == 0.0


def test_headline_metrics_names_and_growth_n():
    counts = cb.customer_counts(CUSTOMERS, ORDERS, S, E)
    growth = cb.growth_table(cb.customer_growth(CUSTOMERS, ORDERS, S, E, "period"), cb.customer_growth(CUSTOMERS, ORDERS, S, E, "year"))
    values, n = cb.headline_metrics(counts, 0.5, growth)
    assert values["total_customers"] == 5 and values["returning_customers"] == 1 and values["active_customer_share"] == 0.5
    assert values["active_customer_growth"] == pytest.approx(5.0)  # 6 active against 1 in Q3
    assert n == {"active_customer_growth": 1, "new_customer_growth": 1, "active_customer_growth_yoy": 0}


def test_subscription_status_hand_computed():
    st = cb.subscription_status(SUB_CUSTOMERS, SUB_EVENTS, "2024-12-31", orders=SUB_ORDERS).set_index("customer_id")
    assert sorted(st.index) == list("abcdhij")  # e, f, g sign up later
    assert st["subscribed"].to_dict() == {"a": True, "b": True, "c": False, "d": False, "h": False, "i": True, "j": False}
    assert st.loc["j", "cancelled_at"] == pd.Timestamp("2024-12-15")  # same-day order does not win back
    end = cb.subscription_status(SUB_CUSTOMERS, SUB_EVENTS, "2025-03-31", orders=SUB_ORDERS).set_index("customer_id")
    assert end.loc["d", "subscribed"] and pd.isna(end.loc["d", "cancelled_at"])  # won back by the 2025-02-05 order
    assert sorted(end.index[end["subscribed"]]) == ["a", "d", "e"]
    # without orders nobody is won back and the start is the sign-up
    no_orders = cb.subscription_status(SUB_CUSTOMERS, SUB_EVENTS, "2025-03-31").set_index("customer_id")
    assert sorted(no_orders.index[no_orders["subscribed"]]) == ["a", "e"]


def test_subscriber_counts_and_net_adds_by_hand():
    c = cb.subscriber_counts(SUB_CUSTOMERS, SUB_EVENTS, "2025-01-01", "2025-03-31", orders=SUB_ORDERS)
    assert c == {"start": 3, "end": 3, "new": 2, "won_back": 1, "gross_adds": 3, "cancellations": 3, "net_adds": 0}
    assert c["end"] == c["start"] + c["gross_adds"] - c["cancellations"]
    # January only: b, f, d's flows lie later; i cancels on 2025-01-01, e signs up on 2025-01-15
    jan = cb.subscriber_counts(SUB_CUSTOMERS, SUB_EVENTS, "2025-01-01", "2025-01-31", orders=SUB_ORDERS)
    assert jan == {"start": 3, "end": 3, "new": 1, "won_back": 0, "gross_adds": 1, "cancellations": 1, "net_adds": 0}
    assert cb.subscriber_metrics(c) == {"subscribers_start": 3, "subscribers_end": 3, "gross_adds": 3,
                                        "cancellations": 3, "net_adds": 0}


def test_active_share_of_an_all_new_base_is_true_by_construction():
    assert cb.by_construction({"total": 5, "active": 5, "new": 5, "returning": 0}) == {
        "active_customer_share": "every customer on file is new in this period, so every one is active"}
    assert cb.by_construction({"total": 5, "active": 5, "new": 4, "returning": 1}) == {}
    assert cb.by_construction({"total": 0, "active": 0, "new": 0, "returning": 0}) == {}
