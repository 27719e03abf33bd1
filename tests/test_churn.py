"""Churn indicators: toy panel with censoring, survival vs statsmodels, early warning on demo data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit import churn
from crmkit.estimate import Estimate


def _orders(rows):
    return pd.DataFrame({
        "order_id": [f"o{i}" for i in range(len(rows))], "customer_id": [r[0] for r in rows],
        "order_date": pd.to_datetime([r[1] for r in rows]), "amount": [r[2] if len(r) > 2 else 10.0 for r in rows],
        "channel": [r[3] if len(r) > 3 else "online" for r in rows],
    })


CUSTOMERS = pd.DataFrame({"customer_id": list("abcdef"), "signup_date": pd.to_datetime(["2024-01-01"] * 6),
                          "customer_type": ["sme", "sme", "individual", "individual", "sme", "individual"]})
# Window Q1 2025, threshold 60 days.
ORDERS = _orders([
    ("a", "2024-06-01", 100.0), ("a", "2024-12-20", 50.0),   # at risk; lapses 2025-02-18 -> churned
    ("b", "2024-11-15", 30.0), ("b", "2025-01-10", 20.0),    # at risk; buys in window, lapse 2025-03-11 -> churned
    ("c", "2024-12-01", 10.0), ("c", "2025-03-01", 10.0),    # at risk; stays
    ("d", "2024-08-01", 70.0),                               # lapsed 2024-09-30, before the window: not at risk
    ("e", "2025-03-20", 40.0),                               # first purchase in window, observed 11 < 60 days: censored
    ("f", "2024-10-20", 25.0, "store"),                      # at risk (lapse 2024-12-19? no: 10-20 + 60 = 12-19 < start) -> not at risk
])


def test_toy_panel_hand_computed():
    p = churn.churn_panel(CUSTOMERS, ORDERS, "2025-01-01", "2025-03-31", inactivity_days=60).set_index("customer_id")
    assert p.attrs == {"mode": "inferred", "inactivity_days": 60, "start": pd.Timestamp("2025-01-01"),
                       "business_model": "non_contractual"}
    assert p["at_risk"].to_dict() == {"a": True, "b": True, "c": True, "d": False, "e": False, "f": False}
    assert p["churned"].to_dict() == {"a": True, "b": True, "c": False, "d": False, "e": False, "f": False}
    assert p.loc["a", "churn_date"] == pd.Timestamp("2025-02-18")
    assert p.loc["d", "event"] and p.loc["d", "churn_date"] == pd.Timestamp("2024-09-30")
    # e observed for fewer days than the threshold: censored, never churned
    assert p.loc["e", "censored"] and p.loc["e", "observed_days"] == 11 and p.loc["e", "duration_days"] == 11
    assert p.loc["a", "duration_days"] == (pd.Timestamp("2025-02-18") - pd.Timestamp("2024-06-01")).days
    assert p.loc["c", "duration_days"] == (pd.Timestamp("2025-03-31") - pd.Timestamp("2024-12-01")).days
    r = churn.churn_rate(p.reset_index())
    assert (r.value, r.n) == (pytest.approx(2 / 3), 3)


def test_churn_by_segment_and_cost():
    p = churn.churn_panel(CUSTOMERS, ORDERS, "2025-01-01", "2025-03-31", inactivity_days=60)
    t = churn.churn_by(p, CUSTOMERS, "customer_type").set_index("segment")
    assert t.loc["sme", "at_risk"] == 2 and t.loc["sme", "churn_rate"] == 1.0
    assert t.loc["individual", "at_risk"] == 1 and t.loc["individual", "churn_rate"] == 0.0
    cost = churn.churn_cost(p, ORDERS)
    # a: 12 months before 2025-02-18 -> 100 + 50; b: before 2025-03-11 -> 30 + 20
    assert cost == {"cost": 200.0, "customers": 2, "mean": 100.0}
    assert "customer_id" not in t.reset_index().columns


def test_inactivity_threshold_is_p90_of_gaps():
    p90 = np.quantile([33, 24, 28, 54, 35], 0.9)
    o = _orders([("a", "2025-01-03"), ("a", "2025-02-05"), ("a", "2025-03-01"), ("b", "2025-01-10"), ("b", "2025-02-07"),
                 ("c", "2025-01-20"), ("c", "2025-03-15"), ("e", "2025-02-02"), ("e", "2025-03-09")])
    assert churn.inactivity_threshold(o, "2025-03-31") == int(np.ceil(p90))
    with pytest.raises(ValueError):
        churn.inactivity_threshold(_orders([("a", "2025-01-01")]), "2025-03-31")


def test_explicit_churn_events_and_reasons():
    ev = pd.DataFrame({"customer_id": ["a", "c", "d"], "churned_at": pd.to_datetime(["2025-02-01", "2025-02-10", "2024-09-01"]),
                       "reason": ["too_expensive", "not_using", "too_expensive"]})
    p = churn.churn_panel(CUSTOMERS, ORDERS, "2025-01-01", "2025-03-31", churn_events=ev).set_index("customer_id")
    assert p.attrs["mode"] == "explicit"
    assert p.loc["a", "churned"]
    assert not p.loc["c", "event"]  # c ordered again on 2025-03-01: won back
    assert not p.loc["d", "at_risk"]  # churned before the window
    assert p.loc["f", "at_risk"] and not p.loc["f", "churned"]
    tickets = pd.DataFrame({"ticket_id": ["t1", "t2"], "customer_id": ["a", "a"], "opened_at": pd.to_datetime(["2025-01-15", "2024-01-15"]),
                            "channel": "phone", "is_complaint": pd.array([True, True], dtype="boolean"),
                            "complaint_reason": ["billing_error", "rude_staff"]})
    r = churn.churn_reasons(p.reset_index(), churn_events=ev, tickets=tickets)
    assert r[["source", "reason", "customers"]].values.tolist() == [["stated", "too_expensive", 1], ["complaint", "billing_error", 1]]


def _survival_frame(n=300, seed=0):
    rng = np.random.default_rng(seed)
    g = (rng.random(n) < 0.4).astype(int)  # group "a" is the larger one, hence the reference
    x = rng.normal(size=n)
    t = rng.exponential(100 / np.exp(0.7 * g + 0.3 * x))
    c = rng.uniform(20, 200, n)
    return pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)], "first_order": pd.Timestamp("2024-01-01"),
                         "duration_days": np.round(np.minimum(t, c)), "event": t <= c, "grp": np.where(g == 1, "b", "a"), "x": x})


def test_kaplan_meier_agrees_with_statsmodels():
    from statsmodels.duration.survfunc import SurvfuncRight

    f = _survival_frame()
    km = churn.kaplan_meier(f)
    sf = SurvfuncRight(f["duration_days"].to_numpy(), f["event"].astype(int).to_numpy())
    assert km["survival"].to_numpy() == pytest.approx(np.asarray(sf.surv_prob))
    assert km["time"].to_numpy() == pytest.approx(np.asarray(sf.surv_times))
    assert ((km["ci_low"] <= km["survival"] + 1e-12) & (km["survival"] <= km["ci_high"] + 1e-12)).all()
    cust = f[["customer_id", "grp"]]
    by = churn.kaplan_meier(f, by="grp", customers=cust)
    part = f[f["grp"] == "b"]
    sfb = SurvfuncRight(part["duration_days"].to_numpy(), part["event"].astype(int).to_numpy())
    assert by[by["group"] == "b"]["survival"].to_numpy() == pytest.approx(np.asarray(sfb.surv_prob))
    med = churn.median_lifetime(km)
    assert med == pytest.approx(sf.quantile(0.5))


def test_cox_agrees_with_statsmodels():
    from statsmodels.duration.hazard_regression import PHReg

    f = _survival_frame()
    hr = churn.cox_hazard_ratios(f, ["grp", "x"]).set_index("term")
    assert hr.attrs["reference"] == {"grp": "a"}
    X = np.column_stack([(f["grp"] == "b").astype(float), f["x"]])
    ref = PHReg(f["duration_days"].to_numpy(), X, status=f["event"].astype(int).to_numpy(), ties="breslow").fit()
    assert hr.loc["grp=b", "coef"] == pytest.approx(ref.params[0])
    assert hr.loc["x", "se"] == pytest.approx(ref.bse[1])
    assert hr.loc["grp=b", "hazard_ratio"] == pytest.approx(np.exp(ref.params[0]))
    assert hr.loc["grp=b", "ci_low"] < 2.0 < hr.loc["grp=b", "ci_high"]  # true HR exp(0.7) ≈ 2.01
    # a duplicate column is dropped rather than making the model singular
    dup = churn.cox_hazard_ratios(f.assign(x2=f["x"] * 2), ["grp", "x", "x2"])
    assert list(dup["term"]) == ["grp=b", "x"]


def test_evaluation_metrics_by_hand():
    y = [0, 0, 1, 1]
    assert churn.auc(y, [0.1, 0.4, 0.35, 0.8]) == 0.75
    assert churn.auc(y, [0.5] * 4) == 0.5
    assert churn.top_decile_lift([1] + [0] * 9, np.linspace(1, 0, 10)) == 10.0
    cal = churn.calibration_table([0, 1, 0, 1], [0.1, 0.2, 0.7, 0.9], bins=2)
    assert cal["customers"].tolist() == [2, 2]
    assert cal["predicted"].tolist() == pytest.approx([0.15, 0.8])
    assert cal["observed"].tolist() == pytest.approx([0.5, 0.5])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1)), min_size=2, max_size=80))
def test_auc_matches_pair_counting(pairs):
    y = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs])
    a = churn.auc(y, s)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        assert np.isnan(a)
        return
    expected = np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])
    assert a == pytest.approx(expected)
    assert 0 <= a <= 1


@pytest.fixture(scope="module")
def demo_huamei():
    from crmkit import demo

    return demo.generate(seed=7, scale=0.5, companies="huamei")["huamei"]


def test_early_warning_model_time_split_on_demo(demo_huamei):
    d = demo_huamei
    start, horizon = pd.Timestamp("2025-10-01"), 92
    opts = dict(tickets=d["tickets"], surveys=d["surveys"], interactions=d["interactions"])
    threshold = churn.inactivity_threshold(d["orders"], "2025-12-31")
    train = churn.churn_dataset(d["customers"], d["orders"], start - pd.Timedelta(days=horizon + 1), horizon,
                                inactivity_days=threshold, **opts)
    test = churn.churn_dataset(d["customers"], d["orders"], start - pd.Timedelta(days=1), horizon,
                               inactivity_days=threshold, **opts)
    model = churn.ChurnWarningModel()
    assert model.fit(train) is model
    assert set(model.params_.index) == {"const", *churn.FEATURES}
    ev = model.evaluate(test)
    assert ev["auc"] > 0.6
    assert ev["top_decile_lift"] > 1.0
    p = model.predict_proba(test)
    assert ((p > 0) & (p < 1)).all()
    # the labels of the test window come from the churn panel of that window
    panel = churn.churn_panel(d["customers"], d["orders"], start, "2025-12-31", inactivity_days=threshold)
    assert test["churned"].sum() == panel["churned"].sum()
    risk = churn.risk_by_segment(test[["customer_id"]].assign(probability=p), d["customers"], "acquisition_channel",
                                 revenue=churn.trailing_revenue(d["orders"], "2025-09-30"))
    assert risk["customers"].sum() == len(test)
    assert risk["expected_churners"].sum() == pytest.approx(p.sum())
    assert "customer_id" not in risk.columns


def test_separable_training_data_falls_back_to_regularised_fit():
    df = pd.DataFrame({"x": np.r_[np.linspace(-3, -1, 30), np.linspace(1, 3, 30)]})
    df["churned"] = (df["x"] > 0).astype(int)
    m = churn.ChurnWarningModel(features=["x"]).fit(df)
    assert not m.converged_ and m.params_["x"] > 0
    assert m.evaluate(df)["auc"] == 1.0
    with pytest.raises(ValueError):
        churn.ChurnWarningModel(features=["x"]).fit(df.assign(churned=0))


def test_warning_model_ignores_features_without_variation():
    """A company with no tickets has constant service features: the fit must still work."""
    from crmkit.indicators.churn import ChurnWarningModel

    rng = np.random.default_rng(3)
    df = pd.DataFrame({"x": rng.normal(size=500), "tickets": 0.0, "complaints": 0.0})
    df["churned"] = (rng.random(500) < 1 / (1 + np.exp(-2 * df["x"]))).astype(int)
    m = ChurnWarningModel(features=["x", "tickets", "complaints"], log_features=[]).fit(df)
    assert m.converged_ and m.dropped_ == ["tickets", "complaints"]
    assert m.params_["tickets"] == 0 and m.params_["complaints"] == 0 and m.params_["x"] > 1
    assert m.evaluate(df)["auc"] > 0.75


# -- report read-outs ---------------------------------------------------------------
def test_churn_by_segments_stacks_dimensions_with_two_segments():
    p = churn.churn_panel(CUSTOMERS, ORDERS, "2025-01-01", "2025-03-31", inactivity_days=60)
    t = churn.churn_by_segments(p, CUSTOMERS, ("customer_type", "region"), min_n=1)
    # region is not a column: no split; customer_type: a, b sme (both churned), c individual (stayed)
    assert list(t["dimension"]) == ["customer_type", "customer_type"]
    by = t.set_index("segment")
    assert by.loc["sme", "at_risk"] == 2 and by.loc["sme", "churn_rate"] == 1.0
    assert by.loc["individual", "churn_rate"] == 0.0
    assert churn.churn_by_segments(p, CUSTOMERS, ("region",)).empty


def test_extreme_segments_ignore_small_segments():
    seg = pd.DataFrame({"segment": list("xyz"), "at_risk": [50, 40, 3], "churn_rate": [0.2, 0.1, 0.9]})
    hi, lo = churn.extreme_segments(seg, min_n=30)
    assert (hi["segment"], lo["segment"]) == ("x", "y")
    assert churn.extreme_segments(seg, min_n=100) is None


def test_intervals_differ_only_without_overlap():
    assert churn.intervals_differ(0.3, 0.4, 0.1, 0.2)
    assert churn.intervals_differ(0.1, 0.2, 0.3, 0.4)
    assert not churn.intervals_differ(0.1, 0.3, 0.2, 0.4)
    assert not churn.intervals_differ(float("nan"), float("nan"), 0.1, 0.2)


def test_first_varied_and_survival_at():
    cus = pd.DataFrame({"customer_type": ["a", "a"], "acquisition_channel": ["web", "shop"]})
    assert churn.first_varied(cus) == "acquisition_channel"
    assert churn.first_varied(cus[["customer_type"]]) is None
    curve = pd.DataFrame({"time": [100.0, 300.0, 400.0], "survival": [0.9, 0.7, 0.6]})
    assert churn.survival_at(curve, 365) == 0.7
    assert churn.survival_at(curve, 50) == 1.0


def test_attribute_hazards_needs_events():
    p = churn.churn_panel(CUSTOMERS, ORDERS, "2025-01-01", "2025-03-31", inactivity_days=60)
    assert churn.attribute_hazards(p, CUSTOMERS).empty  # two churn events < 10


def test_warning_model_and_current_risk_on_demo(demo_huamei):
    d = demo_huamei
    start, end, horizon = pd.Timestamp("2025-10-01"), pd.Timestamp("2025-12-31"), 92
    opts = dict(inactivity_days=churn.inactivity_threshold(d["orders"], end), tickets=d["tickets"], surveys=d["surveys"],
                interactions=d["interactions"])
    model, ev = churn.warning_model(d["customers"], d["orders"], start, horizon, **opts)
    # the same as fitting on churn_dataset of the previous window by hand
    test = churn.churn_dataset(d["customers"], d["orders"], start - pd.Timedelta(days=1), horizon, **opts)
    assert ev["n"] == len(test) and ev["events"] == int(test["churned"].sum()) and ev["auc"] > 0.6
    scores = churn.at_risk_scores(model, d["customers"], d["orders"], start, end, horizon, **opts)
    # churn_risk fits the same model and scores the same customers
    model2, ev2, scores2 = churn.churn_risk(d["customers"], d["orders"], start, end, **opts)
    assert ev2["auc"] == ev["auc"] and scores2.attrs["horizon_days"] == horizon  # the window's length by default
    pd.testing.assert_frame_equal(scores, scores2)
    # scored: the customers at risk of the next window who have purchase features
    nxt = churn.churn_panel(d["customers"], d["orders"], end + pd.Timedelta(days=1), end + pd.Timedelta(days=horizon),
                            inactivity_days=opts["inactivity_days"])
    assert set(scores["customer_id"]) <= set(nxt.loc[nxt["at_risk"], "customer_id"])
    risk = churn.risk_by_segment(scores, d["customers"], "customer_type")
    assert risk["customers"].sum() == len(scores)
    assert np.isclose(risk["expected_churners"].sum(), scores["probability"].sum())
    rar = churn.revenue_at_risk(scores)
    assert np.isclose(risk["revenue_at_risk"].sum(), rar["expected_loss"])
    assert rar["expected_loss"] == pytest.approx(float((scores["probability"] * scores["revenue"]).sum()))
    assert rar["high_risk"] == int(risk["high_risk"].sum()) == int((scores["probability"] >= np.quantile(scores["probability"], 0.9)).sum())
    # without a model every customer at risk carries this window's churn rate
    base = churn.at_risk_scores(None, d["customers"], d["orders"], start, end, horizon, **opts)
    rate = churn.period_churn_rate(d["customers"], d["orders"], start, end, inactivity_days=opts["inactivity_days"])
    assert base.attrs["source"] == "churn_rate" and (base["probability"] == rate.value).all()
    assert set(base["customer_id"]) == set(nxt.loc[nxt["at_risk"], "customer_id"])
    # too little history: no model
    assert churn.warning_model(d["customers"], d["orders"], "2020-01-01", horizon, **opts) == (None, None)


def test_previous_change_uses_the_period_before_the_last():
    t = pd.DataFrame({"churn_rate": [0.1, 0.2, 0.3], "ci_low": [0.05, 0.15, 0.25], "ci_high": [0.15, 0.22, 0.35]})
    prev, differ = churn.previous_change(t, Estimate(0.3, 0.02, 0.25, 0.35, 500))
    assert prev["churn_rate"] == 0.2 and differ
    prev, differ = churn.previous_change(t, Estimate(0.3, 0.05, 0.21, 0.39, 500))
    assert not differ
    assert churn.previous_change(t.iloc[[0]], Estimate(0.3)) == (None, False)


# -- contractual business: the business model decides, tenure bands ------------------------------
def test_contractual_panel_is_subscribers_who_cancel():
    from crmkit.indicators.business_model import resolve_business_model

    from .subscriptions import SUB_CUSTOMERS, SUB_EVENTS, SUB_ORDERS

    s, e = "2025-01-01", "2025-03-31"
    bm = resolve_business_model("auto", SUB_EVENTS, s, e)
    assert bm.contractual
    p = churn.churn_panel(SUB_CUSTOMERS, SUB_ORDERS, s, e, churn_events=SUB_EVENTS, business_model=bm).set_index("customer_id")
    assert p.attrs["mode"] == "explicit" and p.attrs["business_model"] == "contractual"
    # at risk = subscribers at the start (a, b, i); churned = those no longer subscribed at the end (b, i)
    assert sorted(p.index[p["at_risk"]]) == ["a", "b", "i"]
    assert sorted(p.index[p["churned"]]) == ["b", "i"]
    rate = churn.churn_rate(p.reset_index(), min_n=1)
    assert (rate.value, rate.n) == (pytest.approx(2 / 3), 3)
    assert not p.loc["d", "event"] and p.loc["f", "event"] and not p.loc["f", "at_risk"]  # d won back; f joined in the window
    assert p.loc["a", "first_order"] == pd.Timestamp("2024-03-01")  # relationship start: sign-up
    # without business_model the same auto rule decides; non_contractual ignores the events
    auto = churn.churn_panel(SUB_CUSTOMERS, SUB_ORDERS, s, e, churn_events=SUB_EVENTS)
    assert auto.attrs["mode"] == "explicit"
    nc = resolve_business_model("non_contractual", SUB_EVENTS, s, e)
    inferred = churn.churn_panel(SUB_CUSTOMERS, SUB_ORDERS, s, e, churn_events=SUB_EVENTS, inactivity_days=30,
                                 business_model=nc)
    assert inferred.attrs["mode"] == "inferred"
    with pytest.raises(ValueError, match="churn_events"):
        churn.churn_panel(SUB_CUSTOMERS, SUB_ORDERS, s, e, business_model=bm)
    # the competitor table's churn rate is the same figure
    assert churn.period_churn_rate(SUB_CUSTOMERS, SUB_ORDERS, s, e, churn_events=SUB_EVENTS, business_model=bm,
                                   min_n=1).value == pytest.approx(2 / 3)


def test_churn_by_tenure_band_counts_only_customers_at_risk_in_each_band():
    from .subscriptions import SUB_CUSTOMERS, SUB_EVENTS, SUB_ORDERS

    p = churn.churn_panel(SUB_CUSTOMERS, SUB_ORDERS, "2025-01-01", "2025-03-31", churn_events=SUB_EVENTS)
    t = churn.churn_by(p, SUB_CUSTOMERS, "tenure_band", min_n=1).set_index("segment")
    # tenure at 2025-01-01: a 10 months, b 8 (band 6-11), i 4 (band 3-5); c, d (6-11) and h, j (3-5) are in the
    # same bands but not at risk, e and f start in the window: none of them is in a denominator
    assert t["at_risk"].to_dict() == {"6-11": 2, "3-5": 1}
    assert t["churned"].to_dict() == {"6-11": 1, "3-5": 1}
    assert t.loc["6-11", "churn_rate"] == 0.5 and t.loc["3-5", "churn_rate"] == 1.0
    assert t["at_risk"].sum() == int(p["at_risk"].sum())
    assert churn.tenure_band(pd.Series(pd.to_datetime(["2024-01-01", "2023-01-01"])), "2025-01-01").tolist() == ["12-23", "24+"]


def test_segment_and_attribute_columns_are_split_dimensions():
    cus = CUSTOMERS.assign(segment=["gold", "gold", "basic", "basic", "basic", "gold"],
                           attr_plan=["annual", "monthly", "annual", "monthly", "annual", "monthly"])
    p = churn.churn_panel(cus, ORDERS, "2025-01-01", "2025-03-31", inactivity_days=60)
    dims = churn.segment_dimensions(cus)
    assert dims[-3:] == ("tenure_band", "segment", "attr_plan")
    seg = churn.churn_by_segments(p, cus, orders=ORDERS, at="2025-03-31", min_n=1)
    gold = seg[(seg["dimension"] == "segment") & (seg["segment"] == "gold")].iloc[0]
    # at risk a, b, c; gold: a, b, both churned
    assert (gold["at_risk"], gold["churned"]) == (2, 2)
    plan = seg[seg["dimension"] == "attr_plan"].set_index("segment")
    assert plan["at_risk"].to_dict() == {"annual": 2, "monthly": 1}


def test_warning_model_falls_back_to_a_ridge_fit_on_separated_data():
    """Six customers perfectly separated by one feature: no finite maximum likelihood, the ridge fit still ranks them."""
    from crmkit.indicators.churn import ChurnWarningModel

    df = pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5], "flat": 1.0, "churned": [0, 0, 0, 1, 1, 1]})
    m = ChurnWarningModel(features=["x", "flat"]).fit(df)
    assert not m.converged_ and m.dropped_ == ["flat"]
    p = m.predict_proba(df)
    assert np.all(np.isfinite(p)) and np.all(np.diff(p) > 0)
    assert m.params_["x"] > 0 and m.summary_["se"].isna().all()
