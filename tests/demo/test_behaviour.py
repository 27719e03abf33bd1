"""The behavioural claims of the demo model hold on the generated data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    """Rank-based AUC (Mann-Whitney U / (n1 n0)), ties averaged."""
    y = np.asarray(y, bool)
    r = pd.Series(score).rank().to_numpy()
    n1, n0 = y.sum(), (~y).sum()
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _sales(t):
    o = t["orders"]
    return o[~o["is_return"]]


def test_complaints_lower_csat(demo):
    for company, t in demo.items():
        comp = set(t["tickets"].loc[t["tickets"]["is_complaint"], "customer_id"].dropna())
        cs = t["surveys"][t["surveys"]["survey_type"] == "csat"]
        with_c = cs[cs["customer_id"].isin(comp)]["score"].mean()
        without = cs[~cs["customer_id"].isin(comp)]["score"].mean()
        assert with_c < without - 0.05, (company, with_c, without)


def test_slow_resolution_lowers_ticket_satisfaction(demo):
    t = pd.concat([demo[c]["tickets"] for c in demo])
    hours = (t["resolved_at"] - t["opened_at"]).dt.total_seconds() / 3600
    rated = t["satisfaction"].notna()
    slow = hours > 48
    assert t.loc[rated & slow, "satisfaction"].mean() < t.loc[rated & ~slow, "satisfaction"].mean()


def _churn_rate(t) -> float:
    """Explicit churn in 2025 for subscriptions; else 180-day inactivity at the end."""
    o = _sales(t)
    if "churn_events" in t:
        ce = t["churn_events"]
        first = o.groupby("customer_id")["order_date"].min()
        at_risk = set(first[first < "2025-01-01"].index) - set(
            ce.loc[ce["churned_at"] < "2025-01-01", "customer_id"])
        churned = ce.loc[ce["churned_at"] >= "2025-01-01", "customer_id"].isin(at_risk).sum()
        return churned / len(at_risk)
    active = set(o.loc[o["order_date"].dt.year == 2024, "customer_id"])
    recent = set(o.loc[o["order_date"] >= "2025-07-04", "customer_id"])
    return len(active - recent) / len(active)


def test_churn_ordering(demo):
    r = {c: _churn_rate(t) for c, t in demo.items()}
    assert r["yunting"] > r["huamei"] > r["jinghong"], r
    assert r["jinghong"] < 0.2 and r["yunting"] > 0.3


def test_management_quality_ranking(demo):
    def csat(t):
        s = t["surveys"]
        return s.loc[s["survey_type"] == "csat", "score"].mean()

    def resolution(t):
        tk = t["tickets"]
        return ((tk["resolved_at"] - tk["opened_at"]).dt.total_seconds()).median()

    def complaints_per_customer(t):
        return t["tickets"]["is_complaint"].sum() / len(t["customers"])

    def maturity(t):
        return t["assessment"]["score"].mean()

    def employee(t):
        s = t["surveys"]
        return s.loc[s["survey_type"] == "employee", "score"].mean()

    order = ["jinghong", "huamei", "yunting"]
    for f, higher_better in ((csat, True), (maturity, True), (employee, True),
                             (resolution, False)):
        v = [f(demo[c]) for c in order]
        assert v == sorted(v, reverse=higher_better), (f.__name__, v)
    v = [complaints_per_customer(demo[c]) for c in ("huamei", "yunting")]
    assert v[0] < v[1]


def test_next_period_dropout_is_predictable(demo):
    """Logistic regression of H2-2025 dropout on H1 complaints and frequency: AUC > 0.6."""
    sm = pytest.importorskip("statsmodels.api")
    for company in ("huamei", "jinghong"):
        t = demo[company]
        o = _sales(t)
        h1 = o[(o["order_date"] >= "2025-01-01") & (o["order_date"] < "2025-07-01")]
        h2 = set(o.loc[o["order_date"] >= "2025-07-01", "customer_id"])
        tk = t["tickets"]
        tk = tk[(tk["opened_at"] >= "2025-01-01") & (tk["opened_at"] < "2025-07-01")
                & tk["is_complaint"]]
        x = h1.groupby("customer_id").size().rename("freq").to_frame()
        x["complaints"] = tk.groupby("customer_id").size().reindex(x.index).fillna(0)
        x["log_freq"] = np.log(x["freq"])
        y = (~x.index.isin(h2)).astype(float)
        X = sm.add_constant(x[["log_freq", "complaints"]])
        fit = sm.Logit(y, X).fit(disp=0, method="lbfgs", maxiter=1000)
        auc = _auc(y.astype(bool), fit.predict(X).to_numpy())
        assert auc > 0.6, (company, auc)
        assert fit.params["log_freq"] < 0


def test_yunting_churn_reasons_follow_complaints(demo):
    t = demo["yunting"]
    ce = t["churn_events"]
    assert ce["customer_id"].is_unique
    assert ce["reason"].nunique() >= 5
    comp = set(t["tickets"].loc[t["tickets"]["is_complaint"], "customer_id"])
    churned = set(ce["customer_id"])
    cust = set(t["customers"]["customer_id"])
    assert len(churned & comp) / len(comp) > len(churned) / len(cust)
    # no billing after cancellation
    last = _sales(t).groupby("customer_id")["order_date"].max()
    merged = ce.set_index("customer_id")["churned_at"]
    assert (last.reindex(merged.index) < merged).all()


def test_huamei_seasonality(demo):
    o = _sales(demo["huamei"])
    y = o[o["order_date"].dt.year == 2025]
    by_month = y.groupby(y["order_date"].dt.month).size()
    assert by_month[11] == by_month.max()
    d11 = y[(y["order_date"].dt.month == 11) & (y["order_date"].dt.day == 11)].shape[0]
    assert d11 > 3 * len(y) / 365


def test_heterogeneous_purchase_rates(demo):
    n = _sales(demo["huamei"]).groupby("customer_id").size()
    assert n.var() > 2 * n.mean()  # overdispersed vs Poisson
    assert (n == 1).mean() > 0.1


def test_campaign_conversion_plausible(demo):
    for company, t in demo.items():
        c = t["campaigns"]
        conv = _sales(t)["campaign_id"].notna().sum()
        rate = conv / c["target_count"].sum()
        assert 0.01 < rate < 0.25, (company, rate)
        i = t["interactions"]
        assert i.loc[i["converted"], "campaign_id"].notna().all()
        assert i["converted"].sum() == conv
        assert (c["end_date"] >= c["start_date"]).all() and (c["cost"] > 0).all()


def test_costs_consistent_with_other_tables(demo):
    for company, t in demo.items():
        co = t["costs"]
        cu = t["customers"]
        acq = co[co["category"] == "acquisition"]["amount"].sum()
        assert acq == pytest.approx(cu["acquisition_cost"].sum(), rel=1e-6)
        by_month = co[co["category"] == "acquisition"].groupby("period_start")["amount"].sum()
        expect = cu.groupby(cu["signup_date"].dt.to_period("M").dt.start_time)[
            "acquisition_cost"].sum()
        pd.testing.assert_series_equal(by_month, expect.astype(float), check_names=False,
                                       check_index_type=False, rtol=1e-6)
        mk = co[co["category"] == "marketing"]["amount"].sum()
        assert mk == pytest.approx(t["campaigns"]["cost"].sum(), rel=1e-6)
        service = co[co["category"].isin(["service", "complaint_handling"])]["amount"].sum()
        assert service >= t["tickets"]["cost"].sum() - 1
        assert set(co["category"]) == {"service", "marketing", "acquisition", "loyalty_rewards",
                                       "crm_tools", "staff", "complaint_handling", "other"}
        assert (co["amount"] >= 0).all()


def test_referrals_and_loyalty(demo):
    h = demo["huamei"]["customers"]
    assert h["referred_by"].notna().mean() > 0.05
    ref = h.dropna(subset=["referred_by"]).merge(
        h[["customer_id", "signup_date"]].rename(columns={"customer_id": "referred_by",
                                                          "signup_date": "ref_signup"}))
    assert (ref["ref_signup"] <= ref["signup_date"]).all()
    members = h["loyalty_tier"].notna()
    assert 0.2 < members.mean() < 0.7
    assert (h.loc[members, "loyalty_joined_at"] >= h.loc[members, "signup_date"]).all()
