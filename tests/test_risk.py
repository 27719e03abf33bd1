"""Relationship risk register: concentration, HHI, severity thresholds, escalation test, register."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmkit import churn, risk
from crmkit.store.data import CRMData


def test_hhi_by_hand():
    assert risk.hhi([50, 30, 20]) == pytest.approx(0.5**2 + 0.3**2 + 0.2**2)
    assert risk.hhi([10] * 10) == pytest.approx(0.1)
    assert risk.hhi([100]) == 1.0
    assert risk.hhi([60, 40, -20]) == pytest.approx(0.6**2 + 0.4**2)  # negative net revenue counts as 0
    assert np.isnan(risk.hhi([]))


def test_concentration_by_hand():
    # 200 customers: 2 large (1,000 each), 198 small (10 each) -> total 3,980
    values = [1000.0, 1000.0] + [10.0] * 198
    c = risk.concentration(values)
    assert c["top10_share"] == pytest.approx((2000 + 8 * 10) / 3980)
    assert c["top1pct_share"] == pytest.approx(2000 / 3980)  # ceil(1% of 200) = 2 customers
    h = 2 * (1000 / 3980) ** 2 + 198 * (10 / 3980) ** 2
    assert c["hhi"] == pytest.approx(h) and c["effective_customers"] == pytest.approx(1 / h)
    r = risk.concentration_risk(c)
    assert r.severity == "high"  # top 1 % share 50 % >= 35 %
    assert "HHI" in r.evidence_en and "HHI" in r.evidence_zh


def test_dependency_by_hand():
    d = risk.dependency(pd.Series({"online": 85.0, "store": 10.0, "phone": 5.0}))
    assert d["largest"] == "online" and d["largest_share"] == pytest.approx(0.85)
    assert d["hhi"] == pytest.approx(0.85**2 + 0.1**2 + 0.05**2)
    assert risk.dependency_risk("channel", d).severity == "high"
    single = risk.dependency_risk("customer_type", risk.dependency(pd.Series({"individual": 5.0})))
    assert single.severity == "unknown" and "not rated" in single.evidence_en


@pytest.mark.parametrize(
    "value, medium, high, direction, expected",
    [
        (0.24, 0.25, 0.50, "higher", "low"),
        (0.25, 0.25, 0.50, "higher", "medium"),
        (0.50, 0.25, 0.50, "higher", "high"),
        (0.96, 0.95, 0.85, "lower", "low"),
        (0.90, 0.95, 0.85, "lower", "medium"),
        (0.80, 0.95, 0.85, "lower", "high"),
        (float("nan"), 0.25, 0.50, "higher", "unknown"),
    ],
)
def test_severity_thresholds(value, medium, high, direction, expected):
    assert risk.severity(value, medium, high, direction) == expected


def test_documented_thresholds_applied():
    c = {"top10_share": 0.2, "top1pct_share": 0.1, "hhi": 0.18, "effective_customers": 5.6, "customers": 40}
    assert risk.concentration_risk(c).severity == "high"  # HHI 1,800 points
    c["hhi"] = 0.1
    assert risk.concentration_risk(c).severity == "medium"
    c["hhi"] = 0.0999
    assert risk.concentration_risk(c).severity == "low"
    assert risk.data_quality_risk(0.99, 0.002).severity == "low"
    assert risk.data_quality_risk(0.99, 0.06).severity == "high"
    assert risk.data_quality_risk(0.90, 0.002).severity == "medium"
    assert risk.compliance_risk({"compliance": 70, "security": 55}).severity == "medium"
    assert risk.compliance_risk({"compliance": 39, "security": 80}).severity == "high"
    assert risk.compliance_risk({}).severity == "unknown"
    one = churn.revenue_at_risk(_scores([0.25], [100.0]))
    r = risk.revenue_at_risk_risk(one)
    assert r.severity == "high" and r.value == pytest.approx(0.25)
    custom = risk.revenue_at_risk_risk(one, thresholds={"revenue_at_risk_share": (0.3, 0.5, "higher")})
    assert custom.severity == "low"
    assert risk.revenue_at_risk_risk(None).severity == "unknown"


def test_complaint_escalation_test_and_severity():
    e = risk.complaint_escalation(120, 2000, 80, 2000)
    assert e["rate"] == 60.0 and e["previous_rate"] == 40.0 and e["ratio"] == pytest.approx(1.5)
    assert e["p_value"] == pytest.approx(stats.binomtest(120, 200, 0.5).pvalue) and e["p_value"] < 0.05
    assert risk.complaint_risk(e).severity == "high"
    small = risk.complaint_escalation(60, 1000, 40, 1000)  # same ratio, p = 0.057: not significant
    assert risk.complaint_risk(small).severity == "medium"
    assert risk.complaint_risk(risk.complaint_escalation(40, 1000, 41, 1000)).severity == "low"
    assert risk.complaint_risk(e).trend == "worsening"


def _scores(p, r, source="model", threshold=None):
    sc = pd.DataFrame({"customer_id": [f"c{i}" for i in range(len(p))], "probability": p, "revenue": r})
    sc.attrs.update(source=source, threshold=threshold, horizon_days=92, business_model="non_contractual")
    return sc


def test_trend_and_revenue_at_risk_by_hand():
    assert risk.trend(0.3, 0.2) == "worsening" and risk.trend(0.2, 0.3) == "improving"
    assert risk.trend(40, 60, "lower") == "worsening" and risk.trend(0.2, 0.204) == "stable"
    r = churn.revenue_at_risk(_scores([0.8, 0.1, 0.9], [100.0, 400.0, 0.0], threshold=0.8))
    assert r["expected_loss"] == pytest.approx(80 + 40) and r["share"] == pytest.approx(120 / 500)
    assert r["high_risk"] == 2 and r["revenue_high_risk"] == 100.0 and r["expected_churners"] == pytest.approx(1.8)
    # without a model nobody is singled out as high risk
    assert churn.revenue_at_risk(_scores([0.2, 0.2], [10.0, 30.0], "churn_rate"))["high_risk"] == 0
    reg = risk.revenue_at_risk_risk(r, currency="CNY")
    assert reg.evidence_en.startswith("Expected loss CNY 120 = 24.0% of the trailing-12-month revenue of the 3 customers")
    assert "early-warning model" in reg.evidence_en and "预警模型" in reg.evidence_zh


def test_register_revenue_at_risk_is_the_churn_report_figure():
    """The register's revenue at risk is churn.revenue_at_risk of churn.churn_risk, as the churn report shows it."""
    cust = pd.DataFrame({"customer_id": [f"c{i}" for i in range(8)], "signup_date": pd.to_datetime(["2024-01-01"] * 8)})
    rows = [(f"c{i}", d, 100.0 + 10 * i) for i in range(8) for d in ("2025-03-01", "2025-06-01", "2025-08-20")]
    rows += [(f"c{i}", "2025-11-15", 50.0) for i in range(4)]
    orders = pd.DataFrame({"order_id": [str(i) for i in range(len(rows))], "customer_id": [r[0] for r in rows],
                           "order_date": pd.to_datetime([r[1] for r in rows]), "amount": [r[2] for r in rows]})
    data = CRMData("x", "2025-10-01", "2025-12-31", {"customers": cust, "orders": orders})
    cur, prev = risk.register_revenue_at_risk(data, churn_inactivity_days=60)
    model, _, scores = churn.churn_risk(cust, orders, "2025-10-01", "2025-12-31", inactivity_days=60)
    assert cur == churn.revenue_at_risk(scores)
    # no model (too little history): every customer at risk carries this period's churn rate
    assert model is None and cur["source"] == "churn_rate"
    rate = churn.period_churn_rate(cust, orders, "2025-10-01", "2025-12-31", inactivity_days=60)
    assert rate.value == pytest.approx(4 / 8)  # c4-c7 last bought 2025-08-20: lapse 2025-10-19
    # at risk at 2026-01-01: c0-c3 (bought 2025-11-15, within 60 days); trailing revenue 3 (100 + 10 i) + 50
    assert cur["customers"] == 4 and cur["expected_loss"] == pytest.approx(0.5 * sum(3 * (100 + 10 * i) + 50 for i in range(4)))
    assert cur["share"] == pytest.approx(0.5)
    reg = risk.assess(data, churn_inactivity_days=60).set_index("key")
    assert reg.loc["revenue_at_risk", "value"] == pytest.approx(cur["share"])
    assert "this period's churn rate (50.0%)" in reg.loc["revenue_at_risk", "evidence_en"]


def test_assess_register_tidy():
    cust = pd.DataFrame({"customer_id": ["a", "b", "c"], "signup_date": pd.to_datetime(["2024-01-01"] * 3),
                         "customer_type": ["sme", "sme", "enterprise"]})
    orders = pd.DataFrame({
        "order_id": [str(i) for i in range(6)], "customer_id": ["a", "b", "c", "a", "b", "c"],
        "order_date": pd.to_datetime(["2025-07-05", "2025-08-05", "2025-09-05", "2025-10-05", "2025-11-05", "2025-12-05"]),
        "amount": [100.0, 100.0, 100.0, 800.0, 100.0, 100.0], "channel": ["online"] * 5 + ["phone"],
    })
    tickets = pd.DataFrame({"ticket_id": ["t1", "t2"], "opened_at": pd.to_datetime(["2025-10-10", "2025-08-10"]),
                            "channel": ["phone"] * 2, "is_complaint": pd.array([True, True], dtype="boolean")})
    data = CRMData("x", "2025-10-01", "2025-12-31", {"customers": cust, "orders": orders, "tickets": tickets})
    reg = risk.assess(data, completeness=0.97, reject_rate=0.0, maturity_scores={"compliance": 50, "security": 70})
    assert list(reg.columns[:4]) == ["key", "name_en", "name_zh", "severity"]
    assert set(reg["key"]) == {"customer_concentration", "channel_dependency", "customer_type_dependency", "revenue_at_risk",
                               "complaint_escalation", "data_quality", "privacy_compliance"}
    assert reg["severity"].isin(risk.SEVERITIES).all()
    order = reg["severity"].map({"high": 3, "medium": 2, "low": 1, "unknown": 0}).tolist()
    assert order == sorted(order, reverse=True)
    conc = reg.set_index("key").loc["customer_concentration"]
    assert conc["value"] == pytest.approx(0.8**2 + 0.1**2 + 0.1**2)
    assert conc["previous"] == pytest.approx(3 * (1 / 3) ** 2) and conc["trend"] == "worsening"
    chan = reg.set_index("key").loc["channel_dependency"]
    assert chan["value"] == pytest.approx(0.9) and chan["severity"] == "high"


# -- report read-outs ---------------------------------------------------------------
def test_severity_counts_customer_concentration_and_register_inputs():
    assert risk.severity_counts(pd.DataFrame({"severity": ["high", "medium", "medium"]})) == {
        "high": 1, "medium": 2, "low": 0, "unknown": 0}
    orders = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [500.0, 300.0, 100.0, 100.0]})
    conc = risk.customer_concentration(orders)
    assert conc["hhi"] == pytest.approx(0.8**2 + 0.1**2 + 0.1**2) and conc["customers"] == 3
    assert conc["top10_share"] == pytest.approx(1.0)
    cust = pd.DataFrame({"customer_id": ["a", "b"], "signup_date": pd.to_datetime(["2024-01-01", None])})
    data = CRMData("x", "2025-10-01", "2025-12-31", {"customers": cust})
    inputs = risk.register_inputs(data)
    assert inputs["reject_rate"] is None and inputs["maturity_scores"] is None  # no store, no assessment
    from crmkit.indicators import quality

    comp = quality.completeness(data)
    assert inputs["completeness"] == pytest.approx(comp["filled"].sum() / comp["rows"].sum())
    assert 0 < inputs["completeness"] < 1
