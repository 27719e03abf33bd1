"""Shared machinery of the CLV fitters: input checks, optimisation, standard errors.

Each model supplies its parameter names and a vectorised per-row
log-likelihood with its gradient in natural parameters; this base class
turns that into a weighted, penalised maximum-likelihood fit over
log-parameters with L-BFGS-B, a numerical Hessian for standard errors, and the
lifelines-style ``params_`` / ``summary`` attributes.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from crmkit.errors import DataError, ModelError

ArrayLike = Any  # scalar, sequence, numpy array or pandas Series

_LOG_BOUND = 18.0  # |log parameter| beyond this (about 6.6e7) means the fit diverged


def wrap_like(values: np.ndarray, *inputs: Any, name: str | None = None) -> Any:
    """Return a Series indexed like the first Series input, a float for scalars, else an array."""
    for inp in inputs:
        if isinstance(inp, pd.Series) and np.ndim(values) == 1 and len(inp) == len(values):
            return pd.Series(values, index=inp.index, name=name)
    if np.ndim(values) == 0:
        return float(values)
    return values


def as_float(a: ArrayLike) -> np.ndarray:
    return np.asarray(a, dtype="float64")


def check_rfm(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate (frequency, recency, T) as lifetimes does; raise DataError naming the problem."""
    x, tx, T = (np.atleast_1d(as_float(v)) for v in (frequency, recency, T))
    if not (x.shape == tx.shape == T.shape) or x.ndim != 1:
        raise DataError(f"frequency, recency and T must be 1-d and of equal length (got {x.shape}, {tx.shape}, {T.shape}).")
    if x.size == 0:
        raise DataError("frequency, recency and T are empty; there is nothing to fit.")
    for name, v in (("frequency", x), ("recency", tx), ("T", T)):
        if not np.isfinite(v).all():
            raise DataError(f"{name} contains NaN or infinite values ({int((~np.isfinite(v)).sum())} rows); drop them.")
        if (v < 0).any():
            raise DataError(f"{name} contains negative values ({int((v < 0).sum())} rows).")
    if (x != np.round(x)).any():
        raise DataError("frequency must be whole numbers of repeat purchase periods.")
    if (tx > T * (1 + 1e-12)).any():
        raise DataError(f"recency exceeds T for {int((tx > T).sum())} customers; recency and T must share a time unit.")
    if (tx[x == 0] != 0).any():
        raise DataError("customers with frequency 0 must have recency 0 (found non-zero recency).")
    return x, tx, T


def _factorize(*cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of identical rows of ``cols`` (hash-based, in order of first appearance) and first-occurrence rows."""
    key = np.zeros(cols[0].shape[0], dtype="int64")
    for c in cols:
        codes, uniq = pd.factorize(c)
        key, _ = pd.factorize(key * len(uniq) + codes)  # re-compacted, so the key never overflows
    running_max = np.maximum.accumulate(key)
    first = np.flatnonzero(np.r_[True, running_max[1:] > running_max[:-1]])
    return key, first


def unique_rows(weights: ArrayLike | None, *cols: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Collapse identical rows of ``cols``, summing ``weights`` (default 1 per row)."""
    n = cols[0].shape[0]
    w = np.ones(n) if weights is None else as_float(weights)
    if w.shape != (n,) or (w < 0).any() or not np.isfinite(w).all():
        raise DataError("weights must be non-negative, finite and one per customer.")
    codes, first = _factorize(*cols)
    counts = np.bincount(codes, weights=w, minlength=first.shape[0])
    keep = counts > 0
    return [c[first[keep]] for c in cols], counts[keep]


class Groups:
    """Indices of the distinct x, (x, t_x) and (x, T) values of an RFM data set.

    Likelihood terms that depend on fewer than all three columns are evaluated
    once per distinct value and gathered, which saves most special-function calls.
    ``*_i`` map rows to distinct values, ``*_f`` are the rows where each distinct
    value first occurs (so the groups stay valid when t_x and T are rescaled).
    """

    def __init__(self, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> None:
        self.x_u, self.x_i = np.unique(x, return_inverse=True)
        self.xtx_i, self.xtx_f = _factorize(x, tx)
        self.xT_i, self.xT_f = _factorize(x, T)


def groups_of(data: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray, Groups]:
    """(x, t_x, T, Groups) from a 3- or 4-tuple."""
    if len(data) == 4:
        return data  # type: ignore[return-value]
    x, tx, T = data
    return x, tx, T, Groups(x, tx, T)


class BaseFitter:
    """Base class: configuration in the constructor, ``fit`` returns self, results in ``*_``.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        Coefficient of an L2 penalty ``penalizer_coef * sum(params**2)`` added to
        the mean negative log-likelihood (parameters in the internal time scale,
        as in lifetimes). Small values (0.001-0.1) stabilise fits on sparse data.
    """

    _param_names: tuple[str, ...] = ()
    _time_params: tuple[str, ...] = ()  # parameters measured in time units (scale with T)

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = float(penalizer_coef)

    # -- model hooks -------------------------------------------------------
    def _loglik(self, params: np.ndarray, data: tuple[np.ndarray, ...], grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """Per-row log-likelihood and (rows x params) gradient in natural parameters."""
        raise NotImplementedError

    def _theta_to_params(self, theta: np.ndarray) -> np.ndarray:
        return np.exp(theta)

    def _dparams_dtheta(self, theta: np.ndarray) -> np.ndarray:
        return np.exp(theta)

    def _params_to_theta(self, params: np.ndarray) -> np.ndarray:
        return np.log(params)

    # -- fitting -----------------------------------------------------------
    def _objective(self, data: tuple[np.ndarray, ...], w: np.ndarray) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
        wsum = w.sum()
        pen = self.penalizer_coef

        def f(theta: np.ndarray) -> tuple[float, np.ndarray]:
            params = self._theta_to_params(theta)
            ll, g = self._loglik(params, data, True)
            value = -np.einsum("i,i->", w, ll) / wsum + pen * np.sum(params**2)
            gnat = -np.einsum("i,ij->j", w, g) / wsum + 2 * pen * params
            if not np.isfinite(value):
                return np.inf, np.zeros_like(theta)
            return float(value), gnat * self._dparams_dtheta(theta)

        return f

    def _optimise(self, data: tuple[np.ndarray, ...], w: np.ndarray, starts: list[np.ndarray]) -> np.ndarray:
        f = self._objective(data, w)
        best = last = None
        for x0 in starts:
            with np.errstate(all="ignore"):
                res = minimize(f, x0, jac=True, method="L-BFGS-B",
                               bounds=[(-_LOG_BOUND - 2, _LOG_BOUND + 2)] * len(x0),
                               options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-8})
            last = res
            ok = np.isfinite(res.fun) and (res.success or np.max(np.abs(res.jac)) < 1e-5)
            if ok and (best is None or res.fun < best.fun):
                best = res
            if ok and np.all(np.abs(res.x) < _LOG_BOUND):
                break
        name = type(self).__name__
        if best is None and last is not None and np.isfinite(last.fun) and np.any(np.abs(last.x) >= _LOG_BOUND):
            best = last  # report the divergence below
        if best is None:
            raise ModelError(
                f"{name} did not converge. Try penalizer_coef=0.001 (or larger), rescaling T (e.g. weeks instead of "
                "days), initial_params, or more customers with repeat purchases."
            )
        if np.any(np.abs(best.x) >= _LOG_BOUND):
            params = dict(zip(self._param_names, self._theta_to_params(best.x)))
            raise ModelError(
                f"{name} fit diverged (parameters {params}): the data do not identify the model, typically because "
                "too few customers made repeat purchases. Add data, use a longer calibration period, or set "
                "penalizer_coef (e.g. 0.01)."
            )
        return best.x

    def _finish(self, theta: np.ndarray, scale: float, data_raw: tuple[np.ndarray, ...], w: np.ndarray) -> None:
        """Store params_, log_likelihood_, standard errors on the caller's time scale."""
        params = self._theta_to_params(theta).copy()
        time_idx = [self._param_names.index(p) for p in self._time_params]
        params[time_idx] /= scale
        with np.errstate(all="ignore"):
            ll = float(w @ self._loglik(params, data_raw, False)[0])
        if not np.isfinite(ll):
            raise ModelError(f"{type(self).__name__}: the log-likelihood at the optimum is not finite; rescale T or set penalizer_coef.")
        self.params_ = pd.Series(params, index=list(self._param_names), name="coef")
        self.log_likelihood_ = ll
        self.n_ = float(w.sum())
        self.variance_matrix_ = self._variance(params, scale, data_raw, w)

    def _variance(self, params: np.ndarray, scale: float, data_raw: tuple[np.ndarray, ...], w: np.ndarray) -> pd.DataFrame:
        """Inverse of a central-difference Hessian of the total (penalised) negative log-likelihood."""
        k = len(params)
        pscale = np.ones(k)
        pscale[[self._param_names.index(p) for p in self._time_params]] = scale
        pen = self.penalizer_coef * w.sum()

        def grad(p: np.ndarray) -> np.ndarray:
            return -(w @ self._loglik(p, data_raw, True)[1]) + 2 * pen * p * pscale**2

        H = np.empty((k, k))
        for j in range(k):
            h = 1e-5 * params[j]
            e = np.zeros(k)
            e[j] = h
            with np.errstate(all="ignore"):
                H[:, j] = (grad(params + e) - grad(params - e)) / (2 * h)
        H = (H + H.T) / 2
        try:
            cov = np.linalg.inv(H)
            if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            cov = np.full((k, k), np.nan)
        return pd.DataFrame(cov, index=list(self._param_names), columns=list(self._param_names))

    # -- results -----------------------------------------------------------
    def _unload(self) -> np.ndarray:
        if not hasattr(self, "params_"):
            raise ModelError(f"{type(self).__name__} is not fitted yet; call .fit(...) first.")
        return self.params_.to_numpy()

    @property
    def standard_errors_(self) -> pd.Series:
        """Standard errors of ``params_`` (square roots of the variance matrix diagonal)."""
        self._unload()
        return pd.Series(np.sqrt(np.diag(self.variance_matrix_.to_numpy())), index=self.params_.index, name="se(coef)")

    @property
    def summary(self) -> pd.DataFrame:
        """Estimates with standard errors and Wald 95 % bounds (``coef, se(coef), lower/upper 95% bound``)."""
        se = self.standard_errors_
        return pd.DataFrame(
            {"coef": self.params_, "se(coef)": se,
             "lower 95% bound": self.params_ - 1.96 * se, "upper 95% bound": self.params_ + 1.96 * se}
        )

    def __repr__(self) -> str:
        name = type(self).__name__
        if not hasattr(self, "params_"):
            return f"<crmkit.clv.{name}: not fitted>"
        ps = ", ".join(f"{k}: {v:.3g}" for k, v in self.params_.items())
        return f"<crmkit.clv.{name}: fitted on {self.n_:.0f} customers, {ps}>"


class RFMFitter(BaseFitter):
    """Base class of the transaction models fitted on (frequency, recency, T)."""

    _default_start: tuple[float, ...] = ()

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        weights: ArrayLike | None = None,
        initial_params: ArrayLike | None = None,
    ) -> "RFMFitter":
        """Fit by maximum likelihood.

        Parameters
        ----------
        frequency : array-like
            Number of repeat purchase periods ``x``.
        recency : array-like
            Time between first and last purchase ``t_x``.
        T : array-like
            Time between first purchase and the end of observation.
        weights : array-like, optional
            Number of customers with each row's (x, t_x, T); default 1.
        initial_params : array-like, optional
            Starting values in natural parameters and the caller's time unit.

        Returns
        -------
        self
            With ``params_``, ``log_likelihood_``, ``variance_matrix_`` and ``summary``.

        Raises
        ------
        crmkit.errors.DataError
            Invalid inputs (negative values, recency > T, ...).
        crmkit.errors.ModelError
            The likelihood cannot be maximised (degenerate data, divergence).
        """
        x, tx, T = check_rfm(frequency, recency, T)
        (ux, utx, uT), w = unique_rows(weights, x, tx, T)
        name = type(self).__name__
        if w.sum() <= 0:
            raise ModelError(f"{name}: all weights are zero; there is nothing to fit.")
        if uT.max() <= 0:
            raise ModelError(f"{name}: every customer has T = 0 (no time observed after the first purchase); "
                             "use a later observation_period_end.")
        if not (ux > 0).any():
            raise ModelError(f"{name}: no customer made a repeat purchase (all frequencies are 0), so purchase and "
                             "dropout rates cannot be separated. Use a longer calibration period or more customers.")
        scale = 1.0 / uT.max()
        groups = Groups(ux, utx, uT)
        data = (ux, utx * scale, uT * scale, groups)
        starts = [np.array(self._default_start, dtype=float), np.zeros(len(self._param_names)),
                  np.full(len(self._param_names), -1.0)]
        if initial_params is not None:
            p0 = as_float(initial_params).copy()
            for pname in self._time_params:
                p0[self._param_names.index(pname)] *= scale
            starts.insert(0, self._params_to_theta(p0))
        theta = self._optimise(data, w, starts)
        self._finish(theta, scale, (ux, utx, uT, groups), w)
        return self

    def predict(self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """Alias of ``conditional_expected_number_of_purchases_up_to_time`` (as in lifetimes)."""
        return self.conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T)
