"""sBG contract-duration model: published Fader & Hardie (2007) fits and projections, DERL, degenerate data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import betaln

from crmkit.clv import ShiftedBetaGeometricFitter
from crmkit.errors import DataError, ModelError

# Fader & Hardie (2007), "How to project customer retention", Table 1: 1000 customers at t = 0, years 1-12
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


def sig3(a: float, b: float) -> bool:
    return float(f"{a:.3g}") == float(f"{b:.3g}")


@pytest.mark.parametrize("data, alpha, beta, tol", [(REGULAR, 0.704, 1.182, 0.02), (HIGH_END, 0.668, 3.806, 0.045)])
def test_published_fit_and_projection(data, alpha, beta, tol):
    m = ShiftedBetaGeometricFitter().fit(data[:8])  # years 1-7
    assert sig3(m.params_["alpha"], alpha) and sig3(m.params_["beta"], beta), m.params_
    assert m.n_ == 1000
    # log-likelihood at the optimum by hand (eq. 7) and no better at the published values
    a, b = m.params_
    n = np.asarray(data[:8], float)
    ll = sum((n[t - 1] - n[t]) * (betaln(a + 1, b + t - 1) - betaln(a, b)) for t in range(1, 8)) + n[7] * (
        betaln(a, b + 7) - betaln(a, b))
    assert m.log_likelihood_ == pytest.approx(ll, rel=1e-10)
    other = ShiftedBetaGeometricFitter().fit(data[:8], initial_params=[alpha, beta])
    assert other.log_likelihood_ == pytest.approx(m.log_likelihood_, abs=1e-6)
    # projections for years 8-12: within the deviation of the paper's projection (model underpredicts slightly)
    pred = np.asarray(m.expected_survivors(np.arange(8, 13), 1000))
    actual = np.asarray(data[8:], float)
    assert np.all(np.abs(pred - actual) / actual <= tol), (pred, actual)
    # survival curve from the retention rates: S(t) = prod r_1..r_t
    t = np.arange(1, 13)
    np.testing.assert_allclose(m.survival(t), np.cumprod(m.retention_rate(t)), rtol=1e-12)
    np.testing.assert_allclose(m.churn_probability(t), m.survival(t - 1) - m.survival(t), rtol=1e-10)
    assert m.survival(0) == 1.0
    assert np.all(np.diff(m.retention_rate(t)) > 0)  # retention rises as high-churn customers leave
    s = m.summary
    assert list(s.index) == ["alpha", "beta"] and (s["se(coef)"] > 0).all()


def test_retention_rate_formula():
    m = ShiftedBetaGeometricFitter().fit(REGULAR[:8])
    a, b = m.params_
    assert m.retention_rate(1) == pytest.approx(b / (a + b))
    assert m.retention_rate(5) == pytest.approx((b + 4) / (a + b + 4))
    assert m.churn_probability(1) == pytest.approx(a / (a + b))
    r = m.retention_rate(pd.Series([1, 2, 3], index=list("xyz")))
    assert isinstance(r, pd.Series) and list(r.index) == list("xyz")


@pytest.mark.parametrize("n", [0, 1, 4, 10])
@pytest.mark.parametrize("d", [0.1, 0.02])
def test_derl_closed_form_equals_truncated_sum(n, d):
    m = ShiftedBetaGeometricFitter().fit(HIGH_END[:8])
    a, b = m.params_
    t = np.arange(n + 1, 20000)
    S = lambda k: np.exp(betaln(a, b + k) - betaln(a, b))  # noqa: E731
    direct = np.sum(S(t) / S(n) * np.exp(-(t - n - 1) * np.log1p(d)))
    assert m.derl(d, n) == pytest.approx(direct, rel=1e-8)
    assert m.residual_value(50.0, d, n) == pytest.approx(50.0 * direct, rel=1e-8)


def test_derl_homogeneous_limit():
    """With tiny variance in θ (α, β large, θ = α/(α+β)) DERL → (1−θ)(1+d)/(d+θ) (Fader & Hardie 2010, eq. 2)."""
    m = ShiftedBetaGeometricFitter()
    m.params_ = pd.Series([2e4, 8e4], index=["alpha", "beta"])
    theta, d = 0.2, 0.1
    assert m.derl(d, 0) == pytest.approx((1 - theta) * (1 + d) / (d + theta), rel=1e-3)
    assert m.derl(d, 7) == pytest.approx(m.derl(d, 0), rel=1e-3)  # no heterogeneity: no duration effect
    # the same series where scipy's 2F1 gives up (large α, β), against the direct sum
    m.params_ = pd.Series([200.0, 800.0], index=["alpha", "beta"])
    for n in (0, 3):
        t = np.arange(n + 1, 5000)
        S = np.exp(betaln(200.0, 800.0 + t) - betaln(200.0, 800.0 + n))
        assert m.derl(0.1, n) == pytest.approx(np.sum(S / 1.1 ** (t - n - 1)), rel=1e-10)
    # with heterogeneity, longer-tenured customers are worth more
    h = ShiftedBetaGeometricFitter().fit(REGULAR[:8])
    v = h.derl(0.1, np.arange(6))
    assert np.all(np.diff(v) > 0)


def test_several_cohorts_pool_the_likelihood():
    one = ShiftedBetaGeometricFitter().fit(REGULAR[:8])
    frame = pd.DataFrame([REGULAR[:8], REGULAR[:5] + [np.nan] * 3, HIGH_END[:3] + [np.nan] * 5])
    many = ShiftedBetaGeometricFitter().fit(frame)
    ragged = ShiftedBetaGeometricFitter().fit([REGULAR[:8], REGULAR[:5], HIGH_END[:3]])
    assert many.params_.to_numpy() == pytest.approx(ragged.params_.to_numpy(), rel=1e-6)
    assert many.n_ == 3000
    # pooled log-likelihood = sum of each cohort's log-likelihood at the pooled parameters
    a, b = many.params_
    total = 0.0
    for c in ([*REGULAR[:8]], [*REGULAR[:5]], [*HIGH_END[:3]]):
        n = np.asarray(c, float)
        k = len(n) - 1
        total += sum((n[t - 1] - n[t]) * (betaln(a + 1, b + t - 1) - betaln(a, b)) for t in range(1, k + 1))
        total += n[k] * (betaln(a, b + k) - betaln(a, b))
    assert many.log_likelihood_ == pytest.approx(total, rel=1e-10)
    assert not np.allclose(many.params_, one.params_)


def test_degenerate_data():
    with pytest.raises(ModelError, match="no customer churned"):
        ShiftedBetaGeometricFitter().fit([100, 100, 100, 100])
    with pytest.raises(ModelError, match="first period"):
        ShiftedBetaGeometricFitter().fit([100, 0, 0])
    with pytest.raises(ModelError, match="one period"):
        ShiftedBetaGeometricFitter().fit([[100, 60], [80, 50]])
    with pytest.raises(ModelError, match="period end"):
        ShiftedBetaGeometricFitter().fit([100])
    with pytest.raises(DataError, match="increase"):
        ShiftedBetaGeometricFitter().fit([100, 60, 70])
    with pytest.raises(DataError):
        ShiftedBetaGeometricFitter().fit([0, 0])
    with pytest.raises(ModelError, match="not fitted"):
        ShiftedBetaGeometricFitter().survival(3)
    m = ShiftedBetaGeometricFitter().fit(REGULAR[:8])
    with pytest.raises(ValueError):
        m.derl(0.0)
    with pytest.raises(DataError):
        m.retention_rate(0)


def test_derl_over_a_horizon():
    """The first H terms of the DERL sum, summed directly; long horizons tend to the closed form."""
    m = ShiftedBetaGeometricFitter().fit(REGULAR[:8])
    a, b = m.params_
    n = np.array([0, 3, 9])
    for H in (1, 12):
        j = np.arange(1, H + 1)[:, None]
        direct = (np.exp(betaln(a, b + n + j) - betaln(a, b + n)) / 1.1 ** (j - 1)).sum(axis=0)
        np.testing.assert_allclose(m.derl(0.1, n, horizon=H), direct, rtol=1e-12)
    assert m.derl(0.1, 0, horizon=1) == pytest.approx(m.retention_rate(1))  # the next renewal, undiscounted
    np.testing.assert_allclose(m.derl(0.1, n, horizon=2000), m.derl(0.1, n), rtol=1e-9)
    assert m.derl(0.0, 2, horizon=5) == pytest.approx(float(m.survival(np.arange(3, 8)).sum() / m.survival(2)))
    with pytest.raises(ValueError):
        m.derl(0.1, 0, horizon=0)
