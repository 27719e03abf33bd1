"""Pareto/NBD transaction model (Schmittlein, Morrison & Colombo 1987).

While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
the lifetime is exponential with rate μ ~ Gamma(s, β). The likelihood of
(x, t_x, T) is (Fader, Hardie & Lee 2005, note 009, eq. 18-20)

.. math::

    L = \\frac{\\Gamma(r+x)\\alpha^r\\beta^s}{\\Gamma(r)}
        \\left[\\frac{1}{(\\alpha+T)^{r+x}(\\beta+T)^s} + \\frac{s}{r+s+x} A_0\\right]

with, for α ≥ β,

.. math::

    A_0 = \\frac{{}_2F_1(r+s+x, s+1; r+s+x+1; \\frac{\\alpha-\\beta}{\\alpha+t_x})}{(\\alpha+t_x)^{r+s+x}}
        - \\frac{{}_2F_1(r+s+x, s+1; r+s+x+1; \\frac{\\alpha-\\beta}{\\alpha+T})}{(\\alpha+T)^{r+s+x}}

and, for α < β, the same with α and β swapped and ``s + 1`` replaced by
``r + x``. ``A_0 / (r+s+x) = \\int_{t_x}^{T} (\\alpha+\\tau)^{-(r+x)} (\\beta+\\tau)^{-(s+1)} d\\tau``
is evaluated in log space (difference of the two terms with ``log1p``).

References
----------
Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting your
customers: Who are they and what will they do next? *Management Science*,
33(1), 1-24.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). A note on deriving the
Pareto/NBD model and related expressions. http://brucehardie.com/notes/009/
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaln, hyp2f1

from crmkit.clv._base import ArrayLike, Groups, RFMFitter, as_float, wrap_like, groups_of

__all__ = ["ParetoNBDFitter"]


def _log_hyp_term(a: np.ndarray, b: Any, z: np.ndarray) -> np.ndarray:
    """log 2F1(a, b; a+1; z), falling back to Euler's transformation on overflow."""
    with np.errstate(all="ignore"):
        direct = np.log(hyp2f1(a, b, a + 1.0, z))
        bad = ~np.isfinite(direct)
        if bad.any():
            a_, b_, z_ = (np.broadcast_to(v, direct.shape)[bad] for v in (a, b, z))
            direct[bad] = np.log(hyp2f1(1.0, a_ + 1.0 - b_, a_ + 1.0, z_)) + (1.0 - b_) * np.log1p(-z_)
    return direct


def _log_term(r: float, alpha: float, s: float, beta: float, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """One of the two terms of log A_0: log 2F1(...; (|α-β|)/(max+t)) - (r+s+x) log(max+t)."""
    if alpha >= beta:
        big, b2 = alpha, s + 1.0 + 0.0 * x
    else:
        big, b2 = beta, r + x
    rsx = r + s + x
    q = big + t
    return _log_hyp_term(rsx, b2, abs(alpha - beta) / q) - rsx * np.log(q)


def _log_A0(r: float, alpha: float, s: float, beta: float, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> np.ndarray:
    """log A_0 (note 009 eq. 19-20); -inf when t_x == T.

    For 1-D histories the two hypergeometric terms are evaluated once per
    distinct (x, t_x) and (x, T) pair, which are far fewer than the customers
    (and than the distinct triples) in real data.
    """
    if np.ndim(x) == 1 and np.ndim(tx) == 1 and np.ndim(T) == 1 and x.shape == tx.shape == T.shape and x.size > 256:
        G = Groups(x, tx, T)
        l1 = _log_term(r, alpha, s, beta, x[G.xtx_f], tx[G.xtx_f])[G.xtx_i]
        l2 = _log_term(r, alpha, s, beta, x[G.xT_f], T[G.xT_f])[G.xT_i]
    else:
        l1 = _log_term(r, alpha, s, beta, x, tx)
        l2 = _log_term(r, alpha, s, beta, x, T)
    with np.errstate(divide="ignore", invalid="ignore"):
        return l1 + np.log(-np.expm1(np.minimum(l2 - l1, 0.0)))


def _pnbd_terms(p: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(log of the leading factor, log of the 'alive at T' term, log of the 'died in (t_x, T]' term)."""
    r, alpha, s, beta = p
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    died = np.log(s) - np.log(r + s + x) + _log_A0(r, alpha, s, beta, x, tx, T)
    return A1, alive, died


def _pnbd_ll(p: np.ndarray, data: tuple) -> np.ndarray:
    """Per-row log-likelihood; terms in (x, t_x) and (x, T) are computed once per distinct pair."""
    r, alpha, s, beta = p
    x, tx, T, G = groups_of(data)
    xu = G.x_u
    A1 = (gammaln(r + xu) - gammaln(r) + r * np.log(alpha) + s * np.log(beta) + np.log(s) - np.log(r + s + xu))[G.x_i]
    l1 = _log_term(r, alpha, s, beta, x[G.xtx_f], tx[G.xtx_f])[G.xtx_i]
    xT, TT = x[G.xT_f], T[G.xT_f]
    l2 = _log_term(r, alpha, s, beta, xT, TT)[G.xT_i]
    alive_p = -(r + xT) * np.log(alpha + TT) - s * np.log(beta + TT)
    with np.errstate(divide="ignore", invalid="ignore"):
        died = l1 + np.log(-np.expm1(np.minimum(l2 - l1, 0.0)))  # + log s - log(r+s+x), folded into A1
    alive = alive_p[G.xT_i] - np.log(s) + np.log(r + s + x)
    return A1 + np.logaddexp(alive, died)


class ParetoNBDFitter(RFMFitter):
    """Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), lifetimes-compatible API.

    The likelihood uses the Gauss hypergeometric function with the standard
    α ≥ β / α < β switch; the gradient over log-parameters is a vectorised
    finite difference, forward while optimising and central for the Hessian
    (scipy's ``hyp2f1`` has no parameter derivatives). Terms in (x, t_x) and
    (x, T) are evaluated once per distinct pair.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty on the parameters (internal time scale), as in lifetimes.

    Attributes
    ----------
    params_ : pandas.Series
        ``r, alpha, s, beta`` (``alpha`` and ``beta`` in the unit of T).
    log_likelihood_ : float
        Maximised log-likelihood (sum over customers, without penalty).
    variance_matrix_ : pandas.DataFrame
        Inverse Hessian of the negative log-likelihood in natural parameters.
    summary : pandas.DataFrame
        ``coef, se(coef), lower 95% bound, upper 95% bound``.
    """

    _param_names = ("r", "alpha", "s", "beta")
    _time_params = ("alpha", "beta")
    _default_start = (0.0, 0.0, 0.0, 0.0)
    _central = False

    def _loglik(self, params: np.ndarray, data: tuple[np.ndarray, ...], grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        data = groups_of(data)
        x = data[0]
        with np.errstate(all="ignore"):
            ll = _pnbd_ll(params, data)
            if not grad:
                return ll, None
            g = np.empty((x.size, 4))
            for j in range(4):
                up, dn = params.copy(), params.copy()
                if self._central:  # for the Hessian: O(h²) error
                    h = 1e-5 * params[j]
                    up[j] += h
                    dn[j] -= h
                    g[:, j] = (_pnbd_ll(up, data) - _pnbd_ll(dn, data)) / (2 * h)
                else:  # while optimising: forward difference, half the cost
                    h = 1e-7 * params[j]
                    up[j] += h
                    g[:, j] = (_pnbd_ll(up, data) - ll) / h
        return ll, g

    def _variance(self, *args: Any, **kwargs: Any) -> Any:
        self._central = True
        try:
            return super()._variance(*args, **kwargs)
        finally:
            self._central = False

    def conditional_probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) (α+T)^{r+x} (β+T)^s A_0) (note 009 eq. 36-37).

        Parameters
        ----------
        frequency, recency, T : array-like
            Customer histories in the unit used for fitting.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Probabilities in [0, 1].
        """
        p = self._unload()
        x, tx, T_ = np.broadcast_arrays(*(np.atleast_1d(as_float(v)) for v in (frequency, recency, T)))
        with np.errstate(all="ignore"):
            _, alive, died = _pnbd_terms(p, x, tx, T_)
            out = np.exp(alive - np.logaddexp(alive, died))
        if np.ndim(frequency) == 0 and np.ndim(recency) == 0 and np.ndim(T) == 0:
            out = out[0]
        return wrap_like(out, frequency, recency, T, name="p_alive")

    def expected_number_of_purchases_up_to_time(self, t: ArrayLike) -> Any:
        """E[X(t)] = rβ / (α(s-1)) [1 - (β/(β+t))^{s-1}] (note 009 eq. 27; limit rβ/α ln(1+t/β) at s = 1).

        Parameters
        ----------
        t : array-like
            Time since first purchase, in the fitted unit.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
        """
        r, alpha, s, beta = self._unload()
        t_ = as_float(t)
        out = r * beta / alpha * _one_minus_pow_over(np.log(beta / (beta + t_)), s - 1.0)
        return wrap_like(out, t, name="expected_purchases")

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> Any:
        """E[Y(t) | x, t_x, T] = P(alive) (r+x)(β+T) / ((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^{s-1}] (note 009 eq. 41).

        Parameters
        ----------
        t : array-like
            Forecast horizon.
        frequency, recency, T : array-like
            Customer histories.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
        """
        r, alpha, s, beta = self._unload()
        t_, x, T_ = as_float(t), as_float(frequency), as_float(T)
        p_alive = np.asarray(self.conditional_probability_alive(frequency, recency, T))
        rate = (r + x) * (beta + T_) / (alpha + T_)
        out = p_alive * rate * _one_minus_pow_over(np.log((beta + T_) / (beta + T_ + t_)), s - 1.0)
        return wrap_like(out, frequency, recency, T, t, name="expected_purchases")


def _one_minus_pow_over(log_q: Any, k: float) -> np.ndarray:
    """(1 - q^k) / k computed stably, -log q when k == 0."""
    if abs(k) < 1e-12:
        return -np.asarray(log_q)
    return -np.expm1(k * np.asarray(log_q)) / k
