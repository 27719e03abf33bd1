"""BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam et al. 2007) transaction models.

BG/NBD assumptions: while active, a customer buys as a Poisson process with
rate λ ~ Gamma(r, α); after each repeat purchase they drop out with
probability p ~ Beta(a, b). With x repeat purchases, the last at t_x, and
observation time T, the likelihood is

.. math::

    L = \\frac{B(a, b+x)}{B(a, b)} \\frac{\\Gamma(r+x) \\alpha^r}{\\Gamma(r)} (\\alpha+T)^{-(r+x)}
      + \\delta_{x>0} \\frac{B(a+1, b+x-1)}{B(a, b)} \\frac{\\Gamma(r+x) \\alpha^r}{\\Gamma(r)} (\\alpha+t_x)^{-(r+x)}

evaluated in log space (``gammaln``, ``betaln``, ``logaddexp``) with an
analytic gradient.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers"
the easy way: An alternative to the Pareto/NBD model. *Marketing Science*,
24(2), 275-284.

Batislam, E. P., Denizel, M. & Filiztekin, A. (2007). Empirical validation and
comparison of models for customer base analysis. *International Journal of
Research in Marketing*, 24(3), 201-209.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from crmkit.clv._base import ArrayLike, RFMFitter, as_float, wrap_like, groups_of

__all__ = ["BetaGeoFitter", "ModifiedBetaGeoFitter"]


def _log_hyp2f1(a: Any, b: Any, c: Any, z: Any) -> np.ndarray:
    """log 2F1(a, b; c; z) for 0 <= z < 1, with Euler's transformation when the series overflows."""
    with np.errstate(all="ignore"):
        direct = np.log(hyp2f1(a, b, c, z))
        euler = np.log(hyp2f1(c - a, c - b, c, z)) + (c - a - b) * np.log1p(-z)
    return np.where(np.isfinite(direct), direct, euler)


class BetaGeoFitter(RFMFitter):
    """BG/NBD model (Fader, Hardie & Lee 2005), lifetimes-compatible API.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters (internal time scale), as in lifetimes.

    Attributes
    ----------
    params_ : pandas.Series
        ``r, alpha, a, b`` (``alpha`` in the unit of T).
    log_likelihood_ : float
        Maximised log-likelihood (sum over customers, without penalty).
    variance_matrix_ : pandas.DataFrame
        Inverse Hessian of the negative log-likelihood in natural parameters.
    summary : pandas.DataFrame
        ``coef, se(coef), lower 95% bound, upper 95% bound``.

    Examples
    --------
    >>> from crmkit.clv import BetaGeoFitter, simulate
    >>> d = simulate.beta_geo(T=52, r=0.25, alpha=4, a=0.8, b=2.5, size=2000, seed=1)
    >>> bgf = BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"])
    >>> bgf.conditional_expected_number_of_purchases_up_to_time(10, 2, 30, 52)  # doctest: +SKIP
    """

    _param_names = ("r", "alpha", "a", "b")
    _time_params = ("alpha",)
    _default_start = (np.log(0.5), 0.0, 0.0, np.log(2.0))
    _modified = False

    def _loglik(self, params: np.ndarray, data: tuple, grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        r, alpha, a, b = params
        x, tx, T, G = groups_of(data)
        m = 1.0 if self._modified else 0.0  # MBG/NBD: dropout also possible right after the first purchase
        # terms in x only, on the distinct x values
        xu = G.x_u
        AX = gammaln(r + xu) - gammaln(r) + r * np.log(alpha) + betaln(a, b + xu + m) - betaln(a, b)
        bx1_u = b + np.maximum(xu, 1 - m) - 1 + m  # b + x - 1 (BG) or b + x (MBG)
        # terms in (x, T) and (x, t_x), on the distinct pairs
        la_T_p = np.log(alpha + T[G.xT_f])
        A3 = (-(r + x[G.xT_f]) * la_T_p)[G.xT_i]
        x2 = x[G.xtx_f]
        la_tx_p = np.log(alpha + tx[G.xtx_f])
        A4_p = np.log(a) - np.log(b + np.maximum(x2, 1 - m) - 1 + m) - (r + x2) * la_tx_p
        if not self._modified:
            A4_p = np.where(x2 > 0, A4_p, -np.inf)
        A4 = A4_p[G.xtx_i]
        L = np.logaddexp(A3, A4)
        ll = AX[G.x_i] + L
        if not grad:
            return ll, None
        pu = np.exp(A3 - L)
        pw = np.exp(A4 - L)
        ps = digamma(a + b + xu + m)
        dr_x = (digamma(r + xu) - digamma(r) + np.log(alpha))[G.x_i]
        da_x = (digamma(a + b) - ps)[G.x_i]
        db_x = (digamma(b + xu + m) - ps - digamma(b) + digamma(a + b))[G.x_i]
        rx = r + x
        g = np.empty((x.size, 4))
        g[:, 0] = dr_x - pu * la_T_p[G.xT_i] - pw * la_tx_p[G.xtx_i]
        g[:, 1] = r / alpha - rx * (pu / (alpha + T) + pw / (alpha + tx))
        g[:, 2] = da_x + pw / a
        g[:, 3] = db_x - pw / bx1_u[G.x_i]
        return ll, g

    def conditional_probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x-1) ((α+T)/(α+t_x))^{r+x}).

        Equals 1 for customers without repeat purchases (BG/NBD).

        Parameters
        ----------
        frequency, recency, T : array-like
            Customer histories in the unit used for fitting.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Probabilities in [0, 1].
        """
        r, alpha, a, b = self._unload()
        x, tx, T_ = as_float(frequency), as_float(recency), as_float(T)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_div = (r + x) * np.log((alpha + T_) / (alpha + tx)) + np.log(a / (b + np.maximum(x, 1) - 1))
            p = np.where(x == 0, 1.0, expit(-log_div))
        return wrap_like(p, frequency, recency, T, name="p_alive")

    def expected_number_of_purchases_up_to_time(self, t: ArrayLike) -> Any:
        """E[X(t)] = (a+b-1)/(a-1) [1 - (α/(α+t))^r 2F1(r, b; a+b-1; t/(α+t))] (FHL 2005 eq. 9).

        Parameters
        ----------
        t : array-like
            Time since first purchase, in the fitted unit.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Expected repeat purchases of a new customer.
        """
        r, alpha, a, b = self._unload()
        t_ = as_float(t)
        z = t_ / (alpha + t_)
        log_h = _log_hyp2f1(r, b, a + b - 1, z) + r * np.log(alpha / (alpha + t_))
        out = (a + b - 1) / (a - 1) * -np.expm1(log_h)
        return wrap_like(out, t, name="expected_purchases")

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> Any:
        """E[Y(t) | x, t_x, T] (FHL 2005 eq. 10).

        .. math::

            \\frac{\\frac{a+b+x-1}{a-1}\\left[1 - \\left(\\frac{\\alpha+T}{\\alpha+T+t}\\right)^{r+x}
            {}_2F_1\\left(r+x, b+x; a+b+x-1; \\frac{t}{\\alpha+T+t}\\right)\\right]}
            {1 + \\delta_{x>0} \\frac{a}{b+x-1} \\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}}

        Parameters
        ----------
        t : array-like
            Forecast horizon, in the fitted unit.
        frequency, recency, T : array-like
            Customer histories.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Expected repeat purchases in (T, T + t].
        """
        r, alpha, a, b = self._unload()
        t_, x, tx, T_ = (as_float(v) for v in (t, frequency, recency, T))
        z = t_ / (alpha + T_ + t_)
        log_h = _log_hyp2f1(r + x, b + x, a + b + x - 1, z) + (r + x) * np.log((alpha + T_) / (alpha + T_ + t_))
        num = (a + b + x - 1) / (a - 1) * -np.expm1(log_h)
        with np.errstate(divide="ignore", invalid="ignore"):
            den = 1 + np.where(x > 0, a / (b + np.maximum(x, 1) - 1) * np.exp((r + x) * np.log((alpha + T_) / (alpha + tx))), 0.0)
        return wrap_like(num / den, frequency, recency, T, t, name="expected_purchases")


class ModifiedBetaGeoFitter(BetaGeoFitter):
    """MBG/NBD model (Batislam, Denizel & Filiztekin 2007): dropout is also possible at time 0.

    The likelihood replaces B(a, b+x) by B(a, b+x+1) and adds the dropout term for
    every customer, including those without repeat purchases:

    .. math::

        L = \\frac{\\Gamma(r+x)\\alpha^r}{\\Gamma(r)} \\left[\\frac{B(a, b+x+1)}{B(a,b)} (\\alpha+T)^{-(r+x)}
          + \\frac{B(a+1, b+x)}{B(a,b)} (\\alpha+t_x)^{-(r+x)}\\right]

    Parameters and attributes are those of :class:`BetaGeoFitter`.
    """

    _modified = True

    def conditional_probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^{r+x}).

        Parameters
        ----------
        frequency, recency, T : array-like
            Customer histories.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
        """
        r, alpha, a, b = self._unload()
        x, tx, T_ = as_float(frequency), as_float(recency), as_float(T)
        log_div = (r + x) * np.log((alpha + T_) / (alpha + tx)) + np.log(a / (b + x))
        return wrap_like(expit(-log_div), frequency, recency, T, name="p_alive")

    def expected_number_of_purchases_up_to_time(self, t: ArrayLike) -> Any:
        """E[X(t)] = b/(a-1) [1 - (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))].

        Parameters
        ----------
        t : array-like

        Returns
        -------
        float, numpy.ndarray or pandas.Series
        """
        r, alpha, a, b = self._unload()
        t_ = as_float(t)
        log_h = _log_hyp2f1(r, b + 1, a + b, t_ / (alpha + t_)) + r * np.log(alpha / (alpha + t_))
        return wrap_like(b / (a - 1) * -np.expm1(log_h), t, name="expected_purchases")

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> Any:
        """E[Y(t) | x, t_x, T] for MBG/NBD (Batislam et al. 2007, appendix).

        Parameters
        ----------
        t : array-like
        frequency, recency, T : array-like

        Returns
        -------
        float, numpy.ndarray or pandas.Series
        """
        r, alpha, a, b = self._unload()
        t_, x, tx, T_ = (as_float(v) for v in (t, frequency, recency, T))
        log_h = _log_hyp2f1(r + x, b + x + 1, a + b + x, t_ / (alpha + T_ + t_)) + (r + x) * np.log(
            (alpha + T_) / (alpha + T_ + t_))
        num = (a + b + x) / (a - 1) * -np.expm1(log_h)
        den = 1 + a / (b + x) * np.exp((r + x) * np.log((alpha + T_) / (alpha + tx)))
        return wrap_like(num / den, frequency, recency, T, t, name="expected_purchases")
