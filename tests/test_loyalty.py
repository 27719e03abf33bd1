"""Loyalty indicators on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit import loyalty


def _orders(rows):
    return pd.DataFrame({
        "order_id": [f"o{i}" for i in range(len(rows))],
        "customer_id": [r[0] for r in rows],
        "order_date": pd.to_datetime([r[1] for r in rows]),
        "amount": [r[2] if len(r) > 2 else 10.0 for r in rows],
        "is_return": pd.array([r[3] if len(r) > 3 else False for r in rows], dtype="boolean"),
    })


# Three monthly cohorts: Jan (a, b, c, d), Feb (e, f), Mar (g).
COHORT_ORDERS = _orders([
    ("a", "2025-01-03"), ("b", "2025-01-10"), ("c", "2025-01-20"), ("d", "2025-01-25"),
    ("a", "2025-02-05"), ("b", "2025-02-07"), ("a", "2025-03-01"), ("c", "2025-03-15"),
    ("e", "2025-02-02"), ("f", "2025-02-20"), ("e", "2025-03-09"),
    ("g", "2025-03-30"),
    ("d", "2025-02-11", -10.0, True),  # a return is not a purchase
    ("h", "2025-04-02"),  # after the end: ignored
])


def test_cohort_matrix_hand_computed_with_masked_cells():
    m = loyalty.cohort_retention(COHORT_ORDERS, "2025-03-31")
    assert list(m.index) == ["2025-01", "2025-02", "2025-03"]
    assert m.loc["2025-01"].tolist() == pytest.approx([1.0, 0.5, 0.5])
    row_feb = m.loc["2025-02"].tolist()
    assert row_feb[:2] == pytest.approx([1.0, 0.5]) and math.isnan(row_feb[2])
    row_mar = m.loc["2025-03"].tolist()
    assert row_mar[0] == 1.0 and all(math.isnan(v) for v in row_mar[1:])
    assert m.attrs["sizes"].to_dict() == {"2025-01": 4, "2025-02": 2, "2025-03": 1}


def test_cohort_partial_last_month_is_masked_and_zero_is_zero():
    # End mid-March: March is not complete, so no cohort has an observable March cell.
    m = loyalty.cohort_retention(COHORT_ORDERS, "2025-03-15")
    assert math.isnan(m.loc["2025-01", 2]) and math.isnan(m.loc["2025-02", 1])
    # A cohort with no activity in an observable period is 0, not NaN.
    o = _orders([("a", "2025-01-05"), ("b", "2025-01-06"), ("a", "2025-03-02")])
    m2 = loyalty.cohort_retention(o, "2025-03-31")
    assert m2.loc["2025-01"].tolist() == pytest.approx([1.0, 0.0, 0.5])


def test_cohort_quarterly():
    m = loyalty.cohort_retention(COHORT_ORDERS, "2025-06-30", freq="Q")
    assert list(m.index) == ["2025Q1", "2025Q2"]  # h's first order (April) makes a Q2 cohort
    assert m.loc["2025Q1"].tolist() == pytest.approx([1.0, 0.0])
    assert m.loc["2025Q2", 0] == 1.0 and math.isnan(m.loc["2025Q2", 1])


def test_repeat_rate_frequency_and_gaps():
    o = COHORT_ORDERS
    e = loyalty.repeat_purchase_rate(o, "2025-02-01", "2025-03-31")
    # active Feb-Mar: a(2), b(1), c(1), e(2), f(1), g(1) -> 2 of 6 (d's only row is a return)
    assert (e.value, e.n) == (pytest.approx(2 / 6), 6)
    assert loyalty.purchase_frequency(o, "2025-02-01", "2025-03-31").value == pytest.approx(8 / 6)
    gaps = loyalty.inter_purchase_days(o, "2025-03-31")
    assert sorted(gaps["gap"].tolist()) == sorted([33, 24, 28, 54, 35])
    assert loyalty.inter_purchase_time(o, "2025-01-01", "2025-03-31").value == 33


def test_period_retention_and_crr():
    o = COHORT_ORDERS
    # January actives a, b, c, d; February actives a, b, e, f -> 2 / 4
    e = loyalty.period_retention(o, "2025-02-01", "2025-02-28")
    assert (e.value, e.n) == (0.5, 4)
    # CRR with a 31-day base: S = Jan buyers (a,b,c,d), E = Mar buyers (a,c,e,g), N = E - S = {e,g}
    c = loyalty.customer_retention_rate(o, "2025-02-01", "2025-03-31", lookback_days=31)
    assert (c.value, c.n) == (0.5, 4)


def test_diff_proportions_newcombe_published_example():
    # Newcombe (1998), Table II example (56/70 vs 48/80), method 10: 0.0524 to 0.3339
    e = loyalty.diff_proportions(56, 70, 48, 80)
    assert e.value == pytest.approx(0.2)
    assert (e.ci_low, e.ci_high) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_diff_means_matches_scipy_welch():
    from scipy import stats

    rng = np.random.default_rng(3)
    a, b = rng.normal(5, 2, 40), rng.normal(4, 1, 25)
    e = loyalty.diff_means(a, b)
    res = stats.ttest_ind(a, b, equal_var=False)
    ci = res.confidence_interval()
    assert (e.ci_low, e.ci_high) == pytest.approx((ci.low, ci.high))


def test_engagement_referrals_and_programme():
    o = _orders([("a", "2025-01-05", 100.0), ("b", "2025-01-06", 40.0), ("c", "2024-12-06", 10.0), ("c", "2025-01-07", 60.0)])
    inter = pd.DataFrame({
        "interaction_id": list("12345"), "customer_id": ["a", "a", "b", "z", "a"],
        "occurred_at": pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05", "2025-01-06"]),
        "channel": ["email", "email", "web", "email", "email"], "direction": ["outbound", "inbound", "inbound", "outbound", "inbound"],
        "type": ["email_sent", "email_open", "visit", "email_sent", "click"],
    })
    eng = loyalty.engagement(inter, o, "2025-01-01", "2025-01-31")
    assert eng["interactions_per_active"].value == pytest.approx(4 / 3)
    assert eng["inbound_share"].value == pytest.approx(2 / 3)
    assert eng["email_open_rate"].value == 0.5 and eng["email_click_rate"].value == 0.5
    cu = pd.DataFrame({
        "customer_id": list("abcd"), "signup_date": pd.to_datetime(["2024-03-01", "2024-06-01", "2024-12-01", "2025-01-03"]),
        "referred_by": [None, "a", "a", "b"], "loyalty_tier": ["gold", None, None, None],
        "loyalty_joined_at": pd.to_datetime(["2024-03-01", None, None, None]),
    })
    assert loyalty.referral_rate(cu, "2025-01-01", "2025-01-31").value == 1.0
    comp = loyalty.referral_comparison(cu, o, "2025-01-01", "2025-01-31").set_index("group")
    assert comp.loc["referred", "customers"] == 2 and comp.loc["other", "customers"] == 1
    assert comp.loc["referred", "value"] == pytest.approx(50.0)
    pc = loyalty.programme_comparison(cu, o, "2025-01-01", "2025-01-31")
    assert pc["member_share"].value == pytest.approx(1 / 4)
    assert pc["spend"]["members"].value == 100.0 and pc["spend"]["others"].value == pytest.approx(50.0)
    led = pd.DataFrame({"customer_id": ["a"] * 3, "occurred_at": pd.to_datetime(["2025-01-02", "2025-01-05", "2024-12-01"]),
                        "points_earned": [100.0, 100.0, 500.0], "points_redeemed": [0.0, 50.0, 0.0]})
    assert loyalty.redemption_rate(led, "2025-01-01", "2025-01-31") == 0.25


@st.composite
def order_panels(draw):
    n = draw(st.integers(1, 60))
    cust = draw(st.lists(st.sampled_from(list("abcdefghij")), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 364), min_size=n, max_size=n))
    return _orders([(c, str(pd.Timestamp("2024-01-01") + pd.Timedelta(days=d))) for c, d in zip(cust, days)])


@settings(max_examples=10, deadline=None)
@given(order_panels())
def test_rate_invariants(o):
    for est in (loyalty.repeat_purchase_rate(o, "2024-07-01", "2024-12-31"), loyalty.period_retention(o, "2024-07-01", "2024-12-31"),
                loyalty.customer_retention_rate(o, "2024-10-01", "2024-12-31", lookback_days=120)):
        if est.n:
            assert 0 <= est.ci_low <= est.value + 1e-12 and est.value <= est.ci_high + 1e-12 and est.ci_high <= 1
    m = loyalty.cohort_retention(o, "2024-12-31")
    assert (m[0] == 1.0).all()
    vals = m.to_numpy()
    assert np.all((vals[~np.isnan(vals)] >= 0) & (vals[~np.isnan(vals)] <= 1))
    # a cohort first seen in month MM of 2024 is observable for periods 0 .. 12 - MM, masked after
    for label, row in m.iterrows():
        k = 12 - int(label[-2:])
        assert not np.isnan(row.to_numpy()[: k + 1]).any()
        assert np.isnan(row.to_numpy()[k + 1:]).all()


# -- readings of the loyalty tables ------------------------------------------------------------


def test_weighted_cohort_retention_by_size():
    m = pd.DataFrame({0: [1.0, 1.0, 1.0], 1: [0.5, 0.2, np.nan], 3: [0.1, np.nan, np.nan]},
                     index=["2025-01", "2025-02", "2025-03"])
    m.attrs["sizes"] = pd.Series([10, 40, 50], index=m.index)
    assert loyalty.weighted_cohort_retention(m, 1) == (pytest.approx((10 * 0.5 + 40 * 0.2) / 50), 50)
    assert loyalty.weighted_cohort_retention(m, 3) == (pytest.approx(0.1), 10)
    rate, n = loyalty.weighted_cohort_retention(m, 6)
    assert math.isnan(rate) and n == 0


def test_inter_purchase_quantile_and_flags():
    gaps = pd.DataFrame({"gap": [1.0, 2.0, 3.0, 4.0, 100.0]})
    assert loyalty.inter_purchase_quantile(gaps, 0.5) == 3.0
    assert loyalty.inter_purchase_quantile(gaps, 0.75) == 4.0
    assert math.isnan(loyalty.inter_purchase_quantile(gaps.iloc[:0], 0.9))
    cu = pd.DataFrame({"referred_by": [None, None], "loyalty_tier": [None, "gold"], "loyalty_joined_at": [pd.NaT, pd.NaT]})
    assert not loyalty.records_referrals(cu) and loyalty.has_programme(cu)
    assert loyalty.records_referrals(cu.assign(referred_by=["c9", None]))
    assert not loyalty.has_programme(cu.assign(loyalty_tier=None))
    assert loyalty.excludes_zero(0.001, 0.3) and not loyalty.excludes_zero(-0.001, 0.3) and not loyalty.excludes_zero(0.0, 0.1)


def test_programme_table_rows():
    from crmkit.estimate import Estimate

    pc = {"spend": {"members": Estimate(300.0, 10, 280.0, 320.0, 50), "others": Estimate(200.0, 10, 180.0, 220.0, 80)},
          "retention": {"members": Estimate(0.7, 0.05, 0.6, 0.8, 50), "others": Estimate(0.5, 0.05, 0.4, 0.6, 80)}}
    t = loyalty.programme_table(pc)
    assert t[["measure", "group", "unit"]].values.tolist() == [["spend", "members", "currency"], ["spend", "others", "currency"],
                                                                ["retention", "members", "ratio"], ["retention", "others", "ratio"]]
    assert t["value"].tolist() == [300.0, 200.0, 0.7, 0.5] and t["low"].tolist() == [280.0, 180.0, 0.6, 0.4]


def test_loyalty_headline_uses_the_right_windows():
    o = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"], "amount": [10.0] * 5,
                      "order_date": pd.to_datetime(["2024-11-01", "2025-11-05", "2025-08-01", "2025-11-20", "2025-12-01"])})
    h = loyalty.loyalty_headline(o, "2025-10-01", "2025-12-31", min_n=1)
    assert list(h) == ["repeat_purchase_rate", "purchase_frequency", "inter_purchase_days_median", "retention_rate",
                       "retention_rate_yoy", "customer_retention_rate"]
    # previous quarter: b only, back in Q4 -> 1/1; same quarter last year: a only, back -> 1/1; nobody buys twice in Q4
    assert (h["retention_rate"].value, h["retention_rate"].n) == (1.0, 1)
    assert (h["retention_rate_yoy"].value, h["retention_rate_yoy"].n) == (1.0, 1)
    assert h["repeat_purchase_rate"].value == 0.0 and h["repeat_purchase_rate"].n == 3


# -- contractual business: retention from cancellations ---------------------------------------------
def test_subscriber_retention_is_one_minus_churn():
    from crmkit import churn
    from crmkit.indicators.business_model import resolve_business_model

    from .subscriptions import SUB_CUSTOMERS, SUB_EVENTS, SUB_ORDERS

    s, e = "2025-01-01", "2025-03-31"
    bm = resolve_business_model("auto", SUB_EVENTS, s, e)
    sub = dict(business_model=bm, customers=SUB_CUSTOMERS, churn_events=SUB_EVENTS)
    r = loyalty.period_retention(SUB_ORDERS, s, e, min_n=1, **sub)
    assert (r.value, r.n) == (pytest.approx(1 / 3), 3)  # of a, b, i only a is still subscribed
    rate = churn.period_churn_rate(SUB_CUSTOMERS, SUB_ORDERS, s, e, churn_events=SUB_EVENTS, business_model=bm)
    assert r.value == pytest.approx(1 - rate.value) and r.n == rate.n
    assert loyalty.customer_retention_rate(SUB_ORDERS, s, e, min_n=1, **sub).value == pytest.approx(1 / 3)
    # a year: subscribers at 2024-03-31 (a) still subscribed at 2025-03-31
    y = loyalty.period_retention(SUB_ORDERS, s, e, "year", min_n=1, **sub)
    assert (y.value, y.n) == (1.0, 1)
    # the purchase-based reading of the same data differs: repeat purchases, not cancellations
    assert loyalty.period_retention(SUB_ORDERS, s, e, min_n=1).n == 1  # j bought in Q4 2024
    h = loyalty.loyalty_headline(SUB_ORDERS, s, e, min_n=1, **sub)
    assert h["retention_rate"].value == pytest.approx(1 / 3)
    t = loyalty.retention_trend(SUB_ORDERS, s, e, 2, min_n=1, **sub)
    # Q4 2024: subscribers on 2024-09-30 a, b, c, d, h, i; of them a, b, i are still subscribed on 2024-12-31
    assert t["n"].tolist() == [6, 3] and t["retention"].tolist() == [pytest.approx(3 / 6), pytest.approx(1 / 3)]


def test_cohort_retention_from_cancellations_by_hand():
    cu = pd.DataFrame({"customer_id": list("abcdefg"), "signup_date": pd.to_datetime(
        ["2025-01-03", "2025-01-10", "2025-01-20", "2025-01-31", "2025-02-02", "2025-02-14", "2025-03-05"])})
    ev = pd.DataFrame({"customer_id": ["a", "b", "c", "e"],
                       "churned_at": pd.to_datetime(["2025-01-25", "2025-02-15", "2025-03-20", "2025-03-01"])})
    o = _orders([("c", "2025-04-02")])  # c orders again after cancelling: won back in April
    m = loyalty.subscription_cohorts(cu, ev, "2025-04-30", orders=o)
    # Jan (a, b, c, d): end Jan b, c, d; end Feb c, d; end Mar d; end Apr c, d (won back)
    assert m.loc["2025-01"].tolist() == [0.75, 0.5, 0.25, 0.5]
    assert m.loc["2025-02"].tolist()[:3] == [1.0, 0.5, 0.5]  # Feb (e, f): e cancels 2025-03-01
    assert m.loc["2025-03"].tolist()[:2] == [1.0, 1.0]
    assert m.attrs["sizes"].to_dict() == {"2025-01": 4, "2025-02": 2, "2025-03": 1}
    assert loyalty.weighted_cohort_retention(m, 1) == (pytest.approx((4 * 0.5 + 2 * 0.5 + 1 * 1.0) / 7), 7)
    assert loyalty.weighted_cohort_retention(m, 3) == (0.5, 4)
    # mid-April: April's month end is not observable yet, so k = 3 of January is blank, not zero
    mid = loyalty.subscription_cohorts(cu, ev, "2025-04-15", orders=o)
    assert math.isnan(mid.loc["2025-01", 3]) and mid.loc["2025-01", 2] == 0.25
    bm_cells = loyalty.retention_cohorts(o, "2025-04-30", since="2025-01-01", customers=cu, churn_events=ev)
    pd.testing.assert_frame_equal(bm_cells, m)  # events in the window: the auto rule reads cancellations
