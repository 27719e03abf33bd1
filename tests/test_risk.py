"""Relationship risk register: concentration, HHI, severity thresholds, escalation test, register."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmkit import risk
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
    r = risk.revenue_at_risk_risk(risk.revenue_at_risk(pd.Series({"a": 0.25}), pd.Series({"a": 100.0})))
    assert r.severity == "high" and r.value == pytest.approx(0.25)
    custom = risk.revenue_at_risk_risk(risk.revenue_at_risk(pd.Series({"a": 0.25}), pd.Series({"a": 100.0})),
                                       thresholds={"revenue_at_risk_share": (0.3, 0.5, "higher")})
    assert custom.severity == "low"


def test_complaint_escalation_test_and_severity():
    e = risk.complaint_escalation(120, 2000, 80, 2000)
    assert e["rate"] == 60.0 and e["previous_rate"] == 40.0 and e["ratio"] == pytest.approx(1.5)
    assert e["p_value"] == pytest.approx(stats.binomtest(120, 200, 0.5).pvalue) and e["p_value"] < 0.05
    assert risk.complaint_risk(e).severity == "high"
    small = risk.complaint_escalation(60, 1000, 40, 1000)  # same ratio, p = 0.057: not significant
    assert risk.complaint_risk(small).severity == "medium"
    assert risk.complaint_risk(risk.complaint_escalation(40, 1000, 41, 1000)).severity == "low"
    assert risk.complaint_risk(e).trend == "worsening"


def test_trend_and_revenue_at_risk_by_hand():
    assert risk.trend(0.3, 0.2) == "worsening" and risk.trend(0.2, 0.3) == "improving"
    assert risk.trend(40, 60, "lower") == "worsening" and risk.trend(0.2, 0.204) == "stable"
    r = risk.revenue_at_risk(pd.Series({"a": 0.8, "b": 0.1, "z": 0.9}), pd.Series({"a": 100.0, "b": 400.0, "c": 50.0}))
    assert r["expected_loss"] == pytest.approx(80 + 40) and r["share"] == pytest.approx(120 / 500)
    assert r["customers_at_risk"] == 1 and r["revenue_high_risk"] == 100.0 and r["unscored"] == 1


def test_baseline_churn_probability_calibrated_by_recency():
    rng = np.random.default_rng(0)
    rows = []
    # active customers order every ~20 days; lapsed customers stopped long ago
    for i in range(60):
        for d in range(0, 360, 20):
            rows.append((f"A{i}", pd.Timestamp("2025-01-01") + pd.Timedelta(days=d + int(rng.integers(0, 3)))))
    for i in range(60):
        rows.append((f"L{i}", pd.Timestamp("2025-01-05") + pd.Timedelta(days=int(rng.integers(0, 40)))))
    o = pd.DataFrame(rows, columns=["customer_id", "order_date"])
    p = risk.baseline_churn_probability(o, "2025-12-31", 90)
    assert p[[c for c in p.index if c.startswith("A")]].mean() < 0.2
    assert p[[c for c in p.index if c.startswith("L")]].mean() > 0.8
    assert p.between(0, 1).all()


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
