"""Customer value indicators on hand-computed cases."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit import value

T = pd.Timestamp


def _orders(rows):
    """rows: (order_id, customer_id, date, amount[, is_return[, gross_margin]])"""
    full = [tuple(r) + (None,) * (6 - len(r)) for r in rows]
    df = pd.DataFrame(full, columns=["order_id", "customer_id", "order_date", "amount", "is_return", "gross_margin"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    df["is_return"] = df["is_return"].astype("boolean")
    df["gross_margin"] = df["gross_margin"].astype("float64")
    df["amount"] = df["amount"].astype("float64")
    return df


# -- revenue, AOV, growth ------------------------------------------------------
def test_revenue_summary_nets_returns_and_counts_orders():
    o = _orders([
        ("1", "a", "2025-10-02", 100.0, False),
        ("2", "a", "2025-10-20", 60.0, False),
        ("3", "b", "2025-11-05", 40.0, False),
        ("4", "a", "2025-11-06", -60.0, True),
        ("5", "c", "2025-09-30", 999.0, False),  # outside the window
        ("6", "c", "2026-01-01", 999.0, False),  # outside the window
    ])
    r = value.revenue_summary(o, "2025-10-01", "2025-12-31").iloc[0]
    assert r["revenue"] == pytest.approx(140.0)
    assert r["gross_sales"] == pytest.approx(200.0)
    assert r["returns"] == pytest.approx(60.0)
    assert r["orders"] == 3
    assert r["customers"] == 2
    assert r["aov"] == pytest.approx(200.0 / 3)
    assert r["revenue_per_customer"] == pytest.approx(70.0)
    e = value.aov(o, "2025-10-01", "2025-12-31")
    assert e.value == pytest.approx(200.0 / 3) and e.n == 3


def test_growth_against_previous_quarter_and_same_quarter_last_year():
    o = _orders([
        ("1", "a", "2024-11-01", 50.0),       # same quarter last year
        ("2", "a", "2025-08-01", 80.0),       # previous quarter
        ("3", "b", "2025-09-30", 20.0),       # previous quarter
        ("4", "a", "2025-10-15", 150.0),      # current
    ])
    g = value.growth(o, "2025-10-01", "2025-12-31", "period").set_index("metric")
    assert g.loc["revenue", "previous"] == pytest.approx(100.0)
    assert g.loc["revenue", "growth"] == pytest.approx(0.5)
    assert g.loc["customers", "growth"] == pytest.approx(-0.5)
    y = value.growth(o, "2025-10-01", "2025-12-31", "year").set_index("metric")
    assert y.loc["revenue", "growth"] == pytest.approx(2.0)
    assert y.attrs["previous_start"] == T("2024-10-01")
    # no comparison data: growth is undefined, not infinite
    z = value.growth(o, "2025-10-01", "2025-12-31", "year").set_index("metric")
    o2 = o[o["order_date"] > T("2025-01-01")]
    z = value.growth(o2, "2025-10-01", "2025-12-31", "year").set_index("metric")
    assert math.isnan(z.loc["revenue", "growth"])


def test_previous_window_keeps_whole_months():
    assert value.previous_window("2025-10-01", "2025-12-31") == (T("2025-07-01"), T("2025-09-30"))
    assert value.previous_window("2025-10-01", "2025-12-31", "year") == (T("2024-10-01"), T("2024-12-31"))
    with pytest.raises(ValueError):
        value.previous_window("2025-10-01", "2025-12-31", "decade")


# -- RFM -------------------------------------------------------------------------
def _ten_customers():
    """Customer k (k = 0..9) places k + 1 orders of 10·(k+1) each, the last on 2025-12-(k+1)."""
    rows = []
    oid = 0
    for k in range(10):
        for j in range(k + 1):
            oid += 1
            day = T(f"2025-12-{k + 1:02d}") - pd.Timedelta(days=30 * j)
            rows.append((str(oid), f"c{k}", day, 10.0 * (k + 1)))
    return _orders(rows)


def test_rfm_scores_on_ten_customer_toy_table():
    s = value.customer_summary(_ten_customers(), "2025-12-31", margin_rate=0.5).set_index("customer_id")
    assert s["frequency"].tolist() == list(range(1, 11))
    # last orders on Dec 1..10 → recency 30..21 days
    assert s["recency_days"].tolist() == list(range(30, 20, -1))
    # ranks 1..10 → 1 + floor(5 (r-1) / 10)
    expected = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert s["r_score"].tolist() == expected
    assert s["f_score"].tolist() == expected
    assert s["m_score"].tolist() == expected
    assert s["monetary"].tolist() == [10.0 * (k + 1) ** 2 for k in range(10)]
    assert s["clv"].tolist() == pytest.approx([5.0 * (k + 1) ** 2 for k in range(10)])
    assert s["rfm_segment"].tolist() == [
        "hibernating", "hibernating", "hibernating", "hibernating", "need_attention", "need_attention",
        "loyal", "loyal", "champions", "champions",
    ]


def test_rfm_ties_share_the_lowest_score_of_their_rank():
    # six one-time buyers tie at rank 1 → all F1; the remaining ranks 7..10 → 4,4,5,5
    assert value.rfm_scores([1, 1, 1, 1, 1, 1, 2, 3, 4, 5]).tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    # lower recency days is better
    assert value.rfm_scores([5, 50, 500, 5000, 50000], higher_is_better=False).tolist() == [5, 4, 3, 2, 1]
    rows = [(str(i), f"c{i}", "2025-12-01", 10.0) for i in range(6)]
    rows += [(str(10 + i), f"d{i}", d, 10.0) for i, d in enumerate(["2025-11-01", "2025-11-02", "2025-11-03", "2025-11-04"])]
    rows += [("99", "d3", "2025-06-01", 10.0)]
    s = value.customer_summary(_orders(rows), "2025-12-31", margin_rate=0.3).set_index("customer_id")
    # the six customers who bought on Dec 1 tie on recency: ranks 5..10 → R = 1 + floor(5·4/10) = 3
    assert s.loc[[f"c{i}" for i in range(6)], "r_score"].tolist() == [3] * 6
    assert s.loc[["d0", "d1", "d2", "d3"], "r_score"].tolist() == [1, 1, 2, 2]
    assert s.loc["d3", "f_score"] == 5 and s.loc["c0", "f_score"] == 1


def test_segment_map_matches_the_catalogue():
    expected = {
        5: {1: "new", 2: "potential_loyalists", 3: "potential_loyalists", 4: "champions", 5: "champions"},
        4: {1: "promising", 2: "potential_loyalists", 3: "potential_loyalists", 4: "loyal", 5: "loyal"},
        3: {1: "about_to_sleep", 2: "about_to_sleep", 3: "need_attention", 4: "loyal", 5: "loyal"},
        2: {1: "hibernating", 2: "hibernating", 3: "at_risk", 4: "at_risk", 5: "cant_lose_them"},
        1: {1: "hibernating", 2: "hibernating", 3: "at_risk", 4: "at_risk", 5: "cant_lose_them"},
    }
    for r, row in expected.items():
        for f, seg in row.items():
            assert value.rfm_segment(r, f) == seg, (r, f)
    assert set(value.SEGMENT_LABELS) == {s[0] for s in value.SEGMENTS}
    with pytest.raises(ValueError):
        value.rfm_segment(0, 3)


def test_segment_summary_shares_and_order():
    s = value.customer_summary(_ten_customers(), "2025-12-31", margin_rate=0.5)
    seg = value.segment_summary(s).set_index("segment")
    assert list(seg.index) == [x[0] for x in value.SEGMENTS]
    assert seg.loc["hibernating", "customers"] == 4 and seg.loc["new", "customers"] == 0
    assert seg["share"].sum() == pytest.approx(1.0)
    assert seg.loc["champions", "monetary"] == pytest.approx(810.0 + 1000.0)


def test_customer_summary_returns_margin_and_window():
    o = _orders([
        ("1", "a", "2025-01-10", 100.0, False, 40.0),
        ("2", "a", "2025-02-10", 50.0, False, None),   # margin from the rate: 15
        ("3", "a", "2025-02-12", -50.0, True, -15.0),  # return: not an order, reduces money
        ("4", "b", "2025-03-01", 80.0, False, 10.0),
        ("5", "b", "2026-01-05", 500.0, False, 100.0),  # after the end: ignored
        ("6", "c", "2025-03-01", -20.0, True, None),   # only a return: not a customer
    ])
    s = value.customer_summary(o, "2025-12-31", margin_rate=0.3).set_index("customer_id")
    assert list(s.index) == ["a", "b"]
    assert s.loc["a", "frequency"] == 2 and s.loc["a", "monetary"] == pytest.approx(100.0)
    assert s.loc["a", "clv"] == pytest.approx(40.0)
    assert s.loc["a", "last_order"] == T("2025-02-10")
    assert s.loc["b", "clv"] == pytest.approx(10.0)
    since = value.customer_summary(o, "2025-12-31", margin_rate=0.3, since="2025-02-01").set_index("customer_id")
    assert since.loc["a", "frequency"] == 1
    with pytest.raises(ValueError, match="margin_rate"):
        value.customer_summary(o, "2025-12-31")
    # complete gross margins need no rate
    full = o.dropna(subset=["gross_margin"])
    assert value.customer_summary(full, "2025-12-31").set_index("customer_id").loc["a", "clv"] == pytest.approx(25.0)


def test_customer_summary_sql_is_plain_sql_over_a_table():
    sql = value.customer_summary_sql("2025-12-31", margin_rate=0.3, table="store.orders")
    assert "FROM store.orders" in sql and "TIMESTAMP '2026-01-01 00:00:00'" in sql
    assert "RANK() OVER" in sql


# -- property: SQL summary == straightforward pandas ---------------------------------
@st.composite
def _random_orders(draw):
    n = draw(st.integers(1, 60))
    cust = draw(st.lists(st.sampled_from([f"c{i}" for i in range(12)]), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    amounts = draw(st.lists(st.integers(1, 500), min_size=n, max_size=n))
    ret = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    gm = draw(st.lists(st.one_of(st.none(), st.integers(0, 100)), min_size=n, max_size=n))
    df = pd.DataFrame({
        "order_id": [str(i) for i in range(n)],
        "customer_id": cust,
        "order_date": T("2025-01-01") + pd.to_timedelta(days, unit="D") + pd.to_timedelta([7 * d % 24 for d in days], unit="h"),
        "amount": [float(-a if r else a) for a, r in zip(amounts, ret)],
        "is_return": pd.array(ret, dtype="boolean"),
        "gross_margin": pd.array([np.nan if g is None else float(g) for g in gm], dtype="float64"),
    })
    return df


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_random_orders(), st.integers(100, 420))
def test_sql_summary_equals_pandas(orders, end_day):
    end = T("2025-01-01") + pd.Timedelta(days=end_day)
    rate = 0.25
    got = value.customer_summary(orders, end, margin_rate=rate)

    o = orders[orders["order_date"] < end + pd.Timedelta(days=1)].copy()
    o["margin"] = o["gross_margin"].fillna(o["amount"] * rate)
    buys = o[~o["is_return"].astype(bool)]
    per = pd.DataFrame({
        "first_order": buys.groupby("customer_id")["order_date"].min(),
        "last_order": buys.groupby("customer_id")["order_date"].max(),
        "frequency": buys.assign(day=buys["order_date"].dt.normalize()).groupby("customer_id")["day"].nunique(),  # purchases
        "monetary": o.groupby("customer_id")["amount"].sum(),
        "clv": o.groupby("customer_id")["margin"].sum(),
    }).dropna(subset=["frequency"]).sort_index()
    per["recency_days"] = (end.normalize() - per["last_order"].dt.normalize()).dt.days
    per["r_score"] = value.rfm_scores(per["recency_days"], higher_is_better=False).to_numpy()
    per["f_score"] = value.rfm_scores(per["frequency"]).to_numpy()
    per["m_score"] = value.rfm_scores(per["monetary"]).to_numpy()
    per["rfm_segment"] = [value.rfm_segment(r, f) for r, f in zip(per["r_score"], per["f_score"])]

    got = got.set_index("customer_id")
    assert list(got.index) == list(per.index)
    assert got["frequency"].tolist() == per["frequency"].astype(int).tolist()
    assert (got["last_order"] == per["last_order"]).all() and (got["first_order"] == per["first_order"]).all()
    np.testing.assert_allclose(got["monetary"], per["monetary"], atol=1e-9)
    np.testing.assert_allclose(got["clv"], per["clv"], atol=1e-9)
    assert got["recency_days"].tolist() == per["recency_days"].tolist()
    for c in ("r_score", "f_score", "m_score", "rfm_segment"):
        assert got[c].tolist() == per[c].tolist(), c


# -- tiers and concentration ----------------------------------------------------------
def test_value_tiers_and_summary():
    clv = pd.Series([float(x) for x in range(1, 11)])
    tiers = value.value_tiers(clv)
    assert tiers.tolist() == ["low"] * 5 + ["medium"] * 3 + ["high"] * 2
    ts = value.tier_summary(clv, tiers).set_index("tier")
    assert ts.loc["high", "clv_total"] == 19.0 and ts.loc["high", "clv_share"] == pytest.approx(19 / 55)
    assert ts["customer_share"].sum() == pytest.approx(1.0)
    with pytest.raises(ValueError):
        value.value_tiers(clv, high=0.3, low=0.5)


def test_gini_of_known_distributions():
    assert value.gini([5, 5, 5, 5]) == pytest.approx(0.0)
    assert value.gini([0, 0, 0, 10]) == pytest.approx(0.75)
    # mean absolute difference: Σ|xi − xj| / (2 n² μ) = 20 / 80
    assert value.gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert value.gini([4, 3, 2, 1]) == pytest.approx(0.25)
    assert math.isnan(value.gini([]))
    # Gini = 1 − 2 × area under the Lorenz curve (exact with every point)
    x = np.random.default_rng(1).lognormal(0, 1, 500)
    lc = value.lorenz_curve(x, points=None)
    area = np.trapezoid(lc["value_share"], lc["customer_share"])
    assert value.gini(x) == pytest.approx(1 - 2 * area, abs=1e-9)


def test_lorenz_and_top_share():
    lc = value.lorenz_curve([0, 0, 0, 10], points=None)
    assert lc["value_share"].tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]
    sampled = value.lorenz_curve(np.arange(1000), points=11)
    assert len(sampled) == 11 and sampled.iloc[0].tolist() == [0.0, 0.0] and sampled.iloc[-1].tolist() == [1.0, 1.0]
    assert value.top_share([10, 0, 0, 0, 0]) == 1.0
    assert value.top_share([1] * 10) == pytest.approx(0.2)
    assert value.top_share([1, 1, 1, 1, 6, 0, 0, 0, 0, 0]) == pytest.approx(0.7)


# -- CAC, CLV:CAC, payback ---------------------------------------------------------------
def _customers():
    return pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "old"],
        "signup_date": pd.to_datetime(["2025-10-01", "2025-10-16", "2025-11-01", "2025-12-01", "2024-01-01"]),
        "acquisition_channel": ["search", "search", "social", None, "search"],
        "acquisition_cost": [30.0, 50.0, 20.0, 10.0, 99.0],
    })


def test_cac_from_costs_and_acquisition_campaigns():
    costs = pd.DataFrame({
        "period_start": pd.to_datetime(["2025-10-01", "2025-11-01", "2025-11-01", "2025-09-01"]),
        "category": ["acquisition", "acquisition", "marketing", "acquisition"],
        "amount": [200.0, 100.0, 5000.0, 777.0],
        "channel": ["search", "social", None, "search"],
    })
    camp = pd.DataFrame({"campaign_id": ["k1", "k2"], "cost": [100.0, 900.0], "name": ["拉新活动 10月", "会员日"],
                         "start_date": pd.to_datetime(["2025-10-05", "2025-10-06"])})
    e = value.cac(_customers(), costs, camp, "2025-10-01", "2025-12-31")
    assert e.value == pytest.approx((200 + 100 + 100) / 4) and e.n == 4
    by = value.cac_by_channel(_customers(), costs, camp, "2025-10-01", "2025-12-31").set_index("channel")
    assert by.loc["search", "cac"] == pytest.approx(100.0)
    assert by.loc["social", "cac"] == pytest.approx(100.0)
    assert math.isnan(by.loc["campaigns", "cac"]) and by.loc["campaigns", "acquisition_cost"] == 100.0
    assert by.loc["unassigned", "new_customers"] == 1
    assert by.loc["total", "cac"] == pytest.approx(100.0)
    explicit = value.cac(_customers(), costs, camp, "2025-10-01", "2025-12-31", acquisition_campaign_ids=["k2"])
    assert explicit.value == pytest.approx((300 + 900) / 4)


def test_cac_falls_back_to_customer_acquisition_cost():
    spend = value.acquisition_cost(_customers(), None, None, "2025-10-01", "2025-12-31")
    assert set(spend["source"]) == {"customers"}
    assert value.cac(_customers(), None, None, "2025-10-01", "2025-12-31").value == pytest.approx(110.0 / 4)
    by = value.cac_by_channel(_customers(), None, None, "2025-10-01", "2025-12-31").set_index("channel")
    assert by.loc["search", "cac"] == pytest.approx(40.0)
    nobody = value.cac(_customers(), None, None, "2026-01-01", "2026-01-31")
    assert math.isnan(nobody.value) and nobody.n == 0


def test_clv_cac_and_payback():
    assert value.clv_cac_ratio(900.0, 300.0) == pytest.approx(3.0)
    assert math.isnan(value.clv_cac_ratio(900.0, 0.0))
    assert value.payback_months(120.0, 40.0) == pytest.approx(3.0)
    assert math.isnan(value.payback_months(120.0, 0.0))
    # two new customers: a signs up Nov 1 (2 months of exposure to Dec 31 = 61 days),
    # b on Dec 1 (31 days); margins 30 + 10 (+ an order before signup ignored)
    cu = pd.DataFrame({"customer_id": ["a", "b", "z"],
                       "signup_date": pd.to_datetime(["2025-11-01", "2025-12-01", "2024-01-01"])})
    o = _orders([
        ("1", "a", "2025-11-03", 100.0, False, 30.0),
        ("2", "b", "2025-12-02", 50.0, False, 10.0),
        ("3", "b", "2025-11-20", 50.0, False, 99.0),
        ("4", "z", "2025-11-20", 500.0, False, 99.0),
    ])
    m = value.new_customer_monthly_margin(o, cu, "2025-10-01", "2025-12-31")
    months = (61 + 31) / (365.25 / 12)
    assert m.value == pytest.approx(40.0 / months) and m.n == 2


def test_monthly_revenue():
    o = _orders([
        ("1", "a", "2025-10-02", 100.0, False), ("2", "b", "2025-10-20", 50.0, False),
        ("3", "a", "2025-10-21", -50.0, True), ("4", "a", "2025-12-05", 30.0, False),
    ])
    m = value.monthly_revenue(o, "2025-10-01", "2025-12-31").set_index("month")
    assert m.loc["2025-10-01", "revenue"] == 100.0 and m.loc["2025-10-01", "orders"] == 2
    assert m.loc["2025-10-01", "aov"] == pytest.approx(75.0) and m.loc["2025-10-01", "customers"] == 2
    assert list(m.index) == [pd.Timestamp("2025-10-01"), pd.Timestamp("2025-12-01")]


# -- report read-outs -----------------------------------------------------------------
def test_rfm_grid_counts_and_order():
    s = pd.DataFrame({"customer_id": list("abcd"), "r_score": [5, 5, 1, 3], "f_score": [1, 1, 5, 2]})
    g = value.rfm_grid(s)
    assert list(g.index) == [5, 4, 3, 2, 1] and list(g.columns) == [1, 2, 3, 4, 5]
    assert g.loc[5, 1] == 2 and g.loc[1, 5] == 1 and g.loc[3, 2] == 1 and int(g.to_numpy().sum()) == 4


def test_segment_highlights_hand_computed():
    seg = pd.DataFrame({"segment": ["champions", "at_risk", "cant_lose_them", "hibernating"], "customers": [10, 5, 5, 30],
                        "share": [0.2, 0.1, 0.1, 0.6], "monetary_share": [0.5, 0.1, 0.15, 0.25]})
    h = value.segment_highlights(seg)
    assert h["largest"] == "hibernating" and h["largest_share"] == 0.6 and h["champions"] == 10
    assert h["champions_revenue_share"] == 0.5
    assert math.isclose(h["lapsed_share"], 0.2) and math.isclose(h["lapsed_revenue_share"], 0.25)


def test_margins_recorded_frames_and_sql():
    full = _orders([("1", "a", "2025-01-01", 10.0, False, 3.0), ("2", "b", "2025-01-02", 5.0, False, 1.0)])
    assert value.margins_recorded(full)
    assert not value.margins_recorded(full.assign(gross_margin=[3.0, None]))
    assert not value.margins_recorded(full.drop(columns="gross_margin"))


def test_concentration_level_bounds():
    assert [value.concentration_level(g) for g in (0.6, 0.59, 0.4, 0.39, float("nan"))] == \
        ["high", "moderate", "moderate", "low", "unknown"]


def test_channel_cac_drops_total_and_missing_sorted():
    bc = pd.DataFrame({"channel": ["web", "shop", "campaigns", "total"], "cac": [30.0, 10.0, float("nan"), 20.0]})
    assert list(value.channel_cac(bc)["channel"]) == ["shop", "web"]


def test_tracking_gap_and_no_repeat_share():
    tr = pd.DataFrame({"actual_cumulative": [4.0, 10.0], "predicted_cumulative": [5.0, 12.0]})
    assert math.isclose(value.tracking_gap(tr), 0.2)
    assert math.isnan(value.tracking_gap(tr.assign(actual_cumulative=0.0)))
    assert value.no_repeat_share(pd.DataFrame({"frequency": [0, 0, 1, 3]})) == 0.5


class _Prediction:
    customers = pd.DataFrame({"clv": [100.0, 300.0, 50.0], "frequency": [1, 2, 0]}, index=["a", "b", "c"])
    totals = {"clv_mean": 150.0, "top_decile_share": 0.4, "share_alive": 0.7}
    status, model = "ok", "bgnbd"
    holdout_errors = pd.DataFrame({"wape": [0.5], "n_customers": [3]}, index=["bgnbd"])
    clv_mean_estimate = transactions_total_estimate = None

    def mean_clv(self, ids=None):
        clv = self.customers["clv"] if ids is None else self.customers["clv"][self.customers.index.isin(list(ids))]
        return (float(clv.mean()) if len(clv) else float("nan")), len(clv)


def test_new_customer_predicted_clv_and_fallback():
    cus = pd.DataFrame({"customer_id": ["a", "b", "z"], "signup_date": pd.to_datetime(["2025-01-05", "2025-02-01", "2024-01-01"])})
    assert value.new_customer_predicted_clv(_Prediction(), cus, "2025-01-01", "2025-03-31") == (200.0, 2)
    assert value.new_customer_predicted_clv(_Prediction(), cus, "2023-01-01", "2023-03-31") == (150.0, 0)


def test_prediction_headlines_include_holdout_error_only_when_validated():
    values, n = value.prediction_headlines(_Prediction())
    assert values["clv_holdout_error"] == 0.5 and n == {"predicted_clv_top_decile_share": 3, "share_customers_alive": 3,
                                                        "clv_holdout_error": 3}
    p = _Prediction()
    p.status = "unvalidated"
    assert "clv_holdout_error" not in value.prediction_headlines(p)[0]


def test_contract_headlines_in_months_whatever_the_period():
    from crmkit.estimate import Estimate

    c = SimpleNamespace(period="Q", residual_clv_mean_estimate=Estimate(120.0, n=40),
                        residual_clv_total_estimate=Estimate(4800.0, n=40),
                        totals={"n": 40, "mean_derl": 5.5, "next_renewal_rate": 0.9})
    values, n = value.contract_headlines(c)
    assert values["residual_lifetime_months"] == 16.5  # 5.5 quarters
    assert values["residual_clv_mean"].value == 120.0 and values["next_renewal_rate"] == 0.9
    assert n == {"residual_lifetime_months": 40, "next_renewal_rate": 40}
    assert value.contract_headlines(SimpleNamespace(**{**vars(c), "period": "M"}))[0]["residual_lifetime_months"] == 5.5
