"""Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV").

A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, v) across
customers, independent of the transaction process. For a customer with x
repeat transactions of mean value m the likelihood is (Hardie, note 025,
eq. 1a)

.. math::

    L = \\frac{\\Gamma(px+q)}{\\Gamma(px)\\Gamma(q)} \\frac{v^q m^{px-1} x^{px}}{(v + xm)^{px+q}}

and the expected mean spend given (x, m) is

.. math::

    E[M | x, m] = \\frac{p (v + x m)}{p x + q - 1}
               = \\frac{q-1}{px+q-1}\\frac{pv}{q-1} + \\frac{px}{px+q-1} m .

``q`` is constrained to exceed 1 so that the population mean spend
``pv/(q-1)`` exists; with that constraint the expected spend is always positive
and finite.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: Using
iso-value curves for customer base analysis. *Journal of Marketing Research*,
42(4), 415-430.

Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://brucehardie.com/notes/025/
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from crmkit.errors import DataError, ModelError
from crmkit.clv._base import ArrayLike, BaseFitter, as_float, wrap_like, unique_rows

__all__ = ["GammaGammaFitter", "SpendFrequencyCorrelationWarning"]

CORRELATION_THRESHOLD = 0.3
# Days, weeks, months, hours per month, as in lifetimes' customer_lifetime_value.
_PERIODS_PER_MONTH = {"W": 4.345, "M": 1.0, "D": 30.0, "H": 30.0 * 24, "h": 30.0 * 24}


class SpendFrequencyCorrelationWarning(UserWarning):
    """Spend per transaction and purchase frequency are correlated (Gamma-Gamma assumes independence)."""


class GammaGammaFitter(BaseFitter):
    """Gamma-Gamma spend model, lifetimes-compatible API.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty ``penalizer_coef * (p² + q² + v²)`` (v in units of the mean spend).

    Attributes
    ----------
    params_ : pandas.Series
        ``p, q, v`` (``v`` in currency units).
    log_likelihood_ : float
        Maximised log-likelihood.
    summary : pandas.DataFrame
        ``coef, se(coef), lower 95% bound, upper 95% bound``.
    spend_frequency_correlation_ : float
        Pearson correlation of frequency and mean spend in the fitted data;
        a :class:`SpendFrequencyCorrelationWarning` is issued when ``|r| > 0.3``.
    """

    _param_names = ("p", "q", "v")
    _time_params = ("v",)  # scaled by the monetary unit instead of time

    def _theta_to_params(self, theta: np.ndarray) -> np.ndarray:
        e = np.exp(theta)
        return np.array([e[0], 1.0 + e[1], e[2]])

    def _dparams_dtheta(self, theta: np.ndarray) -> np.ndarray:
        return np.exp(theta)

    def _params_to_theta(self, params: np.ndarray) -> np.ndarray:
        return np.log([params[0], max(params[1] - 1.0, 1e-8), params[2]])

    def _loglik(self, params: np.ndarray, data: tuple[np.ndarray, ...], grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        p, q, v = params
        x, m = data
        px = p * x
        lxm = np.log(x * m + v)
        ll = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * lxm
        if not grad:
            return ll, None
        dpq = digamma(px + q)
        g = np.empty((x.size, 3))
        g[:, 0] = x * (dpq - digamma(px) + np.log(m) + np.log(x) - lxm)
        g[:, 1] = dpq - digamma(q) + np.log(v) - lxm
        g[:, 2] = q / v - (px + q) / (x * m + v)
        return ll, g

    def fit(
        self,
        frequency: ArrayLike,
        monetary_value: ArrayLike,
        weights: ArrayLike | None = None,
        initial_params: ArrayLike | None = None,
    ) -> "GammaGammaFitter":
        """Fit on repeat customers (frequency > 0, monetary_value > 0).

        Parameters
        ----------
        frequency : array-like
            Number of repeat transactions ``x`` (must be > 0).
        monetary_value : array-like
            Mean value of the repeat transactions ``m`` (must be > 0).
        weights : array-like, optional
            Number of customers per row; default 1.
        initial_params : array-like, optional
            Starting ``(p, q, v)``.

        Returns
        -------
        self

        Raises
        ------
        crmkit.errors.DataError
            Non-positive frequency or spend (select ``frequency > 0`` first).
        crmkit.errors.ModelError
            The likelihood cannot be maximised.

        Warns
        -----
        SpendFrequencyCorrelationWarning
            When |Pearson r(frequency, monetary_value)| > 0.3.
        """
        x, m = np.atleast_1d(as_float(frequency)), np.atleast_1d(as_float(monetary_value))
        if x.shape != m.shape or x.size == 0:
            raise DataError("frequency and monetary_value must be non-empty and of equal length.")
        if not (np.isfinite(x).all() and np.isfinite(m).all()):
            raise DataError("frequency or monetary_value contains NaN or infinite values; drop those customers.")
        if (x <= 0).any() or (m <= 0).any():
            raise DataError(
                f"Gamma-Gamma needs repeat customers with positive spend: {int((x <= 0).sum())} rows have "
                f"frequency <= 0 and {int((m <= 0).sum())} have monetary_value <= 0. "
                "Fit on summary[summary['frequency'] > 0]."
            )
        (ux, um), w = unique_rows(weights, x, m)
        self.spend_frequency_correlation_ = _weighted_corr(ux, um, w)
        if abs(self.spend_frequency_correlation_) > CORRELATION_THRESHOLD:
            warnings.warn(
                f"Spend per transaction and frequency are correlated (Pearson r = {self.spend_frequency_correlation_:.2f}); "
                "the Gamma-Gamma model assumes independence, so its spend estimates may be biased.",
                SpendFrequencyCorrelationWarning, stacklevel=2,
            )
        if ux.size < 2:
            raise ModelError("GammaGammaFitter needs at least two distinct (frequency, monetary_value) rows.")
        scale = 1.0 / float(np.average(um, weights=w))
        starts = [np.log([1.0, 1.0, 1.0]), np.log([4.0, 2.0, 4.0]), np.zeros(3) - 1.0]
        if initial_params is not None:
            p0 = as_float(initial_params).copy()
            p0[2] *= scale
            starts.insert(0, self._params_to_theta(p0))
        theta = self._optimise((ux, um * scale), w, starts)
        self._finish(theta, scale, (ux, um), w)
        return self

    def conditional_expected_average_profit(self, frequency: ArrayLike, monetary_value: ArrayLike) -> Any:
        """E[M | x, m] = p(v + x m) / (px + q - 1); the population mean pv/(q-1) when x = 0.

        Parameters
        ----------
        frequency, monetary_value : array-like
            Repeat transactions and their mean value (m is ignored when x = 0).

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Expected mean spend per transaction, always positive and finite.
        """
        p, q, v = self._unload()
        x, m = as_float(frequency), as_float(monetary_value)
        out = p * (v + x * np.maximum(m, 0.0)) / (p * x + q - 1.0)
        if not np.all(np.isfinite(out)):
            raise ModelError("Expected spend is not finite; check monetary_value for NaN or infinite values.")
        return wrap_like(out, frequency, monetary_value, name="expected_average_profit")

    def customer_lifetime_value(
        self,
        transaction_model: Any,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        monetary_value: ArrayLike,
        time: int = 12,
        discount_rate: float = 0.01,
        freq: str = "D",
    ) -> Any:
        """Discounted expected value over ``time`` months (lifetimes semantics).

        .. math::

            CLV = \\sum_{i=1}^{time} \\frac{E[M|x,m] \\,(E[Y(i f)] - E[Y((i-1) f)])}{(1 + d)^{i}}

        with f the number of ``freq`` units per month (D: 30, W: 4.345, M: 1, H: 720)
        and E[Y(t)] the transaction model's conditional expected purchases.

        Parameters
        ----------
        transaction_model : fitted BetaGeoFitter, ParetoNBDFitter or ModifiedBetaGeoFitter
            Predicts repeat purchases in the unit ``freq``.
        frequency, recency, T, monetary_value : array-like
            Customer summaries (same unit as the transaction model).
        time : int, default 12
            Horizon in months.
        discount_rate : float, default 0.01
            Monthly discount rate.
        freq : str, default "D"
            Unit of T in the transaction model ("D", "W", "M", "H").

        Returns
        -------
        pandas.Series
            CLV per customer (index of ``frequency`` if it is a Series).
        """
        if freq not in _PERIODS_PER_MONTH:
            raise DataError(f"freq must be one of {sorted(_PERIODS_PER_MONTH)} (unit of T), got {freq!r}.")
        factor = _PERIODS_PER_MONTH[freq]
        spend = np.asarray(self.conditional_expected_average_profit(frequency, monetary_value), dtype=float)
        predict = transaction_model.conditional_expected_number_of_purchases_up_to_time
        prev = np.zeros_like(spend)
        clv = np.zeros_like(spend)
        for i in range(1, int(time) + 1):
            cum = np.asarray(predict(i * factor, frequency, recency, T), dtype=float)
            clv += spend * (cum - prev) / (1.0 + discount_rate) ** i
            prev = cum
        index = frequency.index if isinstance(frequency, pd.Series) else None
        return pd.Series(clv, index=index, name="clv")


def _weighted_corr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    if x.size < 2:
        return 0.0
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    cov = np.average((x - mx) * (y - my), weights=w)
    sx, sy = np.sqrt(np.average((x - mx) ** 2, weights=w)), np.sqrt(np.average((y - my) ** 2, weights=w))
    return float(cov / (sx * sy)) if sx > 0 and sy > 0 else 0.0
