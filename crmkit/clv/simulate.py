"""Seeded, vectorised simulators of the BTYD models (for tests and model checks).

Each simulator draws customer-level latent parameters from the model's
mixing distributions and returns one row per customer with ``frequency,
recency, T`` (and the latent values), so that a fitter can be checked by
recovering the parameters that generated the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["beta_geo", "modified_beta_geo", "pareto_nbd", "gamma_gamma"]


def _setup(T: float | np.ndarray, size: int | None, seed: int | None) -> tuple[np.random.Generator, np.ndarray]:
    rng = np.random.default_rng(seed)
    T_ = np.atleast_1d(np.asarray(T, dtype=float))
    if size is not None:
        T_ = np.broadcast_to(T_, (size,)).copy() if T_.size == 1 else T_
    return rng, T_


def _order_stat_time(rng: np.random.Generator, k: np.ndarray, n: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Time of the k-th of n uniform arrivals on [0, length] (0 when k == 0)."""
    k_safe = np.maximum(k, 1)
    return np.where(k > 0, length * rng.beta(k_safe, np.maximum(n - k_safe + 1, 1)), 0.0)


def beta_geo(T: float | np.ndarray, r: float, alpha: float, a: float, b: float,
             size: int | None = None, seed: int | None = None, modified: bool = False) -> pd.DataFrame:
    """Simulate the BG/NBD model (Fader, Hardie & Lee 2005).

    λ ~ Gamma(r, rate α), p ~ Beta(a, b); repeat purchases arrive as a Poisson
    process with rate λ and the customer drops out right after each repeat
    purchase with probability p (``modified=True``: also right after the first
    purchase, MBG/NBD).

    Parameters
    ----------
    T : float or array-like
        Observation length per customer (broadcast to ``size``).
    r, alpha, a, b : float
        Model parameters.
    size : int, optional
        Number of customers when T is a scalar.
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`.
    modified : bool, default False
        Simulate MBG/NBD instead.

    Returns
    -------
    pandas.DataFrame
        ``frequency, recency, T, lambda, p, alive`` (alive at T).
    """
    rng, T_ = _setup(T, size, seed)
    n = T_.size
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    # repeat purchases made before dropping out: Geometric on {1, 2, ...} (or {0, 1, ...} for MBG)
    j = rng.geometric(p) - (1 if modified else 0)
    arrivals = rng.poisson(lam * T_)
    x = np.minimum(j, arrivals)
    tx = _order_stat_time(rng, x, arrivals, T_)
    alive = arrivals < j
    return pd.DataFrame({"frequency": x.astype(float), "recency": tx, "T": T_, "lambda": lam, "p": p, "alive": alive})


def modified_beta_geo(T: float | np.ndarray, r: float, alpha: float, a: float, b: float,
                      size: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Simulate the MBG/NBD model; see :func:`beta_geo`."""
    return beta_geo(T, r, alpha, a, b, size=size, seed=seed, modified=True)


def pareto_nbd(T: float | np.ndarray, r: float, alpha: float, s: float, beta: float,
               size: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Simulate the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

    λ ~ Gamma(r, rate α), μ ~ Gamma(s, rate β), lifetime ~ Exponential(μ);
    purchases are Poisson(λ) while alive.

    Parameters
    ----------
    T : float or array-like
        Observation length per customer.
    r, alpha, s, beta : float
        Model parameters.
    size : int, optional
        Number of customers when T is a scalar.
    seed : int, optional
        Random seed.

    Returns
    -------
    pandas.DataFrame
        ``frequency, recency, T, lambda, mu, alive``.
    """
    rng, T_ = _setup(T, size, seed)
    n = T_.size
    lam = rng.gamma(r, 1.0 / alpha, n)
    mu = rng.gamma(s, 1.0 / beta, n)
    life = rng.exponential(1.0 / mu)
    active = np.minimum(life, T_)
    x = rng.poisson(lam * active)
    tx = np.where(x > 0, active * rng.random(n) ** (1.0 / np.maximum(x, 1)), 0.0)  # max of x uniforms
    return pd.DataFrame({"frequency": x.astype(float), "recency": tx, "T": T_, "lambda": lam, "mu": mu,
                         "alive": life > T_})


def gamma_gamma(frequency: np.ndarray, p: float, q: float, v: float, seed: int | None = None) -> pd.DataFrame:
    """Simulate mean spend per transaction under the Gamma-Gamma model.

    ν ~ Gamma(q, rate v); each of the x transactions ~ Gamma(p, rate ν), so the
    mean of x transactions is Gamma(px, rate xν).

    Parameters
    ----------
    frequency : array-like
        Number of transactions per customer (> 0).
    p, q, v : float
        Model parameters.
    seed : int, optional
        Random seed.

    Returns
    -------
    pandas.DataFrame
        ``frequency, monetary_value, nu``.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(frequency, dtype=float)
    nu = rng.gamma(q, 1.0 / v, x.size)
    m = rng.gamma(p * x, 1.0 / (x * nu))
    return pd.DataFrame({"frequency": x, "monetary_value": m, "nu": nu})
