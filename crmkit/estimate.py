"""Estimates that carry their uncertainty.

Every rate or mean crmkit reports is an :class:`Estimate`: a value together
with its standard error, a 95 % interval and the number of observations it
rests on.  Rates on fewer than ``min_n`` observations are *flagged*: shown,
but not scored (docs/indicators.md, preamble).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["Estimate", "proportion", "mean", "MIN_N", "Z95"]

MIN_N = 30
Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Estimate:
    """A point estimate with standard error, 95 % interval and sample size.

    Attributes
    ----------
    value : float
        Point estimate (NaN when undefined, e.g. no observations).
    se : float
        Standard error (NaN when not available).
    ci_low, ci_high : float
        Lower and upper bounds of the 95 % interval.
    n : int
        Number of observations.
    min_n : int
        Minimum n for the estimate to be scored; below it ``flagged`` is True.
    """

    value: float
    se: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    n: int = 0
    min_n: int = MIN_N

    @property
    def flagged(self) -> bool:
        """True when the estimate rests on fewer than ``min_n`` observations."""
        return self.n < self.min_n

    @property
    def margin(self) -> float:
        """Half-width of the interval (for "value ± margin" display)."""
        return (self.ci_high - self.ci_low) / 2

    def scaled(self, factor: float) -> "Estimate":
        """Return the estimate multiplied by *factor* (e.g. 100 for percent)."""
        return replace(
            self,
            value=self.value * factor,
            se=self.se * abs(factor),
            ci_low=min(self.ci_low * factor, self.ci_high * factor),
            ci_high=max(self.ci_low * factor, self.ci_high * factor),
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["flagged"] = self.flagged
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}

    def __float__(self) -> float:
        return float(self.value)


def proportion(successes: float, n: float, *, min_n: int = MIN_N) -> Estimate:
    """Proportion with a Wilson score 95 % interval.

    ``se`` is the binomial standard error sqrt(p(1-p)/n); the interval is the
    Wilson score interval (Wilson 1927), which stays inside [0, 1] and behaves
    well for small n and extreme p.

    Examples
    --------
    >>> e = proportion(8, 10)
    >>> round(e.value, 2), round(e.ci_low, 3), round(e.ci_high, 3)
    (0.8, 0.49, 0.943)
    """
    n = int(n)
    if n <= 0:
        return Estimate(float("nan"), n=0, min_n=min_n)
    if successes < 0 or successes > n:
        raise ValueError(f"successes={successes} must lie in [0, n={n}]")
    p = successes / n
    z = Z95
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    # clip so rounding never puts p outside its own interval (p = 0 or 1)
    lo, hi = min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half))
    return Estimate(p, math.sqrt(p * (1 - p) / n), lo, hi, n, min_n)


def mean(values: Any, *, min_n: int = MIN_N) -> Estimate:
    """Mean with a t-based 95 % interval; NaNs are dropped.

    Examples
    --------
    >>> e = mean([1, 2, 3, 4, 5])
    >>> e.value, e.n
    (3.0, 5)
    """
    x = pd.to_numeric(pd.Series(values, dtype="float64"), errors="coerce").dropna().to_numpy()
    n = x.size
    if n == 0:
        return Estimate(float("nan"), n=0, min_n=min_n)
    m = float(np.mean(x))
    if n == 1:
        return Estimate(m, float("nan"), float("nan"), float("nan"), 1, min_n)
    se = float(np.std(x, ddof=1) / math.sqrt(n))
    t = float(stats.t.ppf(0.975, n - 1))
    return Estimate(m, se, m - t * se, m + t * se, n, min_n)
