"""Descriptive customer attributes (``attr_*`` columns): levels, one-hot coding, per-level breakdowns.

A company may add any number of descriptive columns to ``customers`` whose
names start with ``attr_`` (contract type, plan, payment method, industry,
tier...; :data:`crmkit.contract.tables.FAMILIES`).  They are stored as text.
This module holds what every report needs to use them:

* :func:`attribute_columns`: the ``attr_*`` columns of a customers frame;
* :func:`attribute_levels`: the levels of one attribute, levels with fewer than
  ``min_n`` customers pooled into ``other`` (missing values are the level
  ``unknown``), the most frequent level as the reference;
* :func:`one_hot`: 0/1 dummies of the non-reference levels (for the churn
  models, :mod:`crmkit.indicators.churn`);
* :func:`select_attributes`: which attributes enter a model under the
  events-per-variable rule (at least :data:`EVENTS_PER_VARIABLE` events per
  estimated coefficient; Peduzzi et al. 1995, 1996) and why the others are left out;
* :func:`breakdown`: a rate or a mean per level with its 95 % interval and a
  test of each level against the rest (two-proportion z test or Welch's t
  test), Holm-adjusted across the levels of the attribute (:func:`holm`);
* report read-outs: :func:`base_by_attributes` (01), :func:`satisfaction_by_attributes`
  (02), :func:`value_by_attributes` (05).

Outputs are aggregates per level, never identities.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.contract.tables import TABLES
from crmkit.estimate import MIN_N, mean, proportion
from crmkit.indicators.frames import label
from crmkit.store.data import window_bounds

__all__ = [
    "PREFIX", "OTHER", "EVENTS_PER_VARIABLE", "attribute_columns", "AttributeLevels", "attribute_levels", "one_hot",
    "dummy_budget", "AttributeSelection", "select_attributes", "holm", "two_proportion_test", "welch_test",
    "BREAKDOWN_COLUMNS", "breakdown", "base_by_attributes", "satisfaction_by_attributes", "value_by_attributes",
]

#: Prefix of the descriptive customer attributes.
PREFIX = "attr_"
#: Level that pools the levels with fewer than ``min_n`` customers (and values unseen when the levels were set).
OTHER = "other"
#: Events per estimated coefficient a model needs (rule of thumb of Peduzzi et al. 1995, 1996).
EVENTS_PER_VARIABLE = 10


def attribute_columns(customers: pd.DataFrame) -> list[str]:
    """The ``attr_*`` columns of *customers*, in their order.

    The names the data contract accepts (``TABLES["customers"].family_columns``):
    ``attr_`` followed by lower-case letters, digits or ``_``.

    Examples
    --------
    >>> attribute_columns(pd.DataFrame(columns=["customer_id", "attr_plan", "region", "attr_Bad", "attr_tier"]))
    ['attr_plan', 'attr_tier']
    """
    names = TABLES["customers"].family_columns([str(c) for c in customers.columns])
    return [c for c in names if c.startswith(PREFIX)]


# -- levels and coding -----------------------------------------------------------------------
@dataclass(frozen=True)
class AttributeLevels:
    """The levels of one attribute after pooling.

    Attributes
    ----------
    column : str
        The attribute (an ``attr_*`` column).
    levels : tuple of str
        Levels, most customers first (ties by name), :data:`OTHER` last when present.
    sizes : tuple of int
        Customers per level, in the order of *levels*.
    pooled : tuple of str
        The original values pooled into :data:`OTHER` (fewer than *min_n* customers each).
    min_n : int
        The pooling threshold.
    """

    column: str
    levels: tuple[str, ...]
    sizes: tuple[int, ...]
    pooled: tuple[str, ...] = ()
    min_n: int = MIN_N

    @property
    def reference(self) -> str:
        """The most frequent level (the pooled ``other`` only when it is the only level)."""
        named = [lev for lev in self.levels if lev != OTHER]
        return named[0] if named else OTHER

    @property
    def dummy_levels(self) -> tuple[str, ...]:
        """Levels that get a dummy: every level but the reference with at least ``min_n`` customers.

        A pooled ``other`` still smaller than ``min_n`` gets none (too few
        customers to estimate an effect): its customers count with the reference.
        """
        return tuple(lev for lev, n in zip(self.levels, self.sizes) if lev != self.reference and n >= self.min_n)

    @property
    def names(self) -> list[str]:
        """Dummy column names ``<column>=<level>`` (the convention of :func:`crmkit.indicators.churn.cox_hazard_ratios`)."""
        return [f"{self.column}={lev}" for lev in self.dummy_levels]

    def assign(self, values: pd.Series) -> pd.Series:
        """Level of each value: its own level when kept, else :data:`OTHER` (pooled or unseen values).

        Missing and blank values are ``unknown`` (:func:`crmkit.indicators.frames.label`).
        """
        lab = label(pd.Series(values))
        kept = [lev for lev in self.levels if lev != OTHER]
        return lab.where(lab.isin(kept), OTHER)


def attribute_levels(values: pd.Series, *, min_n: int = MIN_N, column: str | None = None) -> AttributeLevels:
    """Levels of an attribute over the customers of *values* (one value per customer).

    Missing or blank values form the level ``unknown``; levels with fewer than
    *min_n* customers are pooled into :data:`OTHER` (together with a value
    literally named ``other``).  The reference level is the most frequent one.

    Examples
    --------
    >>> v = pd.Series(["pro"] * 3 + ["basic"] * 5 + ["gold"], name="attr_plan")
    >>> lv = attribute_levels(v, min_n=3)
    >>> lv.levels, lv.sizes, lv.reference, lv.pooled
    (('basic', 'pro', 'other'), (5, 3, 1), 'basic', ('gold',))
    >>> lv.dummy_levels
    ('pro',)
    """
    s = pd.Series(values)
    lab = label(s)
    counts = lab.value_counts()
    pooled = tuple(sorted(str(v) for v, k in counts.items() if k < min_n and v != OTHER))
    lab = lab.where(~lab.isin(pooled), OTHER)
    counts = lab.value_counts()
    named = sorted(((str(v), int(k)) for v, k in counts.items() if v != OTHER), key=lambda t: (-t[1], t[0]))
    if OTHER in counts.index:
        named.append((OTHER, int(counts[OTHER])))
    return AttributeLevels(column or str(s.name), tuple(v for v, _ in named), tuple(k for _, k in named), pooled,
                           int(min_n))


def one_hot(values: pd.Series, levels: AttributeLevels) -> pd.DataFrame:
    """0/1 dummies (float) of *values* for the :attr:`AttributeLevels.dummy_levels`, the reference left out.

    Rows of the reference level (and of levels without a dummy) are all zero, so
    a coefficient compares its level with the reference.

    Examples
    --------
    >>> v = pd.Series(["basic", "pro", "basic", None], name="attr_plan")
    >>> lv = attribute_levels(v, min_n=1)
    >>> one_hot(v, lv).to_dict("list")
    {'attr_plan=pro': [0.0, 1.0, 0.0, 0.0], 'attr_plan=unknown': [0.0, 0.0, 0.0, 1.0]}
    """
    lab = levels.assign(values)
    cols = {f"{levels.column}={lev}": (lab == lev).astype("float64").to_numpy() for lev in levels.dummy_levels}
    return pd.DataFrame(cols, index=pd.Series(values).index, columns=levels.names)


def dummy_budget(events: int, used: int = 0, *, epv: int = EVENTS_PER_VARIABLE) -> int:
    """Coefficients still allowed by the events-per-variable rule: ``max(0, ⌊events / epv⌋ − used)``.

    *events* are the outcomes of the rarer kind (churn events of a Cox model;
    the smaller of churners and stayers of a logistic model), *used* the
    coefficients the model already has (Peduzzi et al. 1995, 1996: at least 10
    events per variable).

    Examples
    --------
    >>> dummy_budget(125, 9), dummy_budget(40, 9)
    (3, 0)
    """
    return max(0, int(events) // int(epv) - int(used))


@dataclass(frozen=True)
class AttributeSelection:
    """The attributes a model uses and those left out, with the reason.

    Attributes
    ----------
    included : tuple of AttributeLevels
        Attributes entering the model (their :attr:`AttributeLevels.names` are the dummies).
    excluded : tuple of (str, str, int)
        ``(column, reason, dummies)``: reason ``single_level`` (fewer than two
        levels with at least ``min_n`` customers) or ``too_few_events`` (its
        dummies exceed the events-per-variable budget).
    events, used, budget : int or None
        Events of the model, coefficients it has without attributes and the
        dummies the rule allowed (None: no limit).
    epv : int
        Events per variable required.
    min_n : int
        Customers a level needs (fewer are pooled into ``other``).
    """

    included: tuple[AttributeLevels, ...] = ()
    excluded: tuple[tuple[str, str, int], ...] = ()
    events: int | None = None
    used: int = 0
    budget: int | None = None
    epv: int = EVENTS_PER_VARIABLE
    min_n: int = MIN_N

    @property
    def columns(self) -> list[str]:
        """Dummy names of the included attributes, in order."""
        return [n for lv in self.included for n in lv.names]

    @property
    def references(self) -> dict[str, str]:
        """Reference level of each included attribute."""
        return {lv.column: lv.reference for lv in self.included}

    def frame(self, customers: pd.DataFrame) -> pd.DataFrame:
        """``customer_id`` and the dummies of every customer of *customers* (ids as text)."""
        out = pd.DataFrame({"customer_id": customers["customer_id"].astype("str").to_numpy()})
        for lv in self.included:
            col = customers[lv.column] if lv.column in customers else pd.Series(pd.NA, index=customers.index)
            d = one_hot(col.rename(lv.column), lv)
            out = pd.concat([out, d.reset_index(drop=True)], axis=1)
        return out

    def add_to(self, frame: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
        """*frame* (with ``customer_id``) with the dummies joined on; customers not in *customers* get zeros."""
        if not self.included:
            return frame
        d = self.frame(customers).drop_duplicates("customer_id")
        out = frame.assign(customer_id=frame["customer_id"].astype("str")).merge(d, on="customer_id", how="left")
        out[self.columns] = out[self.columns].fillna(0.0)
        out.attrs.update(frame.attrs)
        return out

    def table(self) -> pd.DataFrame:
        """One row per attribute: ``attribute, status`` (``included`` or the reason), ``dummies, reference``."""
        rows = [{"attribute": lv.column, "status": "included", "dummies": len(lv.names), "reference": lv.reference}
                for lv in self.included]
        rows += [{"attribute": c, "status": why, "dummies": k, "reference": None} for c, why, k in self.excluded]
        return pd.DataFrame(rows, columns=["attribute", "status", "dummies", "reference"])


def select_attributes(customers: pd.DataFrame, ids: Iterable | None = None, *, min_n: int = MIN_N,
                      events: int | None = None, used: int = 0, epv: int = EVENTS_PER_VARIABLE) -> AttributeSelection:
    """Attributes for a model fitted on the customers *ids*, within the events-per-variable budget.

    Levels are counted over the model's customers (:func:`attribute_levels`,
    pooling below *min_n*).  An attribute with fewer than two levels of at
    least *min_n* customers is dropped (``single_level``).  With *events*,
    attributes are taken in column order while their dummies fit
    :func:`dummy_budget` ``(events, used, epv)``; one that does not fit is left
    out (``too_few_events``) and the next, smaller ones may still enter.

    Examples
    --------
    >>> cu = pd.DataFrame({"customer_id": list("abcdef"), "attr_plan": list("xxxyyy"), "attr_one": list("zzzzzz")})
    >>> sel = select_attributes(cu, min_n=2, events=25, used=1)
    >>> sel.columns, sel.excluded
    (['attr_plan=y'], (('attr_one', 'single_level', 0),))
    """
    cols = attribute_columns(customers)
    if not cols:
        return AttributeSelection(events=events, used=used, epv=epv, min_n=min_n)
    cu = customers.assign(customer_id=customers["customer_id"].astype("str")).drop_duplicates("customer_id")
    if ids is not None:
        cu = cu.set_index("customer_id").reindex(pd.Index([str(i) for i in ids]).unique()).reset_index()
    budget = None if events is None else dummy_budget(events, used, epv=epv)
    left = budget
    included, excluded = [], []
    for c in cols:
        lv = attribute_levels(cu[c], min_n=min_n, column=c)
        k = len(lv.dummy_levels)
        if k == 0:
            excluded.append((c, "single_level", 0))
        elif left is not None and k > left:
            excluded.append((c, "too_few_events", k))
        else:
            included.append(lv)
            left = None if left is None else left - k
    return AttributeSelection(tuple(included), tuple(excluded), events, int(used), budget, epv, int(min_n))


# -- tests -------------------------------------------------------------------------------------
def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjustment of p-values (Holm 1979); missing p-values stay missing.

    With the ``m`` p-values sorted, ``p_(1) ≤ … ≤ p_(m)``, the adjusted value
    is ``max_{j ≤ i} min(1, (m − j + 1) p_(j))``; rejecting where it is below
    α controls the family-wise error rate at α.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(p_values, dtype="float64")
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = ok.size
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adj = np.minimum(1.0, (m - np.arange(m)) * p[order])
    out[order] = np.maximum.accumulate(adj)
    return out


def two_proportion_test(k1: float, n1: float, k2: float, n2: float) -> tuple[float, float]:
    """Two-proportion z test with the pooled proportion: ``(z, two-sided p)``.

    ``z = (p1 − p2) / √(p̂ (1 − p̂) (1/n1 + 1/n2))`` with ``p̂ = (k1 + k2) / (n1 + n2)``;
    equal proportions of 0 or 1 give ``(0, 1)``; an empty group gives NaN.

    Examples
    --------
    >>> z, p = two_proportion_test(30, 50, 20, 50)
    >>> round(z, 3), round(p, 4)
    (2.0, 0.0455)
    """
    if n1 <= 0 or n2 <= 0:
        return float("nan"), float("nan")
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return 0.0, 1.0
    z = (k1 / n1 - k2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return float(z), float(2 * stats.norm.sf(abs(z)))


def welch_test(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """Welch's unequal-variance t test of two means: ``(t, two-sided p)`` (scipy ``ttest_ind(equal_var=False)``).

    Two groups without any variation give ``(0, 1)`` when their means are
    equal; fewer than two values in a group give NaN.

    Examples
    --------
    >>> t, p = welch_test([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0, 10.0])
    >>> round(t, 3), round(p, 3)
    (-2.251, 0.069)
    """
    a = np.asarray(x, dtype="float64")
    b = np.asarray(y, dtype="float64")
    if a.size < 2 or b.size < 2:
        return float("nan"), float("nan")
    if a.std() == 0 and b.std() == 0:
        return (0.0, 1.0) if a.mean() == b.mean() else (float("nan"), float("nan"))
    with warnings.catch_warnings():  # near-constant groups: scipy warns about precision, the result stands
        warnings.simplefilter("ignore", RuntimeWarning)
        r = stats.ttest_ind(a, b, equal_var=False)
    return float(r.statistic), float(r.pvalue)


#: Columns of :func:`breakdown`.
BREAKDOWN_COLUMNS: tuple[str, ...] = ("level", "n", "value", "ci_low", "ci_high", "rest_n", "rest_value", "difference",
                                      "p_value", "p_adjusted", "differs")


def breakdown(levels: pd.Series, values: pd.Series, *, kind: str = "mean", order: Sequence[str] | None = None,
              min_n: int = MIN_N, alpha: float = 0.05) -> pd.DataFrame:
    """A rate or a mean per level, its 95 % interval and a test of the level against the rest.

    Parameters
    ----------
    levels : Series
        Level of each observation (e.g. :meth:`AttributeLevels.assign`).
    values : Series
        The observation: 0/1 (or bool) for ``kind="rate"``, a number for
        ``kind="mean"``; missing values are left out.
    kind : {"mean", "rate"}
        ``rate``: share with a Wilson interval (:func:`crmkit.estimate.proportion`),
        two-proportion z test against the rest (:func:`two_proportion_test`);
        ``mean``: mean with a t interval (:func:`crmkit.estimate.mean`), Welch's
        t test against the rest (:func:`welch_test`).
    order : sequence of str, optional
        Levels in the order to report (default: most observations first).
    min_n : int
        Levels (and rests) with fewer observations are shown but not tested.
    alpha : float
        Level of the Holm-adjusted tests.

    Returns
    -------
    DataFrame
        :data:`BREAKDOWN_COLUMNS`: ``level, n, value, ci_low, ci_high``; the
        rest of the observations (``rest_n, rest_value``), ``difference`` =
        value − rest value, ``p_value`` and ``p_adjusted`` (Holm across the
        tested levels, :func:`holm`) and ``differs`` (adjusted p < *alpha*).

    Examples
    --------
    >>> lv = pd.Series(["a"] * 4 + ["b"] * 4)
    >>> t = breakdown(lv, pd.Series([1, 1, 1, 0, 0, 0, 1, 0]), kind="rate", min_n=2)
    >>> t[["level", "n", "value", "rest_value", "difference"]].values.tolist()
    [['a', 4, 0.75, 0.25, 0.5], ['b', 4, 0.25, 0.75, -0.5]]
    """
    if kind not in ("mean", "rate"):
        raise ValueError(f"kind must be 'mean' or 'rate', not {kind!r}")
    lab = pd.Series(levels).astype("str").reset_index(drop=True)
    v = pd.to_numeric(pd.Series(values).reset_index(drop=True).astype("float64"), errors="coerce")
    keep = v.notna()
    lab, v = lab[keep], v[keep]
    if order is None:
        counts = lab.value_counts()
        order = sorted(counts.index, key=lambda x: (-int(counts[x]), str(x)))
    rows = []
    for lev in order:
        inside = (lab == lev).to_numpy()
        x, rest = v.to_numpy()[inside], v.to_numpy()[~inside]
        if x.size == 0:
            continue
        if kind == "rate":
            e = proportion(float(x.sum()), x.size, min_n=min_n)
            rest_value = float(rest.mean()) if rest.size else float("nan")
            test = two_proportion_test(float(x.sum()), x.size, float(rest.sum()), rest.size)
        else:
            e = mean(x, min_n=min_n)
            rest_value = float(rest.mean()) if rest.size else float("nan")
            test = welch_test(x, rest)
        tested = x.size >= min_n and rest.size >= min_n
        rows.append({"level": str(lev), "n": int(x.size), "value": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high,
                     "rest_n": int(rest.size), "rest_value": rest_value, "difference": e.value - rest_value,
                     "p_value": test[1] if tested else float("nan")})
    out = pd.DataFrame(rows, columns=list(BREAKDOWN_COLUMNS[:-2]))
    out["p_adjusted"] = holm(out["p_value"].to_numpy()) if len(out) else pd.Series(dtype="float64")
    out["differs"] = (out["p_adjusted"] < alpha).astype(bool)
    return out[list(BREAKDOWN_COLUMNS)]


def _stack(parts: list[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    return pd.concat(parts, ignore_index=True)[list(columns)] if parts else pd.DataFrame(columns=list(columns))


# -- report read-outs --------------------------------------------------------------------------
#: Columns of :func:`base_by_attributes`.
BASE_COLUMNS: tuple[str, ...] = ("dimension", "level", "customers", "customer_share", "share_low", "share_high",
                                 "active_customers", "active_rate", "active_low", "active_high", "active_rest", "active_p",
                                 "active_differs",
                                 "revenue", "revenue_share", "revenue_per_active")


def base_by_attributes(customers: pd.DataFrame, orders: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> pd.DataFrame:
    """The customer base split by each ``attr_*`` column (report 01).

    Over the customers signed up by *end* (as
    :func:`crmkit.indicators.customer_base.segment_table`), per level of each
    attribute with at least two levels after pooling (:func:`attribute_levels`):

    * ``customers`` and ``customer_share`` (customers of the level / all
      customers, Wilson interval ``share_low, share_high``);
    * ``active_rate`` = active customers of the level / its customers (an order
      in the window), interval and Holm-adjusted two-proportion test against
      the rest of the base (``active_rest`` its active rate, ``active_p``, ``active_differs``; :func:`breakdown`);
    * ``revenue`` (window, net of returns), ``revenue_share`` and
      ``revenue_per_active`` as in ``segment_table`` (NaN without revenue in the window).

    Returns
    -------
    DataFrame
        :data:`BASE_COLUMNS`, attributes in column order, levels as :attr:`AttributeLevels.levels`.
    """
    from crmkit.indicators.customer_base import customer_activity, segment_table

    cols = attribute_columns(customers)
    if not cols:
        return pd.DataFrame(columns=list(BASE_COLUMNS))
    _, hi = window_bounds(start, end)
    cu = customers[pd.to_datetime(customers["signup_date"]) < hi]
    act = customer_activity(orders, start, end)
    active = cu["customer_id"].astype("str").map(act.set_index("customer_id")["active"]).astype("boolean").fillna(False)
    parts = []
    for c in cols:
        lv = attribute_levels(cu[c], min_n=min_n, column=c)
        if len(lv.levels) < 2:
            continue
        lab = lv.assign(cu[c])
        seg = segment_table(cu.assign(**{c: lab.to_numpy()}), orders, start, end, c, activity=act).set_index("segment")
        rate = breakdown(lab, active.astype("float64"), kind="rate", order=lv.levels, min_n=min_n).set_index("level")
        total = len(cu)
        rows = []
        for lev, n in zip(lv.levels, lv.sizes):
            share = proportion(n, total, min_n=min_n)
            s = seg.loc[lev]
            rows.append({"level": lev, "customers": n, "customer_share": share.value, "share_low": share.ci_low,
                         "share_high": share.ci_high, "active_customers": int(s["active_customers"]),
                         "active_rate": rate.loc[lev, "value"], "active_low": rate.loc[lev, "ci_low"],
                         "active_high": rate.loc[lev, "ci_high"], "active_rest": rate.loc[lev, "rest_value"],
                         "active_p": rate.loc[lev, "p_adjusted"],
                         "active_differs": bool(rate.loc[lev, "differs"]), "revenue": float(s["revenue"]),
                         "revenue_share": float(s["revenue_share"]), "revenue_per_active": float(s["revenue_per_active"])})
        parts.append(pd.DataFrame(rows).assign(dimension=c))
    return _stack(parts, BASE_COLUMNS)


#: Columns of :func:`satisfaction_by_attributes` and :func:`value_by_attributes`: the attribute, the measure, then :data:`BREAKDOWN_COLUMNS`.
MEASURE_COLUMNS: tuple[str, ...] = ("dimension", "measure", *BREAKDOWN_COLUMNS)


def _customer_levels(customers: pd.DataFrame, column: str, ids: pd.Series, lv: AttributeLevels) -> pd.Series:
    """Level of each id in *ids* (NaN for ids not among *customers*)."""
    cu = customers.assign(customer_id=customers["customer_id"].astype("str")).drop_duplicates("customer_id")
    levels = pd.Series(lv.assign(cu[column]).to_numpy(), index=cu["customer_id"].to_numpy())
    return ids.astype("str").map(levels)


def satisfaction_by_attributes(surveys: pd.DataFrame, customers: pd.DataFrame, start, end, *,
                               min_n: int = MIN_N) -> pd.DataFrame:
    """CSAT and NPS per level of each ``attr_*`` column (report 02).

    Responses in the window are linked to the customer through
    ``surveys.customer_id``; unlinked responses are left out.  Levels are those
    of the customers signed up by *end* (:func:`attribute_levels`).  The unit
    is the response, as everywhere in the satisfaction report.

    * ``csat``: share of CSAT responses in the top two boxes
      (:func:`crmkit.indicators.satisfaction.top_two_box`), Wilson interval,
      two-proportion z test of the level against the other linked responses;
    * ``nps``: 100 × (promoters − detractors) / responses; value and interval
      of :func:`crmkit.indicators.satisfaction.nps`, the level tested against
      the rest with Welch's t test on the scores coded +100 / 0 / −100 (whose mean is the NPS).

    p-values are Holm-adjusted across the levels of one attribute and measure.

    Returns
    -------
    DataFrame
        :data:`MEASURE_COLUMNS`; empty when no attribute has two levels or no response is linked.
    """
    from crmkit.indicators import satisfaction as sat

    cols = attribute_columns(customers)
    if not cols or surveys is None or not len(surveys) or "customer_id" not in surveys:
        return pd.DataFrame(columns=list(MEASURE_COLUMNS))
    _, hi = window_bounds(start, end)
    cu = customers[pd.to_datetime(customers["signup_date"]) < hi]
    known = set(cu["customer_id"].astype("str"))
    s = sat.survey_window(surveys, start, end, ("csat", "nps"))
    s = s[s["customer_id"].notna() & s["customer_id"].astype("str").isin(known)]
    score = pd.to_numeric(s["score"], errors="coerce").astype("float64")
    scale = (pd.to_numeric(s["scale_max"], errors="coerce").astype("float64").fillna(5.0) if "scale_max" in s
             else pd.Series(5.0, index=s.index))
    is_csat, is_nps = (s["survey_type"] == "csat") & score.notna(), (s["survey_type"] == "nps") & score.notna()
    satisfied = pd.Series(sat.top_two_box(score, scale.to_numpy()), index=s.index).astype("float64")
    groups = sat.nps_groups(score.where(is_nps))
    coded = pd.Series(np.select([groups == "promoter", groups == "detractor"], [100.0, -100.0], 0.0), index=s.index)
    parts = []
    for c in cols:
        lv = attribute_levels(cu[c], min_n=min_n, column=c)
        if len(lv.levels) < 2:
            continue
        lab = _customer_levels(cu, c, s["customer_id"], lv)
        if is_csat.any():
            t = breakdown(lab[is_csat], satisfied[is_csat], kind="rate", order=lv.levels, min_n=min_n)
            parts.append(t.assign(dimension=c, measure="csat"))
        if is_nps.any():
            t = breakdown(lab[is_nps], coded[is_nps], kind="mean", order=lv.levels, min_n=min_n)
            for i, lev in t["level"].items():
                e = sat.nps(score[is_nps][(lab[is_nps] == lev).to_numpy()], min_n=min_n)
                t.loc[i, ["value", "ci_low", "ci_high"]] = [e.value, e.ci_low, e.ci_high]
            t["difference"] = t["value"] - t["rest_value"]
            parts.append(t.assign(dimension=c, measure="nps"))
    return _stack(parts, MEASURE_COLUMNS)


def value_by_attributes(summary: pd.DataFrame, customers: pd.DataFrame, *, min_n: int = MIN_N) -> pd.DataFrame:
    """Revenue and mean historical CLV per level of each ``attr_*`` column (report 05).

    *summary* is :func:`crmkit.indicators.value.customer_summary` (one row per
    customer with a purchase: ``customer_id, monetary, clv``); levels are
    counted over its customers (:func:`attribute_levels`).

    * measure ``clv``: mean historical CLV (Σ margin) with a t interval and
      Welch's t test of the level against the other customers, Holm-adjusted
      across levels (:func:`breakdown`);
    * columns ``revenue`` (Σ monetary, whole history) and ``revenue_share``
      (the level's revenue / all customers' revenue).

    Returns
    -------
    DataFrame
        :data:`MEASURE_COLUMNS` plus ``revenue, revenue_share``.
    """
    columns = [*MEASURE_COLUMNS, "revenue", "revenue_share"]
    cols = attribute_columns(customers)
    if not cols or summary is None or not len(summary):
        return pd.DataFrame(columns=columns)
    ids = summary["customer_id"].astype("str")
    cu = customers.assign(customer_id=customers["customer_id"].astype("str"))
    cu = cu.drop_duplicates("customer_id").set_index("customer_id").reindex(pd.Index(ids)).reset_index()
    monetary = summary["monetary"].astype("float64").reset_index(drop=True)
    total = float(monetary.sum())
    parts = []
    for c in cols:
        lv = attribute_levels(cu[c], min_n=min_n, column=c)
        if len(lv.levels) < 2:
            continue
        lab = lv.assign(cu[c]).reset_index(drop=True)
        t = breakdown(lab, summary["clv"].reset_index(drop=True), kind="mean", order=lv.levels, min_n=min_n)
        rev = monetary.groupby(lab).sum()
        t["revenue"] = t["level"].map(rev).astype("float64")
        t["revenue_share"] = t["revenue"] / total if total else float("nan")
        parts.append(t.assign(dimension=c, measure="clv"))
    return _stack(parts, columns)
