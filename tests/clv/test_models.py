"""Fitters: published CDNOW results, parameter recovery, degenerate inputs, invariants."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad
from scipy.optimize import approx_fprime

from crmkit.clv import (
    BetaGeoFitter,
    GammaGammaFitter,
    ModifiedBetaGeoFitter,
    ParetoNBDFitter,
    SpendFrequencyCorrelationWarning,
    simulate,
)
from crmkit.clv.pareto_nbd import _log_A0
from crmkit.errors import DataError, ModelError


def sig3(a: float, b: float) -> bool:
    """Equal to 3 significant figures."""
    return float(f"{a:.3g}") == float(f"{b:.3g}")


# --- published CDNOW results ---------------------------------------------------

BGNBD_PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PNBD_PUBLISHED = {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}
GG_PUBLISHED = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def bgf(cdnow_summary):
    return BetaGeoFitter().fit(cdnow_summary["x"], cdnow_summary["t_x"], cdnow_summary["T"])


@pytest.fixture(scope="module")
def pnbd(cdnow_summary):
    return ParetoNBDFitter().fit(cdnow_summary["x"], cdnow_summary["t_x"], cdnow_summary["T"])


def test_bgnbd_cdnow_published(bgf):
    for k, v in BGNBD_PUBLISHED.items():
        assert sig3(bgf.params_[k], v), (k, bgf.params_[k], v)
    assert bgf.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    # standard errors as reported by lifetimes for the same fit
    np.testing.assert_allclose(bgf.summary["se(coef)"], [0.012557, 0.378221, 0.185719, 0.705346], rtol=2e-3)
    assert list(bgf.summary.columns) == ["coef", "se(coef)", "lower 95% bound", "upper 95% bound"]


def test_pnbd_cdnow_published(pnbd):
    for k, v in PNBD_PUBLISHED.items():
        assert sig3(pnbd.params_[k], v) or round(pnbd.params_[k], 2) == v, (k, pnbd.params_[k], v)
    assert pnbd.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)
    assert (pnbd.summary["se(coef)"] > 0).all()


def test_fits_on_own_calibration_summary_equal_published(cdnow_ch):
    ch = cdnow_ch
    b = BetaGeoFitter().fit(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
    for k, v in BGNBD_PUBLISHED.items():
        assert sig3(b.params_[k], v), (k, b.params_[k])
    assert b.log_likelihood_ == pytest.approx(-9582.4, abs=0.3)  # unrounded recency/T
    rep = ch[ch["frequency_cal"] > 0]
    g = GammaGammaFitter().fit(rep["frequency_cal"], rep["monetary_value_cal"])
    for k, v in GG_PUBLISHED.items():
        assert sig3(g.params_[k], v), (k, g.params_[k])


def test_gamma_gamma_cdnow_published(cdnow_summary):
    rep = cdnow_summary[cdnow_summary["x"] > 0]
    assert len(rep) == 946
    g = GammaGammaFitter().fit(rep["x"], rep["zbar"])
    for k, v in GG_PUBLISHED.items():
        assert sig3(g.params_[k], v), (k, g.params_[k], v)
    assert abs(g.spend_frequency_correlation_) < 0.3
    spend = g.conditional_expected_average_profit(cdnow_summary["x"], cdnow_summary["zbar"])
    assert isinstance(spend, pd.Series) and (spend > 0).all() and np.isfinite(spend).all()
    # customers without repeat purchases get the population mean pv/(q-1)
    p, q, v = g.params_
    assert spend.loc[3] == pytest.approx(p * v / (q - 1))
    # RFM and CLV paper: E(M) for x=2, zbar = 22.35 shrinks towards the mean 35.85 (weighted average)
    w = p * 2 / (p * 2 + q - 1)
    assert spend.loc[1] == pytest.approx(w * 22.35 + (1 - w) * p * v / (q - 1))


def test_clv_matches_manual_discounted_sum(bgf, cdnow_summary):
    rep = cdnow_summary[cdnow_summary["x"] > 0]
    g = GammaGammaFitter().fit(rep["x"], rep["zbar"])
    s = cdnow_summary.iloc[:20]
    clv = g.customer_lifetime_value(bgf, s["x"], s["t_x"], s["T"], s["zbar"], time=6, discount_rate=0.02, freq="W")
    spend = g.conditional_expected_average_profit(s["x"], s["zbar"]).to_numpy()
    manual = np.zeros(len(s))
    for i in range(1, 7):
        step = (bgf.predict(i * 4.345, s["x"], s["t_x"], s["T"]) - bgf.predict((i - 1) * 4.345, s["x"], s["t_x"], s["T"]))
        manual += spend * step.to_numpy() / 1.02**i
    np.testing.assert_allclose(clv.to_numpy(), manual, rtol=1e-10)
    assert list(clv.index) == list(s.index) and (clv > 0).all()


def test_pareto_A0_equals_integral():
    cases = [(0.55, 10.58, 0.61, 11.67, 2, 30.4, 38.9), (0.5, 3, 0.8, 1, 5, 10, 40),
             (2, 1, 0.3, 20, 0, 0, 30), (0.3, 50, 1.5, 0.5, 20, 1, 30)]
    for r, al, s, be, x, tx, T in cases:
        integral = quad(lambda u: (al + u) ** -(r + x) * (be + u) ** -(s + 1), tx, T, epsrel=1e-12, epsabs=0)[0]
        got = np.exp(_log_A0(r, al, s, be, np.array([float(x)]), np.array([tx]), np.array([T])))[0] / (r + s + x)
        assert got == pytest.approx(integral, rel=1e-9)


@pytest.mark.parametrize("cls", [BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter])
def test_gradient_matches_finite_differences(cls, cdnow_summary):
    m = cls()
    d = (cdnow_summary["x"].to_numpy(float), cdnow_summary["t_x"].to_numpy() / 39, cdnow_summary["T"].to_numpy() / 39)
    f = m._objective(d, np.ones(len(cdnow_summary)))
    theta = np.array([-0.4, 0.2, -0.3, 0.5])
    np.testing.assert_allclose(f(theta)[1], approx_fprime(theta, lambda z: f(z)[0], 1e-7), rtol=1e-4, atol=1e-7)


def test_gamma_gamma_gradient():
    d = simulate.gamma_gamma(np.arange(1, 200) % 7 + 1, 6, 4, 15, seed=1)
    m = GammaGammaFitter()
    f = m._objective((d["frequency"].to_numpy(), d["monetary_value"].to_numpy() / 30), np.ones(len(d)))
    theta = np.array([0.5, 0.2, -0.3])
    np.testing.assert_allclose(f(theta)[1], approx_fprime(theta, lambda z: f(z)[0], 1e-7), rtol=1e-4)


# --- parameter recovery on simulated data (50,000 customers) --------------------

T_SIM = np.random.default_rng(0).uniform(26, 52, 50_000).round(2)


def _recovered(fitter, truth: dict, tol_se: float = 4.0, rel: float = 0.15) -> None:
    est, se = fitter.params_, fitter.standard_errors_
    for k, v in truth.items():
        assert abs(est[k] - v) < tol_se * se[k], (k, est[k], v, se[k])
        assert abs(est[k] - v) < rel * v, (k, est[k], v)


def test_bgnbd_recovers_parameters():
    truth = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    d = simulate.beta_geo(T_SIM, *truth.values(), seed=11)
    _recovered(BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"]), truth)


def test_mbgnbd_recovers_parameters():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6}
    d = simulate.modified_beta_geo(T_SIM, *truth.values(), seed=12)
    _recovered(ModifiedBetaGeoFitter().fit(d["frequency"], d["recency"], d["T"]), truth)


def test_pnbd_recovers_parameters():
    truth = {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}
    d = simulate.pareto_nbd(T_SIM, *truth.values(), seed=13)
    d["recency"] = d["recency"].round(2)  # fewer unique rows keeps the test quick
    _recovered(ParetoNBDFitter().fit(d["frequency"], d["recency"], d["T"]), truth, rel=0.3)


def test_gamma_gamma_recovers_parameters():
    truth = {"p": 6.25, "q": 3.74, "v": 15.44}
    x = np.random.default_rng(3).geometric(0.3, 50_000).astype(float)
    d = simulate.gamma_gamma(x, *truth.values(), seed=14)
    _recovered(GammaGammaFitter().fit(d["frequency"], d["monetary_value"]), truth)


def test_weights_equal_repeated_rows(cdnow_summary):
    s = cdnow_summary
    grouped = s.groupby(["x", "t_x", "T"]).size().rename("n").reset_index()
    a = BetaGeoFitter().fit(s["x"], s["t_x"], s["T"])
    b = BetaGeoFitter().fit(grouped["x"], grouped["t_x"], grouped["T"], weights=grouped["n"])
    np.testing.assert_allclose(a.params_, b.params_, rtol=1e-6)
    assert a.log_likelihood_ == pytest.approx(b.log_likelihood_, rel=1e-10)


def test_time_unit_invariance(cdnow_summary):
    s = cdnow_summary
    wk = BetaGeoFitter().fit(s["x"], s["t_x"], s["T"])
    dy = BetaGeoFitter().fit(s["x"], s["t_x"] * 7, s["T"] * 7)
    np.testing.assert_allclose(dy.params_[["r", "a", "b"]], wk.params_[["r", "a", "b"]], rtol=1e-5)
    assert dy.params_["alpha"] == pytest.approx(7 * wk.params_["alpha"], rel=1e-5)


# --- degenerate inputs ---------------------------------------------------------

@pytest.mark.parametrize("cls", [BetaGeoFitter, ParetoNBDFitter, ModifiedBetaGeoFitter])
def test_all_single_purchase_raises(cls):
    with pytest.raises(ModelError, match="repeat purchase"):
        cls().fit(np.zeros(100), np.zeros(100), np.linspace(1, 30, 100))


@pytest.mark.parametrize("cls", [BetaGeoFitter, ParetoNBDFitter])
def test_all_T_zero_raises(cls):
    with pytest.raises(ModelError, match="T = 0"):
        cls().fit([0, 0], [0, 0], [0, 0])


@pytest.mark.parametrize("cls", [BetaGeoFitter, ParetoNBDFitter])
def test_one_customer_gives_model_error_or_finite_fit(cls):
    # a single history cannot identify four parameters
    try:
        m = cls().fit([3], [20.0], [30.0])
    except ModelError as err:
        assert "penalizer_coef" in str(err) or "data" in str(err)
    else:
        assert np.isfinite(m.params_).all() and np.isfinite(m.log_likelihood_)


def test_penalizer_shrinks_parameters(cdnow_summary, bgf):
    s = cdnow_summary
    pen = BetaGeoFitter(penalizer_coef=0.05).fit(s["x"], s["t_x"], s["T"])
    scale = 1 / s["T"].max()  # the penalty acts on the internal time scale
    size = lambda p: p["r"] ** 2 + (p["alpha"] * scale) ** 2 + p["a"] ** 2 + p["b"] ** 2  # noqa: E731
    assert size(pen.params_) < size(bgf.params_)
    assert pen.log_likelihood_ < bgf.log_likelihood_
    assert np.isfinite(pen.summary.to_numpy()).all()


def test_invalid_inputs_raise_data_error():
    with pytest.raises(DataError, match="recency exceeds T"):
        BetaGeoFitter().fit([1], [5.0], [3.0])
    with pytest.raises(DataError, match="frequency 0"):
        BetaGeoFitter().fit([0, 1], [2.0, 1.0], [3.0, 3.0])
    with pytest.raises(DataError, match="NaN"):
        ParetoNBDFitter().fit([1, np.nan], [1.0, 0], [3.0, 3.0])
    with pytest.raises(DataError, match="repeat customers"):
        GammaGammaFitter().fit([0, 2], [0.0, 10.0])
    with pytest.raises(ModelError, match="not fitted"):
        BetaGeoFitter().conditional_probability_alive(1, 1, 2)


def test_gamma_gamma_warns_on_correlated_spend():
    x = np.random.default_rng(5).integers(1, 20, 2000).astype(float)
    m = simulate.gamma_gamma(x, 6.0, 3.7, 15.0, seed=6)["monetary_value"] * x  # spend grows with frequency
    with pytest.warns(SpendFrequencyCorrelationWarning, match="Pearson r"):
        g = GammaGammaFitter().fit(x, m)
    assert g.spend_frequency_correlation_ > 0.3
    assert issubclass(SpendFrequencyCorrelationWarning, UserWarning)


def test_gamma_gamma_no_warning_when_independent(cdnow_summary):
    rep = cdnow_summary[cdnow_summary["x"] > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SpendFrequencyCorrelationWarning)
        GammaGammaFitter().fit(rep["x"], rep["zbar"])


def test_gamma_gamma_q_stays_above_one():
    # heavy-tailed spend pushes the unconstrained q below 1; expected spend must stay positive and finite
    rng = np.random.default_rng(7)
    x = rng.integers(1, 5, 3000).astype(float)
    m = np.exp(rng.normal(3, 2.5, 3000))
    g = GammaGammaFitter().fit(x, m)
    assert g.params_["q"] > 1
    e = g.conditional_expected_average_profit(np.r_[0.0, x], np.r_[0.0, m])
    assert np.all(np.isfinite(e)) and np.all(e > 0)


# --- invariants ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["bgf", "pnbd"])
def test_invariants(name, request, cdnow_summary):
    m = request.getfixturevalue(name)
    s = cdnow_summary
    p = m.conditional_probability_alive(s["x"], s["t_x"], s["T"])
    assert isinstance(p, pd.Series) and ((p >= 0) & (p <= 1)).all()
    if name == "bgf":
        assert (p[s["x"] == 0] == 1).all()
    # a longer silence since the last purchase lowers P(alive)
    assert m.conditional_probability_alive(5, 10.0, 38.0) < m.conditional_probability_alive(5, 30.0, 38.0)
    t = np.linspace(0.5, 200, 60)
    e = m.expected_number_of_purchases_up_to_time(t)
    assert np.all(np.diff(e) > 0) and e[0] > 0
    c = np.array([m.conditional_expected_number_of_purchases_up_to_time(tt, 3, 20.0, 38.0) for tt in t])
    assert np.all(np.diff(c) > 0)
    assert m.conditional_expected_number_of_purchases_up_to_time(0.0, 3, 20.0, 38.0) == pytest.approx(0, abs=1e-12)
    assert isinstance(m.conditional_probability_alive(1, 2.0, 10.0), float)
    # population mean of conditional expectations ~ unconditional expectation for a new cohort
    assert m.expected_number_of_purchases_up_to_time(39) == pytest.approx(
        m.expected_number_of_purchases_up_to_time(39.0), rel=1e-12)


def test_bgnbd_expected_purchases_closed_form_at_small_t(bgf):
    # E[X(t)] ≈ r t / α for small t (no dropout yet)
    r, alpha = bgf.params_["r"], bgf.params_["alpha"]
    assert bgf.expected_number_of_purchases_up_to_time(1e-4) == pytest.approx(r * 1e-4 / alpha, rel=1e-3)


def test_simulated_bgnbd_p_alive_is_calibrated():
    d = simulate.beta_geo(40.0, 0.5, 5.0, 0.8, 2.5, size=50_000, seed=21)
    m = BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"])
    p = m.conditional_probability_alive(d["frequency"], d["recency"], d["T"])
    rep = d["frequency"] > 0
    assert p[rep].mean() == pytest.approx(d.loc[rep, "alive"].mean(), abs=0.01)


def test_gamma_gamma_without_spend_heterogeneity():
    # identical spend distribution for everyone: the MLE has q, v -> infinity with v/q fixed;
    # the fitter must either say so or give the common mean spend (4) to everyone
    x = np.random.default_rng(5).integers(1, 20, 2000).astype(float)
    m = np.random.default_rng(6).gamma(2.0 * x, 2.0 / x)  # mean of x Gamma(2, scale 2) draws
    try:
        g = GammaGammaFitter().fit(x, m)
    except ModelError as err:
        assert "diverged" in str(err)
    else:
        e = g.conditional_expected_average_profit(x, m)
        assert g.params_["q"] > 50
        assert np.all(np.abs(e - 4.0) < 0.3)
