"""Maintenance cost indicators on hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from crmkit import cost

S, E = "2025-10-01", "2025-12-31"
ts = pd.to_datetime


def _costs():
    rows = [
        ("2025-10-01", "service", 1000.0), ("2025-11-01", "service", 1000.0), ("2025-10-01", "loyalty_rewards", 400.0),
        ("2025-10-01", "crm_tools", 300.0), ("2025-11-01", "complaint_handling", 300.0),
        ("2025-10-01", "marketing", 2000.0), ("2025-11-01", "acquisition", 600.0), ("2025-12-01", "staff", 5000.0),
        ("2025-12-01", "other", 700.0), ("2025-09-01", "service", 99999.0),
    ]
    df = pd.DataFrame(rows, columns=["period_start", "category", "amount"])
    df["period_start"] = ts(df["period_start"])
    df["channel"] = None
    return df


def _orders():
    rows = [
        ("1", "a", "2025-10-05", 10000.0, False), ("2", "b", "2025-11-05", 6000.0, False),
        ("3", "c", "2025-11-20", 4000.0, False), ("4", "d", "2025-12-01", 5000.0, False),
        ("5", "a", "2025-12-10", -5000.0, True), ("6", "e", "2025-12-11", -10.0, True),  # e: only a return
        ("7", "f", "2025-03-01", 300.0, False), ("8", "f", "2025-05-01", 200.0, False),
        ("9", "g", "2024-08-01", 900.0, False),
    ]
    df = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount", "is_return"])
    df["order_date"] = ts(df["order_date"])
    df["is_return"] = df["is_return"].astype("boolean")
    return df


def test_cost_by_category():
    c = cost.cost_by_category(_costs(), S, E).set_index("category")
    assert c.loc["service", "amount"] == 2000.0  # September row outside the window
    assert c["amount"].sum() == pytest.approx(11300.0)
    assert c.loc["staff", "share"] == pytest.approx(5000 / 11300)
    assert c.index[0] == "staff"


def test_cost_to_serve_and_crm_cost_ratio():
    # serve = service 2000 + loyalty 400 + tools 300 + complaints 300 = 3000; active customers a, b, c, d
    e = cost.cost_to_serve(_costs(), _orders(), S, E)
    assert e.value == pytest.approx(750.0) and e.n == 4
    # CRM cost = all but "other" = 10600; revenue = 25000 − 5000 − 10 = 19990
    assert cost.crm_cost_ratio(_costs(), _orders(), S, E) == pytest.approx(10600 / 19990)
    assert math.isnan(cost.crm_cost_ratio(_costs(), _orders(), "2026-01-01", "2026-01-31"))
    assert math.isnan(cost.cost_to_serve(_costs(), _orders(), "2026-01-01", "2026-01-31").value)


def test_churn_cost_ratio_has_twelve_months_on_both_sides():
    # f bought on 2025-03-01 (300) and 2025-05-01 (200); with 180 days without a purchase f churns on 2025-10-28
    customers = pd.DataFrame({"customer_id": list("abcdefg"), "signup_date": ts(["2024-01-01"] * 7)})
    from crmkit import churn

    panel = churn.churn_panel(customers, _orders(), S, E, inactivity_days=180)
    assert panel.loc[panel["churned"], "customer_id"].tolist() == ["f"]
    r = cost.churn_cost_ratio(panel, _orders(), E)
    # numerator: f's revenue in the 365 days up to 2025-10-28 = 300 + 200
    assert (r["cost"], r["customers"], r["mean"]) == (500.0, 1, 500.0)
    # denominator: every customer's revenue in the 365 days up to 2025-12-31 (2025-01-01 .. 2025-12-31):
    # 10000 + 6000 + 4000 + 5000 − 5000 − 10 + 300 + 200 = 20490; g's order of 2024-08-01 is older
    assert r["revenue"] == pytest.approx(20490.0) and r["days"] == 365
    assert r["share"] == pytest.approx(500 / 20490)
    # the window's own revenue (a quarter) would have given 500 / 19990: not what the ratio divides by
    assert r["share"] != pytest.approx(500 / 19990)
    # a shorter span on both sides: 90 days before 2025-10-28 hold none of f's orders
    short = cost.churn_cost_ratio(panel, _orders(), E, days=90)
    assert short["cost"] == 0.0 and short["revenue"] == pytest.approx(10000 + 6000 + 4000 + 5000 - 5000 - 10)
    # no revenue in the 12 months: no ratio
    none = cost.churn_cost_ratio(panel, _orders(), "2027-12-31")
    assert none["revenue"] == 0.0 and math.isnan(none["share"])


def test_active_customers_count_purchases_not_returns():
    # e has only a return (no purchase); an unflagged negative amount is a return too
    o = pd.concat([_orders(), pd.DataFrame({"order_id": ["10"], "customer_id": ["h"], "order_date": ts(["2025-11-02"]),
                                            "amount": [-30.0], "is_return": pd.array([None], dtype="boolean")})])
    assert cost.active_customers(o, S, E) == 4  # a, b, c, d


def test_retention_vs_acquisition():
    customers = pd.DataFrame({"customer_id": list("abcdfg"),
                              "signup_date": ts(["2024-01-01", "2024-06-01", "2025-10-10", "2025-11-15", "2025-01-01", "2024-01-01"])})
    r = cost.retention_vs_acquisition(_costs(), customers, _orders(), S, E).set_index("kind")
    # retention: service 2000 + marketing 2000 + loyalty 400 + complaints 300 over existing actives a, b
    assert r.loc["retention", "cost"] == pytest.approx(4700.0) and r.loc["retention", "customers"] == 2
    assert r.loc["retention", "cost_per_customer"] == pytest.approx(2350.0)
    # acquisition: 600 over new customers c, d
    assert r.loc["acquisition", "cost_per_customer"] == pytest.approx(300.0) and r.loc["acquisition", "customers"] == 2


def test_monthly_trend():
    m = cost.monthly_trend(_costs(), _orders(), S, E).set_index("month")
    assert list(m.index) == list(ts(["2025-10-01", "2025-11-01", "2025-12-01"]))
    assert m.loc["2025-10-01", "total"] == pytest.approx(3700.0)
    assert m.loc["2025-10-01", "revenue"] == 10000.0
    assert m.loc["2025-10-01", "crm_cost_ratio"] == pytest.approx(3700 / 10000)
    assert m.loc["2025-10-01", "cost_to_serve"] == pytest.approx(1700.0)  # 1000 + 400 + 300 over a
    assert m.loc["2025-12-01", "active_customers"] == 1
    assert math.isnan(m.loc["2025-12-01", "crm_cost_ratio"])  # net revenue 5000 − 5000 − 10 < 0


# -- figures of the cost report ------------------------------------------------------------------------


def test_report_figures_by_hand():
    panel = pd.DataFrame({"churned": [True, True, False, True],
                          "churn_date": pd.to_datetime(["2025-10-03", "2025-10-30", None, "2025-12-01"])})
    per = cost.lost_per_month(panel)
    assert per.to_dict() == {pd.Timestamp("2025-10-01"): 2, pd.Timestamp("2025-12-01"): 1}
    rva = pd.DataFrame({"kind": ["retention", "acquisition"], "cost": [100.0, 300.0], "customers": [10, 5],
                        "cost_per_customer": [10.0, 60.0]})
    assert cost.acquisition_to_retention(rva) == {"retention": 10.0, "acquisition": 60.0, "times": 6.0, "retained_customers": 10}
    free = rva.assign(cost_per_customer=[0.0, 60.0])
    assert math.isnan(cost.acquisition_to_retention(free)["times"])
