"""Shifted-beta-geometric (sBG) model of contract renewal (Fader & Hardie 2007, 2010).

Assumptions: at the end of each period an active customer cancels with
probability θ (constant for the customer), and θ varies across customers as
Beta(α, β). The period T in which a randomly chosen new customer cancels
then follows

.. math::

    P(T = t) = \\frac{B(α + 1, β + t − 1)}{B(α, β)}, \\qquad
    S(t) = P(T > t) = \\frac{B(α, β + t)}{B(α, β)}, \\qquad t = 1, 2, \\dots

and the retention rate of period t (share of those active at t − 1 who renew
at t) rises with t as the high-churn customers leave:

.. math::

    r_t = \\frac{S(t)}{S(t − 1)} = \\frac{β + t − 1}{α + β + t − 1}.

A cohort of n_0 customers with n_t of them still active at the end of periods
t = 1..T contributes the log-likelihood

.. math::

    LL = \\sum_{t=1}^{T} (n_{t−1} − n_t) \\ln P(T = t) + n_T \\ln S(T)

(Fader & Hardie 2007, eq. 7); several cohorts observed for different numbers
of periods add their terms.

The discounted expected residual lifetime of a customer who has renewed n
times (is active at the end of period n), evaluated just before the next
renewal decision, with discount rate d per period, is (Fader & Hardie 2010,
eq. 6, where the same customer is said to have made "n − 1 renewals" at the
start of period n + 1)

.. math::

    DERL(d \\mid α, β, n) = \\sum_{t=n+1}^{∞} \\frac{S(t)}{S(n)} \\frac{1}{(1+d)^{t−n−1}}
      = \\frac{B(α, β + n + 1)}{B(α, β + n)}\\;
        {}_2F_1\\left(1, β + n + 1; α + β + n + 1; \\frac{1}{1+d}\\right),

so the expected residual value of a customer paying a margin m per period is
m × DERL.

References
----------
Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention.
*Journal of Interactive Marketing*, 21(1), 76-90.

Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a
contractual setting: The perils of ignoring heterogeneity. *Marketing
Science*, 29(1), 85-93.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, hyp2f1

from crmkit.clv._base import ArrayLike, BaseFitter, as_float, wrap_like
from crmkit.errors import DataError, ModelError

__all__ = ["ShiftedBetaGeometricFitter", "survivor_matrix"]


def survivor_matrix(survivors: Any) -> np.ndarray:
    """Survivor counts as a (cohorts × periods) float array, NaN after a cohort's last observed period.

    Parameters
    ----------
    survivors : array-like, sequence of sequences or pandas.DataFrame
        One cohort: ``[n_0, n_1, ..., n_T]`` (customers at the start and still
        active at the end of each period). Several cohorts: a 2-d array or a
        frame with one row per cohort (columns t = 0, 1, ...; NaN where not yet
        observed), or a list of 1-d sequences of different lengths.

    Raises
    ------
    crmkit.errors.DataError
        Negative or increasing counts, an empty cohort, a gap inside a row.
    """
    if isinstance(survivors, pd.DataFrame):
        rows = [r.to_numpy(dtype="float64") for _, r in survivors.iterrows()]
    elif isinstance(survivors, pd.Series):
        rows = [survivors.to_numpy(dtype="float64")]
    else:
        arr = survivors
        if len(arr) and np.ndim(arr[0]) == 0:
            rows = [as_float(arr)]
        else:
            rows = [np.atleast_1d(as_float(r)) for r in arr]
    if not rows:
        raise DataError("No survivor counts given; pass [n_0, n_1, ...] per cohort.")
    width = max(len(r) for r in rows)
    out = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):
        obs = np.isfinite(r)
        k = int(obs.sum())
        if k == 0 or not obs[:k].all():
            raise DataError(f"cohort {i}: counts must start at t = 0 and have no gaps (got {list(r)}).")
        r = r[:k]
        if r[0] <= 0:
            raise DataError(f"cohort {i}: the cohort size n_0 must be positive (got {r[0]:g}).")
        if (r < 0).any():
            raise DataError(f"cohort {i}: survivor counts must be non-negative.")
        if (np.diff(r) > 1e-9).any():
            raise DataError(f"cohort {i}: survivor counts must not increase over time (got {list(r)}); "
                            "pass customers still active at the end of each period, not new customers.")
        out[i, :k] = r
    return out


class ShiftedBetaGeometricFitter(BaseFitter):
    """Shifted-beta-geometric model of contract duration (Fader & Hardie 2007).

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty ``penalizer_coef * (α² + β²)`` on the mean negative
        log-likelihood per customer (as the other fitters).

    Attributes
    ----------
    params_ : pandas.Series
        ``alpha, beta`` of the Beta distribution of the per-period churn probability.
    log_likelihood_ : float
        Maximised log-likelihood (sum over customers, without penalty).
    variance_matrix_ : pandas.DataFrame
        Inverse Hessian of the negative log-likelihood.
    summary : pandas.DataFrame
        ``coef, se(coef), lower 95% bound, upper 95% bound``.
    survivors_ : numpy.ndarray
        The (cohorts × periods) survivor counts fitted on.
    n_ : float
        Number of customers (sum of the cohort sizes).

    Examples
    --------
    >>> sbg = ShiftedBetaGeometricFitter().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> sbg.params_.round(3).tolist()
    [0.704, 1.182]
    >>> round(sbg.retention_rate(8), 3)  # doctest: +SKIP
    """

    _param_names = ("alpha", "beta")
    _time_params = ()

    # -- likelihood ----------------------------------------------------------
    def _loglik(self, params: np.ndarray, data: tuple, grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        alpha, beta = params
        t, churned = data
        ab = alpha + beta
        base = betaln(alpha, beta)
        ll = np.where(churned, betaln(alpha + 1, beta + t - 1), betaln(alpha, beta + t)) - base
        if not grad:
            return ll, None
        d_ab, d_abt = digamma(ab), digamma(ab + t)
        g = np.empty((t.size, 2))
        # d ln P/dα = ψ(α+1) − ψ(α) + ψ(α+β) − ψ(α+β+t);  d ln S/dα = ψ(α+β) − ψ(α+β+t)
        g[:, 0] = np.where(churned, 1.0 / alpha, 0.0) + d_ab - d_abt
        # d ln P/dβ = ψ(β+t−1) − ψ(β) + ψ(α+β) − ψ(α+β+t);  d ln S/dβ = ψ(β+t) − ψ(β) + ψ(α+β) − ψ(α+β+t)
        g[:, 1] = np.where(churned, digamma(beta + t - 1), digamma(beta + t)) - digamma(beta) + d_ab - d_abt
        return ll, g

    def fit(self, survivors: Any, initial_params: ArrayLike | None = None) -> "ShiftedBetaGeometricFitter":
        """Fit α and β by maximum likelihood to one or more cohorts' survivor counts.

        Parameters
        ----------
        survivors : array-like, sequence of sequences or pandas.DataFrame
            ``[n_0, n_1, ..., n_T]`` per cohort (see :func:`survivor_matrix`).
        initial_params : array-like, optional
            Starting ``(alpha, beta)``.

        Returns
        -------
        self

        Raises
        ------
        crmkit.errors.DataError
            Invalid counts (negative, increasing, gaps).
        crmkit.errors.ModelError
            The data do not identify the model: nobody churned, nobody renewed,
            or no cohort was observed for two periods.
        """
        S = survivor_matrix(survivors)
        n_periods = np.isfinite(S).sum(axis=1) - 1
        name = type(self).__name__
        if n_periods.max() < 1:
            raise ModelError(f"{name}: every cohort has only its starting size; at least one period end is needed.")
        ts, flags, w = [], [], []
        for row, k in zip(S, n_periods):
            if k < 1:
                continue  # a cohort without a completed period carries no information
            r = row[: k + 1]
            lost = r[:-1] - r[1:]
            ts += list(range(1, k + 1)) + [k]
            flags += [True] * k + [False]
            w += list(lost) + [r[-1]]
        t, churned, w = np.asarray(ts, float), np.asarray(flags, bool), np.asarray(w, float)
        keep = w > 0
        t, churned, w = t[keep], churned[keep], w[keep]
        lost_total = w[churned].sum()
        if lost_total <= 0:
            raise ModelError(f"{name}: no customer churned in the observed periods, so the churn probabilities cannot "
                             "be estimated. Use a longer history or more cohorts.")
        if not (~churned & (t >= 1)).any() and not (churned & (t >= 2)).any():
            raise ModelError(f"{name}: every customer churned in the first period, so nothing shows how retention "
                             "develops. Use more cohorts or check the churn dates.")
        if n_periods.max() < 2:
            raise ModelError(f"{name}: every cohort was observed for one period only; one retention rate cannot "
                             "separate α from β. Use at least two periods (e.g. a shorter period length).")
        data = (t, churned)
        starts = [np.log([1.0, 1.0]), np.log([0.5, 2.0]), np.log([2.0, 0.5])]
        if initial_params is not None:
            starts.insert(0, np.log(as_float(initial_params)))
        try:
            theta = self._optimise(data, w, starts)
        except ModelError:
            raise ModelError(f"{name}: the likelihood has no finite maximum for these survivor counts (retention "
                             "hardly changes or the counts are too few). Add cohorts or periods, or set "
                             "penalizer_coef (e.g. 0.01).") from None
        self._finish(theta, 1.0, data, w)
        self.survivors_ = S
        return self

    # -- predictions -----------------------------------------------------------
    @staticmethod
    def _periods(t: ArrayLike, minimum: int) -> np.ndarray:
        tt = as_float(t)
        if (tt < minimum).any() or (tt != np.round(tt)).any():
            raise DataError(f"t must be whole numbers of periods >= {minimum}.")
        return tt

    def churn_probability(self, t: ArrayLike) -> Any:
        """P(T = t) = B(α + 1, β + t − 1) / B(α, β): a new customer cancels at the end of period t (t ≥ 1)."""
        a, b = self._unload()
        tt = self._periods(t, 1)
        return wrap_like(np.exp(betaln(a + 1, b + tt - 1) - betaln(a, b)), t)

    def survival(self, t: ArrayLike) -> Any:
        """S(t) = B(α, β + t) / B(α, β): a new customer is still active after t periods (t ≥ 0)."""
        a, b = self._unload()
        tt = self._periods(t, 0)
        return wrap_like(np.exp(betaln(a, b + tt) - betaln(a, b)), t)

    def retention_rate(self, t: ArrayLike) -> Any:
        """r_t = (β + t − 1) / (α + β + t − 1): share of those active after t − 1 periods who renew at t (t ≥ 1)."""
        a, b = self._unload()
        tt = self._periods(t, 1)
        return wrap_like((b + tt - 1) / (a + b + tt - 1), t)

    def expected_survivors(self, t: ArrayLike, n0: float = 1.0) -> Any:
        """n_0 S(t): expected customers of a cohort of n_0 still active after t periods."""
        s = self.survival(t)
        return s * float(n0)

    def derl(self, discount_rate: float, n_renewals: ArrayLike = 0, horizon: int | None = None) -> Any:
        """Discounted expected residual lifetime of a customer who has renewed n times (Fader & Hardie 2010).

        ``DERL = B(α, β+n+1)/B(α, β+n) · 2F1(1, β+n+1; α+β+n+1; 1/(1+d))``, the
        closed form of ``Σ_{t>n} S(t)/S(n) (1+d)^−(t−n−1)``: expected number of
        further payments, the next renewal (at the end of the current period)
        undiscounted.

        Parameters
        ----------
        discount_rate : float
            Discount rate d per period (> 0; 0 is allowed with a *horizon*).
        n_renewals : int or array-like, default 0
            Renewals made so far (0: a customer in the first period).
        horizon : int, optional
            Count only the next *horizon* renewals: the first *horizon* terms
            ``Σ_{t=n+1}^{n+horizon}`` of the sum, summed directly.
        """
        a, b = self._unload()
        d = float(discount_rate)
        n = self._periods(n_renewals, 0)
        if horizon is not None:
            if int(horizon) < 1 or not d >= 0:
                raise ValueError("horizon must be >= 1 and discount_rate >= 0.")
            j = np.arange(1, int(horizon) + 1, dtype=float).reshape((-1,) + (1,) * np.ndim(n))
            terms = np.exp(betaln(a, b + n + j) - betaln(a, b + n) - (j - 1) * np.log1p(d))
            return wrap_like(terms.sum(axis=0), n_renewals)
        if not d > 0:
            raise ValueError("discount_rate must be > 0 (the undiscounted residual lifetime may be infinite).")
        bn = b + n
        z = 1.0 / (1.0 + d)
        with np.errstate(all="ignore"):
            f = np.asarray(hyp2f1(1.0, bn + 1, a + bn + 1, z), dtype=float)
        bad = ~np.isfinite(f)
        if bad.any():  # scipy's 2F1 fails for large α, β: sum its series Σ_k (b)_k/(c)_k z^k directly
            f = np.array(f, dtype=float, ndmin=1)
            k = np.arange(int(np.ceil(40.0 / -np.log(z))) + 10)[:, None]
            bb = np.atleast_1d(bn + 1)[np.atleast_1d(bad)][None, :]
            steps = np.log(bb + k) - np.log(a + bb + k) + np.log(z)  # log of term_{k+1} / term_k
            log_terms = np.vstack([np.zeros_like(bb), np.cumsum(steps, axis=0)])
            f[np.atleast_1d(bad)] = np.exp(log_terms).sum(axis=0)
            f = f.reshape(np.shape(bn))
        out = np.exp(betaln(a, bn + 1) - betaln(a, bn)) * f
        return wrap_like(out, n_renewals)

    def residual_value(self, margin: ArrayLike, discount_rate: float, n_renewals: ArrayLike = 0) -> Any:
        """Expected residual value m × DERL(d | α, β, n) of customers paying margin m per period."""
        out = as_float(margin) * as_float(self.derl(discount_rate, n_renewals))
        return wrap_like(out, margin, n_renewals)

    def retention_curve(self, periods: int | Sequence[int]) -> pd.DataFrame:
        """Survival, retention rate and churn probability for t = 1..periods (or the given t), indexed by t."""
        t = np.arange(1, int(periods) + 1) if np.ndim(periods) == 0 else np.asarray(periods)
        return pd.DataFrame({"survival": self.survival(t), "retention_rate": self.retention_rate(t),
                             "churn_probability": self.churn_probability(t)}, index=pd.Index(t, name="t"))

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return "<crmkit.clv.ShiftedBetaGeometricFitter: not fitted>"
        a, b = self.params_
        return f"<crmkit.clv.ShiftedBetaGeometricFitter: fitted on {self.n_:.0f} customers, alpha: {a:.3g}, beta: {b:.3g}>"
