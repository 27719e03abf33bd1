"""Contract value: tenure and survivor counts by hand, sBG recovery on a simulated base, DERL, too little history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import betaln

from crmkit.clv.contractual import ContractHistoryError, contractual_clv, customer_tenure, survivor_counts
from crmkit.errors import ModelError

END = pd.Timestamp("2025-03-31")

# signup, churn events; comments give whole periods to churn (or the end) and the churn period T
_CUSTOMERS = {
    "a": ("2025-01-31", []),  # active; Jan 31 + 2 months = Mar 31 (day clipped in Feb): 2 periods
    "b": ("2025-01-15 10:00", ["2025-02-15 10:00"]),  # churned exactly at the first boundary: T = 1
    "c": ("2025-01-15", ["2025-02-15 10:00"]),  # 10 hours after the first boundary: T = 2
    "d": ("2025-01-10", ["2025-01-05"]),  # churn before signup is ignored: active, 2 periods
    "e": ("2025-04-02", []),  # signed up after the end: left out
    "f": ("2024-12-20", ["2025-03-31 18:00"]),  # churned on the last day: 3 whole periods, T = 4
    "g": ("2025-02-01", ["2025-04-10"]),  # churn after the end is not seen: active, 1 period
    "h": (None, ["2025-02-01"]),  # no signup date: left out
    "i": ("2025-02-01", ["2025-02-01 15:00"]),  # churned on the signup day: T = 1, 0 periods
    "j": ("2025-01-05", ["2024-12-01", "2025-03-05", "2025-03-20"]),  # first churn after signup counts: T = 2
    "k": ("2025-01-31", ["2025-02-28"]),  # Jan 31 + 1 month = Feb 28: churned at the boundary, T = 1
}


def _frames(customers=_CUSTOMERS) -> tuple[pd.DataFrame, pd.DataFrame]:
    cust = pd.DataFrame({"customer_id": list(customers),
                         "signup_date": pd.to_datetime([v[0] for v in customers.values()], format="ISO8601")})
    ev = [(c, t) for c, (_, ts) in customers.items() for t in ts]
    events = pd.DataFrame({"customer_id": [c for c, _ in ev], "churned_at": pd.to_datetime([t for _, t in ev], format="ISO8601")})
    return cust, events


def test_customer_tenure_by_hand():
    cust, events = _frames()
    tn = customer_tenure(cust, events, END)
    assert list(tn.index) == ["a", "b", "c", "d", "f", "g", "i", "j", "k"]  # e (after the end) and h (no signup) left out
    expected = {  # periods, churn period (NaN: active), cohort
        "a": (2, np.nan, "2025-01"), "b": (1, 1, "2025-01"), "c": (1, 2, "2025-01"), "d": (2, np.nan, "2025-01"),
        "f": (3, 4, "2024-12"), "g": (1, np.nan, "2025-02"), "i": (0, 1, "2025-02"), "j": (2, 2, "2025-01"),
        "k": (1, 1, "2025-01"),
    }
    for cid, (periods, T, cohort) in expected.items():
        row = tn.loc[cid]
        assert row["periods"] == periods, cid
        assert (np.isnan(T) and np.isnan(row["churn_period"])) or row["churn_period"] == T, cid
        assert str(row["cohort"]) == cohort, cid
        assert row["active"] == np.isnan(T), cid
    assert pd.isna(tn.loc["d", "churned_at"]) and pd.isna(tn.loc["g", "churned_at"])
    assert tn.loc["j", "churned_at"] == pd.Timestamp("2025-03-05")


def test_customer_tenure_in_quarters():
    cust, events = _frames()
    tn = customer_tenure(cust, events, END, period="Q")
    # f: Dec 20 + 3 months = Mar 20 <= Mar 31 18:00, so one whole quarter and churn in the second
    assert tn.loc["f", "periods"] == 1 and tn.loc["f", "churn_period"] == 2 and str(tn.loc["f", "cohort"]) == "2024Q4"
    # everyone else signed up in 2025Q1: no whole quarter by Mar 31, the churned ones in their first quarter
    rest = tn.drop(index="f")
    assert (rest["periods"] == 0).all() and (rest["churn_period"].dropna() == 1).all()
    assert set(rest["cohort"].astype(str)) == {"2025Q1"}
    with pytest.raises(ValueError, match="period"):
        customer_tenure(cust, events, END, period="W")


def test_survivor_counts_by_hand():
    cust, events = _frames()
    S = survivor_counts(cust, events, END)
    assert [str(c) for c in S.index] == ["2024-12", "2025-01", "2025-02"]
    # each cohort is observed for the whole months its latest member has completed by Mar 31
    expected = [[1, 1, 1, 1],  # f churns in its 4th month
                [6, 4, 2, np.nan],  # a b c d j k: b and k churn in month 1, c and j in month 2
                [2, 1, np.nan, np.nan]]  # g i: i churns in month 1
    np.testing.assert_array_equal(S.to_numpy(), np.asarray(expected, dtype=float))
    assert list(S.columns) == [0, 1, 2, 3]
    again = survivor_counts(cust, events, END, tenure=customer_tenure(cust, events, END))
    pd.testing.assert_frame_equal(S, again)
    assert survivor_counts(cust.iloc[:0], events, END).empty


def test_ids_of_other_types_and_no_events():
    cust = pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    events = pd.DataFrame({"customer_id": ["1"], "churned_at": pd.to_datetime(["2025-02-10"])})
    tn = customer_tenure(cust, events, END)
    assert list(tn.index) == ["1", "2"] and tn.loc["1", "churn_period"] == 2 and tn.loc["2", "active"]
    none = customer_tenure(cust, events.iloc[:0], END)
    assert none["active"].all() and list(none["periods"]) == [2, 1]


# -- a simulated contract base ---------------------------------------------------------------------------
ALPHA, BETA = 0.704, 1.182  # Fader & Hardie (2007), "regular" segment
FEE, MARGIN_RATE = 50.0, 0.3  # margin per month 15
SIM_END = pd.Timestamp("2025-12-31")


def _simulate(n_per_cohort: int = 250, cohorts: int = 24, seed: int = 1):
    """Monthly cohorts 2024-01..2025-12; θ ~ Beta(α, β), T ~ Geometric(θ); a fee at the start of every paid month.

    Signups fall on days 1-28, so signup + k months is the same day k months on; a customer cancels
    1-26 days into month T, i.e. inside period T.
    """
    rng = np.random.default_rng(seed)
    n = n_per_cohort * cohorts
    month = np.repeat(np.arange(cohorts), n_per_cohort)  # months after 2024-01
    day = rng.integers(0, 28, n)
    T = rng.geometric(rng.beta(ALPHA, BETA, n))
    ids = np.array([f"c{i:05d}" for i in range(n)])
    base = pd.Period("2024-01", freq="M")

    def at(months_after: np.ndarray, days: np.ndarray) -> pd.DatetimeIndex:
        return pd.PeriodIndex([base + int(k) for k in months_after]).start_time + pd.to_timedelta(days, unit="D")

    signup = at(month, day)
    horizon = (SIM_END.year - 2024) * 12 + SIM_END.month - 1  # months after 2024-01 of the end
    churn_k = month + np.minimum(T, 10_000) - 1
    seen = churn_k <= horizon
    churn = at(churn_k[seen], day[seen] + rng.integers(1, 27, int(seen.sum())))
    keep = churn <= SIM_END
    events = pd.DataFrame({"customer_id": ids[seen][keep], "churned_at": churn[keep]})
    paid = np.minimum(T, horizon - month + 1)  # fees up to the end (a fee on the signup day of each month)
    ci = np.repeat(np.arange(n), paid)
    k = np.concatenate([np.arange(p) for p in paid])
    when = at(month[ci] + k, day[ci])
    inside = when <= SIM_END
    orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(int(inside.sum()))], "customer_id": ids[ci][inside],
                           "order_date": when[inside], "amount": FEE})
    return pd.DataFrame({"customer_id": ids, "signup_date": signup}), events, orders


@pytest.fixture(scope="module")
def simulated():
    return _simulate()


@pytest.fixture(scope="module")
def fitted(simulated):
    cust, events, orders = simulated
    return contractual_clv(cust, events, orders, SIM_END, margin_rate=MARGIN_RATE, discount_rate=0.01)


def test_recovers_the_generating_parameters(fitted):
    s = fitted.summary
    for name, truth in (("alpha", ALPHA), ("beta", BETA)):
        assert abs(s.loc[name, "coef"] - truth) < 3 * s.loc[name, "se(coef)"], (name, s.loc[name].to_dict())
        assert s.loc[name, "coef"] == pytest.approx(truth, rel=0.25)
    tot = fitted.totals
    assert tot["customers"] == 6000 and tot["cohorts"] == 24 and tot["periods"] == 23
    assert tot["churned"] == 6000 - tot["n"]
    assert tot["mean_churn_probability"] == pytest.approx(ALPHA / (ALPHA + BETA), abs=0.03)
    # the model retention rates follow the observed ones (sampling noise only)
    assert tot["retention_gap"] < 0.03
    curve = fitted.retention_curve
    assert len(curve) == 23 + 12 and curve["observed_retention"].iloc[23:].isna().all()
    assert curve["cohorts_observed"].iloc[0] == 23 and curve["retention_rate"].is_monotonic_increasing
    a, b, t = s.loc["alpha", "coef"], s.loc["beta", "coef"], curve.index.to_numpy()
    np.testing.assert_allclose(curve["retention_rate"], (b + t - 1) / (a + b + t - 1))


def test_observed_retention_pools_the_cohorts(fitted):
    S, curve = fitted.survivors, fitted.retention_curve
    for t in (1, 5, 20):
        seen = S[S[t].notna()]
        assert curve.loc[t, "observed_retention"] == pytest.approx(seen[t].sum() / seen[t - 1].sum())
        assert curve.loc[t, "at_risk"] == seen[t - 1].sum() and curve.loc[t, "cohorts_observed"] == len(seen)


def test_residual_value_is_margin_times_derl(fitted):
    c, m = fitted.customers, fitted.model
    a, b = m.params_
    d = fitted.totals["discount_rate_period"]
    assert d == pytest.approx(0.01)
    # fees at the start of each paid month: n whole months completed means n + 1 fees of margin 15
    np.testing.assert_allclose(c["margin_per_period"], FEE * MARGIN_RATE)
    # DERL against the direct sum Σ_{t>n} S(t)/S(n) (1+d)^-(t-n-1) with S(t) = B(α, β+t)/B(α, β)
    t = np.arange(1, 20000)
    for n in sorted(set(c["renewals"]))[:6]:
        direct = np.sum(np.exp(betaln(a, b + n + t) - betaln(a, b + n)) / (1 + d) ** (t - 1))
        got = c.loc[c["renewals"] == n, "derl"]
        np.testing.assert_allclose(got, direct, rtol=1e-8)
        horizon = np.sum(np.exp(betaln(a, b + n + t[:12]) - betaln(a, b + n)) / (1 + d) ** (t[:12] - 1))
        np.testing.assert_allclose(c.loc[c["renewals"] == n, "horizon_clv"], 15.0 * horizon, rtol=1e-10)
    np.testing.assert_allclose(c["residual_clv"], 15.0 * c["derl"])
    assert c["derl"].groupby(c["renewals"]).first().is_monotonic_increasing  # longer tenure, longer expected life
    tot = fitted.totals
    assert tot["total_residual_clv"] == pytest.approx(c["residual_clv"].sum())
    assert tot["mean_residual_clv"] == pytest.approx(c["residual_clv"].mean()) and tot["n"] == len(c)
    assert (c["horizon_clv"] < c["residual_clv"]).all()
    n = c["renewals"]
    assert tot["next_renewal_rate"] == pytest.approx(((b + n) / (a + b + n)).mean())


def test_residual_value_close_to_the_true_model(fitted):
    """With the generating α, β the base is worth about what the fitted model says (within sampling error)."""
    from crmkit.clv import ShiftedBetaGeometricFitter

    true = ShiftedBetaGeometricFitter()
    true.params_ = pd.Series([ALPHA, BETA], index=["alpha", "beta"])
    c = fitted.customers
    truth = float((15.0 * np.asarray(true.derl(0.01, c["renewals"].to_numpy()))).sum())
    assert fitted.totals["total_residual_clv"] == pytest.approx(truth, rel=0.1)


def test_mean_clv_of_new_customers(fitted, simulated):
    cust = simulated[0]
    new = cust.loc[cust["signup_date"] >= "2025-10-01", "customer_id"]
    mean, n = fitted.mean_clv(list(new) + ["nobody"])
    assert n == len(new)
    by_hand = fitted.customers["horizon_clv"].reindex(new).fillna(0.0).mean()  # cancelled ones count 0
    assert mean == pytest.approx(by_hand) and 0 < mean < 15.0 * 12
    assert fitted.mean_clv(["nobody"]) == (pytest.approx(float("nan"), nan_ok=True), 0)


def test_quarterly_periods_compound_the_discount_rate(simulated):
    cust, events, orders = simulated
    q = contractual_clv(cust, events, orders, SIM_END, margin_rate=MARGIN_RATE, discount_rate=0.01, period="Q")
    assert q.totals["discount_rate_period"] == pytest.approx(1.01 ** 3 - 1)
    assert q.totals["horizon_periods"] == 4 and q.period_names == ("quarter", "季度")
    # monthly fees against quarterly periods: n whole quarters and j = 1..3 months of the current one paid
    m, n = q.customers["margin_per_period"], q.customers["renewals"]
    assert (m <= 3 * FEE * MARGIN_RATE + 1e-9).all() and (m[n >= 4] >= 0.8 * 3 * FEE * MARGIN_RATE).all()


def test_notes_customers_without_orders(simulated):
    cust, events, orders = simulated
    active = set(cust["customer_id"]) - set(events["customer_id"])
    drop = sorted(active)[:7]
    res = contractual_clv(cust, events, orders[~orders["customer_id"].isin(drop)], SIM_END, margin_rate=MARGIN_RATE,
                          discount_rate=0.01)
    assert (res.customers.loc[drop, "residual_clv"] == 0).all()
    assert res.notes and res.notes[0][0].startswith("7 active customers have no orders") and "7 位" in res.notes[0][1]


# -- too little history ------------------------------------------------------------------------------------
def test_too_little_history_raises_with_both_languages(simulated):
    cust, events, orders = simulated
    with pytest.raises(ModelError, match=r"Too little contract history.*longest observation 1 month"):
        contractual_clv(cust, events, orders, "2024-02-29", margin_rate=0.3, discount_rate=0.01)
    try:
        contractual_clv(cust, events, orders, "2024-02-29", margin_rate=0.3, discount_rate=0.01)
    except ContractHistoryError as exc:
        assert "合约历史不足" in exc.zh
    few = cust.iloc[:20]
    with pytest.raises(ModelError, match=r"20 customers in those cohorts \(need 30\)"):
        contractual_clv(few, events, orders, SIM_END, margin_rate=0.3, discount_rate=0.01)
    with pytest.raises(ModelError, match="No churn event"):
        contractual_clv(cust, events.assign(customer_id="x" + events["customer_id"]), orders, SIM_END,
                        margin_rate=0.3, discount_rate=0.01)
    with pytest.raises(ModelError, match="signup date"):
        contractual_clv(cust.assign(signup_date=pd.NaT), events, orders, SIM_END, margin_rate=0.3, discount_rate=0.01)
    with pytest.raises(ModelError, match="discount rate above 0"):
        contractual_clv(cust, events, orders, SIM_END, margin_rate=0.3, discount_rate=0.0)
    with pytest.raises(ValueError):
        contractual_clv(cust, events, orders, SIM_END, margin_rate=0.3, discount_rate=0.01, period="W")


def test_a_fit_that_fails_becomes_a_contract_history_error(simulated):
    cust, events, orders = simulated
    # everybody who is observed churns in the first month: nothing shows how retention develops
    first = cust.assign(signup_date=pd.Timestamp("2024-01-01")).iloc[:100]
    ev = pd.DataFrame({"customer_id": first["customer_id"], "churned_at": pd.Timestamp("2024-01-15")})
    more = pd.DataFrame({"customer_id": [f"z{i}" for i in range(100)], "signup_date": pd.Timestamp("2024-02-01")})
    ev2 = pd.DataFrame({"customer_id": more["customer_id"], "churned_at": pd.Timestamp("2024-02-10")})
    with pytest.raises(ContractHistoryError, match="could not be fitted") as info:
        contractual_clv(pd.concat([first, more]), pd.concat([ev, ev2]), orders, "2024-12-31", margin_rate=0.3,
                        discount_rate=0.01)
    assert "无法根据各月留存人数拟合留存模型" in info.value.zh


def test_interval_of_the_residual_value(fitted):
    m, t = fitted.residual_clv_mean_estimate, fitted.residual_clv_total_estimate
    assert t.value == pytest.approx(fitted.totals["total_residual_clv"]) and t.n == fitted.totals["n"]
    assert m.value == pytest.approx(fitted.totals["mean_residual_clv"])
    assert t.ci_low < t.value < t.ci_high and m.ci_low == pytest.approx(t.ci_low / t.n)
    # the interval reflects the parameters' uncertainty: a few percent with 6,000 customers
    assert 0.005 < (t.ci_high - t.ci_low) / t.value < 0.3


# -- the value report on a small subscription company ------------------------------------------------------
@pytest.mark.slow
def test_value_report_on_a_contract_company(tmp_path):
    """A store with customers (signup dates), monthly fees and cancellations: 05 detects the contractual business,
    values the base with the sBG model, and says so when the history is too short."""
    import json

    from crmkit.reports.params import load_params
    from crmkit.reports.runner import run_reports
    from crmkit.store import Store

    cust, events, orders = _simulate(n_per_cohort=40)
    store = Store(tmp_path / "crm.duckdb")
    for name, frame in (("customers", cust), ("orders", orders), ("churn_events", events)):
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False)
        store.ingest(path, name, "subco")
    params = [load_params(None, company="subco", period=period, store=str(store.path), language=lang)
              for period, lang in (("2025Q4", "en"), ("2024Q1", "zh"))]
    result = run_reports(params, outputs=tmp_path / "out", notebooks=["05"])
    recs = {r["period"]: r for r in result.results}
    for period in ("2025Q4", "2024Q1"):
        assert recs[period]["status"] == "ok", recs[period]["error"]
    folder = tmp_path / "out" / "subco" / "2025Q4"
    html = (folder / "05_value.html").read_text(encoding="utf-8")
    assert "Contractual business (detected)" in html and "shifted-beta-geometric (sBG)" in html
    assert "Residual value of the active contract customers" in html and "Traceback" not in html
    assert "probability alive" not in html.lower() and "BG/NBD" not in html
    metrics = {m["name"]: m for m in json.loads((folder / "05_value.metrics.json").read_text(encoding="utf-8"))["metrics"]}
    assert "share_customers_alive" not in metrics and "predicted_clv_mean" not in metrics
    assert metrics["residual_clv_mean"]["value"] > 0 and metrics["residual_clv_total"]["n"] == metrics["next_renewal_rate"]["n"]
    assert 0.5 < metrics["next_renewal_rate"]["value"] < 1 and metrics["residual_lifetime_months"]["unit"] == "months"
    # three months of cohorts: detected as contractual, too little history for the model, said in one sentence
    short = (tmp_path / "out" / "subco" / "2024Q1" / "05_value.html").read_text(encoding="utf-8")
    assert "判定为契约型业务" in short and "未计算合约价值。合约历史不足以拟合留存模型" in short
    assert "Traceback" not in short
