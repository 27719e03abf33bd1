"""Predictive CLV workflow: model choice on a holdout, refit, per-customer CLV, degenerate inputs, report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmkit.clv import BetaGeoFitter, ParetoNBDFitter, simulate
from crmkit.clv.workflow import PredictiveCLV, predictive_clv
from crmkit.errors import ModelError

TRUE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # CDNOW BG/NBD estimates (weeks)
SPEND = {"p": 6.0, "q": 4.0, "v": 15.0}  # population mean spend p v / (q - 1) = 30
START = pd.Timestamp("2024-01-01")  # a Monday
END = pd.Timestamp("2025-06-29")  # a Sunday: 78 weeks after START


def _orders(n: int = 3000, seed: int = 3, spread_weeks: int = 12) -> pd.DataFrame:
    """Orders of customers following BG/NBD (first purchase within the first weeks), Gamma-Gamma spend."""
    rng = np.random.default_rng(seed)
    total_weeks = (END + pd.Timedelta(days=1) - START) / pd.Timedelta(weeks=1)
    first = rng.uniform(0, spread_weeks, n)
    d = simulate.beta_geo(total_weeks - first, size=n, seed=seed, **TRUE)
    nu = rng.gamma(SPEND["q"], 1.0 / SPEND["v"], n)
    rows_c, rows_t = [], []
    for c, (x, tx) in enumerate(zip(d["frequency"].astype(int), d["recency"])):
        times = [0.0] + list(rng.uniform(0, tx, max(x - 1, 0))) + ([tx] if x > 0 else [])
        rows_c += [c] * len(times)
        rows_t += [first[c] + t for t in times]
    cid = np.asarray(rows_c)
    amount = rng.gamma(SPEND["p"], 1.0 / nu[cid])
    return pd.DataFrame({
        "order_id": [f"o{i}" for i in range(len(cid))],
        "customer_id": [f"c{c:05d}" for c in cid],
        "order_date": START + pd.to_timedelta(np.asarray(rows_t) * 7, unit="D"),
        "amount": amount.round(2),
    })


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return _orders()


@pytest.fixture(scope="module")
def result(orders) -> PredictiveCLV:
    return predictive_clv(orders, end=END, holdout_weeks=26, n_draws=50)


def test_picks_a_model_on_the_holdout(result):
    assert result.status == "ok", result.message
    assert result.model in ("bgnbd", "pareto_nbd")
    errs = result.holdout_errors
    assert list(errs.index) == ["bgnbd", "pareto_nbd"]
    assert (errs["status"] == "ok").all()
    best = errs["wape"].min()
    assert errs.loc[result.model, "wape"] - best < 0.005  # the lowest error, or tied with it
    assert result.model_label in result.choice_reason and result.model_label in result.choice_reason_zh
    assert result.calibration_end.floor("s") == pd.Timestamp("2024-12-29 23:59:59")  # a whole week, 26 weeks back
    assert result.holdout_length_weeks == pytest.approx(26.0, abs=0.01)
    # calibration vs holdout and tracking for both models
    for key in ("bgnbd", "pareto_nbd"):
        table = result.calibration_holdout[key]
        assert table["n_customers"].sum() == errs.loc[key, "n_customers"] == result.sizes["calibration_customers"]
        track = result.tracking[key]
        assert track["actual_cumulative"].is_monotonic_increasing
        assert len(track) == 78 and result.holdout_start == 52  # 52 calibration weeks, then the holdout
    assert errs.loc[result.model, "actual_total"] == result.sizes["holdout_purchases"]


def test_recovers_the_generating_parameters(orders):
    res = predictive_clv(orders, end=END, models=("bgnbd",), n_draws=0)
    assert res.status == "ok" and res.model == "bgnbd"
    p = res.transaction_model.params_
    # merging purchases of the same day biases little at these low purchase rates
    assert p["r"] / p["alpha"] == pytest.approx(TRUE["r"] / TRUE["alpha"], rel=0.2)
    assert p["a"] / (p["a"] + p["b"]) == pytest.approx(TRUE["a"] / (TRUE["a"] + TRUE["b"]), abs=0.08)
    summary = res.transaction_summary
    assert list(summary.index) == ["r", "alpha", "a", "b"] and (summary["se(coef)"] > 0).all()
    for name in ("r", "a", "b"):  # truth inside a generous 99.9 % band
        assert abs(summary.loc[name, "coef"] - TRUE[name]) < 3.3 * summary.loc[name, "se(coef)"], name
    # recency and T are in days / 7, so alpha is not biased by rounding to whole weeks either
    assert abs(summary.loc["alpha", "coef"] - TRUE["alpha"]) < 3.3 * summary.loc["alpha", "se(coef)"]
    assert res.implied()["mean_spend"] == pytest.approx(30.0, rel=0.15)
    assert res.spend_frequency_ok and abs(res.spend_frequency_correlation) < 0.3
    table = res.parameters_table()
    assert list(table["parameter"]) == ["r", "alpha", "a", "b", "p", "q", "v"] and table["used"].all()


def test_totals_are_consistent(result):
    cust, tot = result.customers, result.totals
    assert len(cust) == result.sizes["customers"] == 3000
    assert tot["expected_transactions_total"] == pytest.approx(cust["expected_transactions"].sum())
    assert tot["clv_total"] == pytest.approx(cust["clv"].sum())
    assert tot["clv_mean"] == pytest.approx(cust["clv"].mean())
    assert result.tiers["customer_share"].sum() == pytest.approx(1.0)
    assert result.tiers["clv_share"].sum() == pytest.approx(1.0)
    assert result.tiers["customers"].sum() == len(cust)
    assert 0.1 <= tot["top_decile_share"] <= 1.0
    assert cust["p_alive"].between(0, 1).all() and tot["share_alive"] == pytest.approx(cust["p_alive"].mean())
    assert (cust["clv"] >= 0).all() and (cust["expected_spend"] > 0).all()
    est = result.clv_total_estimate
    assert est.ci_low <= est.value <= est.ci_high and est.ci_high > est.ci_low
    # no returns and no margin: CLV is revenue, the library's own discounted CLV
    assert result.value_basis == "net revenue" and result.value_factor == pytest.approx(1.0)
    ref = result.spend_model.customer_lifetime_value(
        result.transaction_model, cust["frequency"], cust["recency"], cust["T"], cust["monetary_value"],
        time=12, discount_rate=0.01, freq="W")
    np.testing.assert_allclose(cust["clv"].to_numpy(), ref.to_numpy(), rtol=1e-9)
    ref_tx = result.transaction_model.conditional_expected_number_of_purchases_up_to_time(
        12 * 4.345, cust["frequency"], cust["recency"], cust["T"])
    np.testing.assert_allclose(cust["expected_transactions"].to_numpy(), np.asarray(ref_tx), rtol=1e-9)


def test_mean_clv_of_some_customers(result):
    ids = result.customers.index[:10]
    mean, n = result.mean_clv(list(ids) + ["nobody"])
    assert n == 10 and mean == pytest.approx(result.customers["clv"].iloc[:10].mean())
    assert result.mean_clv() == (pytest.approx(result.totals["clv_mean"]), 3000)


def test_returns_are_netted_and_margin_applied(orders):
    o = orders.assign(is_return=False)
    ret = o.sample(200, random_state=1).assign(is_return=True)
    ret["amount"] = -0.5 * ret["amount"]
    ret["order_id"] = "r" + ret["order_id"]
    both = pd.concat([o, ret], ignore_index=True)
    res = predictive_clv(both, end=END, models=("bgnbd",), n_draws=0, margin_rate=0.3)
    assert res.sizes["returns"] == 200 and res.sizes["purchases"] == len(o)
    gross = o["amount"].sum()
    assert res.return_rate == pytest.approx(-ret["amount"].sum() / gross)
    assert res.value_basis == "margin"
    assert res.value_factor == pytest.approx(0.3 * (1 - res.return_rate))
    base = predictive_clv(o, end=END, models=("bgnbd",), n_draws=0)  # returns do not change the purchase counts
    np.testing.assert_allclose(res.customers["expected_transactions"], base.customers["expected_transactions"])
    np.testing.assert_allclose(res.customers["clv"], base.customers["clv"] * res.value_factor)


def test_later_orders_are_ignored(orders):
    later = pd.DataFrame({"order_id": ["late"], "customer_id": ["c00000"], "order_date": [END + pd.Timedelta(days=3)],
                          "amount": [1e6]})
    res = predictive_clv(pd.concat([orders, later]), end=END, models=("bgnbd",), n_draws=0)
    assert res.sizes["purchases"] == len(orders)


def test_all_single_purchase_customers():
    o = pd.DataFrame({"customer_id": [f"c{i}" for i in range(200)],
                      "order_date": pd.date_range("2024-01-01", periods=200, freq="D"), "amount": 10.0})
    res = predictive_clv(o, end="2025-06-30")
    assert res.status == "insufficient_data" and not res.fitted
    assert "repeat" in res.message and res.message_zh
    assert res.customers.empty and res.sizes["repeat_customers"] == 0


def test_a_handful_of_customers():
    o = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
                      "order_date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01", "2024-05-01", "2024-04-01"]),
                      "amount": [10.0, 20.0, 30.0, 40.0, 50.0]})
    res = predictive_clv(o, end="2025-06-30")
    assert res.status == "insufficient_data" and "3 customers" in res.message
    assert predictive_clv(o.iloc[:0], end="2025-06-30").status == "insufficient_data"


def test_short_history_is_fitted_but_unvalidated(orders):
    short_end = START + pd.Timedelta(days=41)  # six weeks: too short for a holdout
    res = predictive_clv(orders, end=short_end, n_draws=0)
    assert res.status == "unvalidated", res.message
    assert res.model == "bgnbd" and res.fitted and res.holdout_errors.empty
    assert "holdout" in res.choice_reason and res.message == res.choice_reason
    assert len(res.customers) == res.sizes["customers"]


def test_fitting_failures_become_a_status(orders, monkeypatch):
    def boom(self, *args, **kwargs):
        raise ModelError(f"{type(self).__name__} did not converge.")

    monkeypatch.setattr(BetaGeoFitter, "fit", boom)
    monkeypatch.setattr(ParetoNBDFitter, "fit", boom)
    res = predictive_clv(orders, end=END, n_draws=0)
    assert res.status == "failed" and not res.fitted
    assert "did not converge" in res.message and res.message_zh
    assert set(res.holdout_errors["status"]) == {"BetaGeoFitter did not converge.", "ParetoNBDFitter did not converge."}


def test_one_failing_model_leaves_the_other(orders, monkeypatch):
    def boom(self, *args, **kwargs):
        raise ModelError("ParetoNBDFitter did not converge.")

    monkeypatch.setattr(ParetoNBDFitter, "fit", boom)
    res = predictive_clv(orders, end=END, n_draws=0)
    assert res.status == "ok" and res.model == "bgnbd"
    assert "Pareto/NBD could not be fitted" in res.choice_reason


def test_bad_arguments(orders):
    with pytest.raises(ValueError):
        predictive_clv(orders, end=END, models=("gamma",))
    with pytest.raises(ValueError):
        predictive_clv(orders, end=END, time_unit="month")


# -- the published CDNOW estimates through the report's code path ------------------------------------------------
def _sig3(a: float, b: float) -> bool:
    return float(f"{a:.3g}") == float(f"{b:.3g}")


BGNBD_CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # Fader, Hardie & Lee (2005), weeks
PNBD_CDNOW = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}  # Fader, Hardie & Lee (2005) note, weeks


@pytest.fixture(scope="module")
def cdnow_orders(cdnow_transactions) -> pd.DataFrame:
    tx = cdnow_transactions
    return pd.DataFrame({"order_id": [f"o{i}" for i in range(len(tx))], "customer_id": tx["id"].astype(str),
                         "order_date": tx["date"], "amount": tx["amount"]})


def _assert_published(models: dict) -> None:
    for key, published in (("bgnbd", BGNBD_CDNOW), ("pareto_nbd", PNBD_CDNOW)):
        got = models[key].params_
        for name, v in published.items():
            assert _sig3(got[name], v), (key, name, got[name], v)


def test_cdnow_calibration_fits_equal_the_published_estimates(cdnow_orders):
    """78 weeks of CDNOW with a 39-week holdout: the calibration period is the published 39 weeks (1997-01-01..09-30)."""
    res = predictive_clv(cdnow_orders, end="1998-06-30", holdout_weeks=39, n_draws=0)
    assert res.status == "ok" and res.calibration_end.floor("s") == pd.Timestamp("1997-09-30 23:59:59")
    assert res.holdout_length_weeks == 39.0 and res.holdout_start == 39.0
    _assert_published(res.calibration_models)
    assert res.calibration_models["bgnbd"].log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert res.sizes["calibration_customers"] == 2357 and len(res.tracking["bgnbd"]) == 78
    # both models refitted on the whole 78 weeks and reported, the chosen one first
    table = res.parameters_table()
    assert set(res.transaction_models) == {"bgnbd", "pareto_nbd"}
    assert list(table["model"].drop_duplicates()) == [res.model_label, *{"BG/NBD", "Pareto/NBD"} - {res.model_label},
                                                      "Gamma-Gamma"]
    assert table.loc[table["model"] != res.model_label, "used"].tolist() == [False] * 4 + [True] * 3


def test_cdnow_report_parameters_equal_the_published_estimates(cdnow_orders):
    """The 39 calibration weeks as the whole history: the parameters the report shows are the published ones."""
    first39 = cdnow_orders[cdnow_orders["order_date"] <= "1997-09-30"]
    res = predictive_clv(first39, end="1997-09-30", n_draws=0)
    _assert_published(res.transaction_models)
    table = res.parameters_table().set_index(["model", "parameter"])["coef"]
    for label, published in (("BG/NBD", BGNBD_CDNOW), ("Pareto/NBD", PNBD_CDNOW)):
        for name, v in published.items():
            assert _sig3(table[(label, name)], v), (label, name)
    assert res.parameters_table().query("parameter == 'alpha'")["meaning_en"].str.endswith("(weeks)").all()
    # the same purchases in days: rates scale by 7, shapes stay
    day = predictive_clv(first39, end="1997-09-30", n_draws=0, time_unit="day")
    for key in ("bgnbd", "pareto_nbd"):
        w, d = res.transaction_models[key].params_, day.transaction_models[key].params_
        scale = {"alpha": 7.0, "beta": 7.0}
        for name in w.index:
            assert d[name] == pytest.approx(w[name] * scale.get(name, 1.0), rel=2e-3), (key, name)
    assert day.time_unit == "day" and day.parameters_table().query("parameter == 'alpha'")["meaning_en"].str.endswith(
        "(days)").all()
    np.testing.assert_allclose(day.customers["clv"], res.customers["clv"], rtol=0.02)  # 12 × 30 days vs 12 × 4.345 weeks


def test_weekly_tracking_of_a_model_in_days(cdnow_orders):
    """Tracking is weekly whatever the unit: a BG/NBD model in days (α × 7) tracks exactly like the one in weeks."""
    from crmkit.clv.workflow import _weekly_tracking

    weeks = BetaGeoFitter()
    weeks.params_ = pd.Series(BGNBD_CDNOW)
    days = BetaGeoFitter()
    days.params_ = pd.Series({**BGNBD_CDNOW, "alpha": 7 * BGNBD_CDNOW["alpha"]})
    a = _weekly_tracking(weeks, cdnow_orders, 7 * 78, 7)
    b = _weekly_tracking(days, cdnow_orders, 7 * 78, 1)
    assert list(b.index) == list(range(1, 79)) and list(b["period_start"]) == list(a["period_start"])
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("company, language", [("huamei", "zh"), ("yunting", "en")])
def test_value_report_runs_with_predictive_clv(company, language, demo_store: Path, tmp_path: Path):
    from crmkit.reports.params import load_params
    from crmkit.reports.runner import run_reports

    params = load_params(None, company=company, period="2025Q4", store=str(demo_store), language=language)
    result = run_reports([params], outputs=tmp_path, notebooks=["05"])
    rec = {r["notebook"]: r for r in result.results}["05_value"]
    assert rec["status"] == "ok", rec["error"]
    folder = tmp_path / company / "2025Q4"
    html = (folder / "05_value.html").read_text(encoding="utf-8")
    assert ("预测客户终身价值" if language == "zh" else "Predictive customer lifetime value") in html
    assert "Traceback" not in html
    metrics = {m["name"]: m for m in json.loads((folder / "05_value.metrics.json").read_text(encoding="utf-8"))["metrics"]}
    for m in metrics.values():
        assert m["label_en"] and m["label_zh"], m["name"]
    if company == "yunting":  # subscriptions with recorded cancellations: contract value, no purchase model
        assert "Contractual business (detected)" in html and "shifted-beta-geometric (sBG)" in html
        assert "predicted_clv_mean" not in metrics and "share_customers_alive" not in metrics
        for name in ("residual_clv_mean", "residual_clv_total", "residual_lifetime_months", "next_renewal_rate"):
            assert metrics[name]["value"] is not None and metrics[name]["value"] > 0, name
        assert 0 < metrics["next_renewal_rate"]["value"] < 1
        assert metrics["residual_clv_mean"]["ci_low"] < metrics["residual_clv_mean"]["value"]
    else:
        assert "判定为非契约型业务" in html
        for name in ("predicted_clv_mean", "predicted_clv_top_decile_share", "share_customers_alive", "clv_holdout_error"):
            assert name in metrics and metrics[name]["value"] is not None, name
        assert metrics["predicted_clv_mean"]["unit"] == "currency" and metrics["predicted_clv_mean"]["value"] > 0
        assert 0.1 <= metrics["predicted_clv_top_decile_share"]["value"] <= 1
        assert 0 < metrics["share_customers_alive"]["value"] <= 1
        assert metrics["clv_holdout_error"]["direction"] == "lower"
    # customer ids (HM000001, YT000001, ...) never reach the report text
    text = re.sub(r'src="data:[^"]*"', "", html.split("<main", 1)[1])
    assert not re.search(r"\b(HM|YT)\d{6}\b", text)
