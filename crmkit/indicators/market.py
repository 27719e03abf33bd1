"""Market and competitors (市场与竞争): market share and benchmarks.

A company's own data cannot say how big its market is or how its rivals
do, so these figures come from a YAML file the analyst writes (layout in
``parameters/market.yaml``; run parameter ``competitors`` points at it):
market size per period and competitor benchmarks (NPS, CSAT, churn rate,
market share, price index), each with a ``source`` so every number in the
report can be traced.  The file is read with ``yaml.safe_load`` and
validated by pydantic; unknown keys are errors.

* **Market share** = company revenue in the period / market size of the
  period (same currency, same definition of the market).
* **Comparison**: the company's own indicators beside competitor
  benchmarks, with the gap to the competitors' mean and the company's rank.
"""

from __future__ import annotations

import difflib
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crmkit.store.data import rows_between
from crmkit.errors import ConfigError
from crmkit.yamlio import read_yaml
from crmkit.period import period_bounds, period_label

__all__ = [
    "BENCHMARK_METRICS",
    "MarketFile",
    "MarketData",
    "load_market",
    "market_size_frame",
    "period_revenue",
    "market_share",
    "share_trend",
    "company_benchmarks",
    "comparison",
    "benchmark_gaps",
]

# metric: (English, Chinese, unit, direction)
BENCHMARK_METRICS: dict[str, tuple[str, str, str, str]] = {
    "nps": ("NPS", "净推荐值", "score", "higher"),
    "csat": ("CSAT", "客户满意度", "ratio", "higher"),
    "churn_rate": ("Churn rate", "流失率", "ratio", "lower"),
    "market_share": ("Market share", "市场份额", "ratio", "higher"),
    "price_index": ("Price index (company = 1.00)", "价格指数（本公司 = 1.00）", "number", "lower"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_period(v: Any) -> str:
    v = period_label(v)
    try:
        period_bounds(v)
    except ConfigError as e:
        raise ValueError(str(e)) from None
    return v


class MarketSizeEntry(_Strict):
    """Market size of one period (``value`` in ``currency``)."""

    period: str
    value: float = Field(gt=0)
    source: str = Field(min_length=1)

    check_period = field_validator("period", mode="before")(_check_period)


class CompetitorEntry(_Strict):
    """Benchmarks of one competitor in one period; every figure is optional except the source."""

    name: str = Field(min_length=1)
    period: str
    nps: float | None = Field(None, ge=-100, le=100)
    csat: float | None = Field(None, ge=0, le=1)
    churn_rate: float | None = Field(None, ge=0, le=1)
    market_share: float | None = Field(None, ge=0, le=1)
    price_index: float | None = Field(None, gt=0)
    source: str = Field(min_length=1)

    check_period = field_validator("period", mode="before")(_check_period)


class MarketFile(_Strict):
    """The market file: optional company and currency, market sizes, competitors."""

    company: str | None = None
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    market_size: list[MarketSizeEntry] = []
    competitors: list[CompetitorEntry] = []

    @model_validator(mode="after")
    def _unique(self) -> "MarketFile":
        seen: set[str] = set()
        for i, m in enumerate(self.market_size):
            if m.period in seen:
                raise ValueError(f"market_size[{i}]: period {m.period} is listed twice")
            seen.add(m.period)
        pairs: set[tuple[str, str]] = set()
        for i, c in enumerate(self.competitors):
            if (c.name, c.period) in pairs:
                raise ValueError(f"competitors[{i}]: {c.name!r} in {c.period} is listed twice")
            pairs.add((c.name, c.period))
        return self


_ALLOWED = {
    (): list(MarketFile.model_fields),
    ("market_size",): list(MarketSizeEntry.model_fields),
    ("competitors",): list(CompetitorEntry.model_fields),
}


def _format(e: ValidationError, source: str) -> str:
    lines = []
    for err in e.errors():
        loc = err["loc"]
        where = "".join(f"[{x}]" if isinstance(x, int) else (f".{x}" if i else str(x)) for i, x in enumerate(loc))
        section = tuple(x for x in loc[:-1] if isinstance(x, str))
        if err["type"] == "extra_forbidden":
            allowed = _ALLOWED.get(section, [])
            near = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            lines.append(f"unknown key {where!r}{hint}; allowed: {', '.join(allowed)}")
        else:
            msg = err["msg"].removeprefix("Value error, ").rstrip(".")
            if loc and loc[-1] in ("csat", "churn_rate", "market_share") and err["type"] == "less_than_equal":
                msg += " (a ratio: write 82 % as 0.82)"
            lines.append(f"{where or 'file'}: {msg}")
    return f"{source}: invalid market file: " + "; ".join(lines) + "."


@dataclass
class MarketData:
    """Validated market file as frames.

    Attributes
    ----------
    market_size : DataFrame
        ``period, start, end, value, source`` sorted by start.
    competitors : DataFrame
        ``name, period, start, nps, csat, churn_rate, market_share,
        price_index, source``.
    currency : str
    company : str or None
    path : str
    """

    market_size: pd.DataFrame
    competitors: pd.DataFrame
    currency: str = "CNY"
    company: str | None = None
    path: str = ""


def _to_data(mf: MarketFile, path: str) -> MarketData:
    ms = pd.DataFrame(
        [{"period": m.period, "start": pd.Timestamp(period_bounds(m.period)[0]),
          "end": pd.Timestamp(period_bounds(m.period)[1]), "value": m.value, "source": m.source} for m in mf.market_size],
        columns=["period", "start", "end", "value", "source"],
    ).sort_values("start", kind="stable").reset_index(drop=True)
    comp = pd.DataFrame(
        [{**c.model_dump(), "start": pd.Timestamp(period_bounds(c.period)[0])} for c in mf.competitors],
        columns=["name", "period", "start", *BENCHMARK_METRICS, "source"],
    )
    for m in BENCHMARK_METRICS:
        comp[m] = pd.to_numeric(comp[m], errors="coerce").astype("float64")
    return MarketData(ms, comp, mf.currency, mf.company, path)


def load_market(path: str | os.PathLike) -> MarketData:
    """Read and validate a market file (layout: ``parameters/market.yaml``).

    Raises
    ------
    ConfigError
        Missing file, invalid YAML, unknown keys (with the allowed ones and
        the nearest match), values out of range (NPS −100..100; CSAT, churn
        rate and market share 0..1; market size and price index > 0), a
        missing ``source``, invalid period labels or duplicated entries.
    """
    p = Path(path)
    data = read_yaml(p, "market file",
                     missing_hint="Set the run parameter 'competitors' to a file laid out like parameters/market.yaml.",
                     expect="a YAML mapping with keys market_size and competitors")
    try:
        mf = MarketFile(**data)
    except ValidationError as e:
        raise ConfigError(_format(e, str(p))) from None
    except ConfigError as e:
        raise ConfigError(f"{p}: invalid market file: {e}") from None
    return _to_data(mf, str(p))


def market_size_frame(period: str, value: float, source: str = "run parameter market_size") -> pd.DataFrame:
    """A one-period market-size frame from the run parameter ``market_size``.

    Examples
    --------
    >>> market_size_frame("2025Q4", 1e7)[["period", "value"]].values.tolist()
    [['2025Q4', 10000000.0]]
    """
    first, last = period_bounds(period)
    if not value or value <= 0:
        raise ConfigError("market_size must be a positive number (the market's revenue in the period, in the report currency).")
    return pd.DataFrame({"period": [period], "start": [pd.Timestamp(first)], "end": [pd.Timestamp(last)],
                         "value": [float(value)], "source": [source]})


def period_revenue(orders: pd.DataFrame, periods: list[str] | pd.Series) -> pd.DataFrame:
    """Company revenue per period label (Σ amount, net of returns, by ``order_date``).

    Returns ``period, start, end, revenue``; a period before the first order
    has revenue 0 and one after the data NaN is not produced (revenue is
    counted from the orders given).
    """
    rows = []
    for period in list(dict.fromkeys(map(str, periods))):
        first, last = period_bounds(period)
        lo = pd.Timestamp(first)
        amounts = rows_between(orders, "order_date", first, last)["amount"]
        rows.append({"period": period, "start": lo, "end": pd.Timestamp(last),
                     "revenue": float(pd.to_numeric(amounts, errors="coerce").sum())})
    return pd.DataFrame(rows, columns=["period", "start", "end", "revenue"])


def market_share(revenue: pd.DataFrame, market_size: pd.DataFrame) -> pd.DataFrame:
    """Market share per period = company revenue / market size.

    Parameters
    ----------
    revenue : DataFrame
        ``period, revenue`` (e.g. from :func:`period_revenue`).
    market_size : DataFrame
        ``period, value[, source]`` (:attr:`MarketData.market_size` or :func:`market_size_frame`).

    Returns
    -------
    DataFrame
        Periods present in both, in time order: ``period, revenue,
        market_size, share, change`` (share − previous listed period's
        share, in share points), ``source``.

    Examples
    --------
    >>> r = pd.DataFrame({"period": ["2025Q3", "2025Q4"], "revenue": [50.0, 80.0]})
    >>> m = pd.DataFrame({"period": ["2025Q3", "2025Q4"], "value": [1000.0, 1000.0], "source": ["s", "s"]})
    >>> market_share(r, m)[["share", "change"]].round(3).values.tolist()
    [[0.05, nan], [0.08, 0.03]]
    """
    ms = market_size.rename(columns={"value": "market_size"})
    if "source" not in ms.columns:
        ms = ms.assign(source="")
    out = revenue[["period", "revenue"]].merge(ms[["period", "market_size", "source"]], on="period", how="inner")
    out["_start"] = [pd.Timestamp(period_bounds(p)[0]) for p in out["period"]]
    out = out.sort_values("_start", kind="stable").drop(columns="_start").reset_index(drop=True)
    out["share"] = out["revenue"] / out["market_size"]
    out["change"] = out["share"].diff()
    return out[["period", "revenue", "market_size", "share", "change", "source"]]


def share_trend(shares: pd.DataFrame) -> dict[str, float]:
    """Trend of market share over the listed periods.

    ``latest`` share, ``change`` vs the previous period (share points),
    ``slope`` = least-squares slope of share on period number (share points
    per period; NaN with fewer than 3 periods) and ``periods``.

    Examples
    --------
    >>> t = share_trend(pd.DataFrame({"share": [0.05, 0.06, 0.08]}))
    >>> round(t["slope"], 3), round(t["change"], 3)
    (0.015, 0.02)
    """
    s = pd.to_numeric(shares["share"], errors="coerce").dropna().to_numpy()
    n = s.size
    slope = float(np.polyfit(np.arange(n), s, 1)[0]) if n >= 3 else float("nan")
    return {"latest": float(s[-1]) if n else float("nan"), "change": float(s[-1] - s[-2]) if n >= 2 else float("nan"),
            "slope": slope, "periods": n}


def company_benchmarks(surveys: pd.DataFrame | None, customers: pd.DataFrame, orders: pd.DataFrame, start, end, *,
                       churn_events: pd.DataFrame | None = None, inactivity_days: int | None = None,
                       business_model: Any = None, market_share: float | None = None,
                       min_n: int = 1) -> dict[str, float | None]:
    """The company's own values of :data:`BENCHMARK_METRICS`, by the definitions of its own reports.

    * ``nps``: :func:`crmkit.indicators.satisfaction.nps` of the ``nps``
      surveys answered in ``[start, end]``;
    * ``csat``: :func:`crmkit.indicators.satisfaction.csat` (top-two-box
      share) of the ``csat`` surveys in the window;
    * ``churn_rate``: :func:`crmkit.indicators.churn.period_churn_rate` with
      the report's *business_model* (a
      :class:`~crmkit.indicators.business_model.BusinessModel`; resolved from
      the churn events when None), as in the churn report;
    * ``market_share``: as given (see :func:`market_share`).

    Metrics without data are ``None`` (the comparison shows them as missing).
    The result is what :func:`comparison` takes as *own*.
    """
    from crmkit.indicators.churn import period_churn_rate
    from crmkit.indicators.satisfaction import csat, nps, survey_window

    def value(e) -> float | None:
        return None if e.n == 0 or _isnan(e.value) else float(e.value)

    out: dict[str, float | None] = {"nps": None, "csat": None, "churn_rate": None, "market_share": market_share}
    if surveys is not None and len(surveys):
        out["nps"] = value(nps(survey_window(surveys, start, end, "nps")["score"], min_n=min_n))
        c = survey_window(surveys, start, end, "csat")
        scale = (pd.to_numeric(c["scale_max"], errors="coerce").fillna(5.0) if "scale_max" in c
                 else pd.Series(5.0, index=c.index))
        out["csat"] = value(csat(c["score"], scale, min_n=min_n))
    try:
        out["churn_rate"] = value(period_churn_rate(customers, orders, start, end, churn_events=churn_events,
                                                    inactivity_days=inactivity_days, business_model=business_model,
                                                    min_n=min_n))
    except ValueError:  # no customer bought twice: no inactivity threshold, no churn rate
        out["churn_rate"] = None
    return out


def comparison(own: Mapping[str, float | None], competitors: pd.DataFrame, *, period: str | None = None,
               company_label: str = "Company") -> pd.DataFrame:
    """The company's indicators beside competitor benchmarks.

    Parameters
    ----------
    own : mapping
        The company's values by metric name of :data:`BENCHMARK_METRICS`
        (NPS −100..100; CSAT, churn rate, market share as ratios; the
        company's price index is 1 by definition when not given).
    competitors : DataFrame
        :attr:`MarketData.competitors`.
    period : str, optional
        Use this period's benchmarks; default: each competitor's latest.

    Returns
    -------
    DataFrame
        Company first, then competitors: ``entity, is_company, period,
        nps, csat, churn_rate, market_share, price_index, source``.
    """
    comp = competitors
    if period is not None:
        comp = comp[comp["period"] == period]
    elif len(comp):
        comp = comp.sort_values("start", kind="stable").groupby("name", sort=False).tail(1)
    own_row = {"entity": company_label, "is_company": True, "period": period or "",
               **{m: (float(own[m]) if own.get(m) is not None and not _isnan(own.get(m)) else np.nan) for m in BENCHMARK_METRICS},
               "source": "company data"}
    if np.isnan(own_row["price_index"]):
        own_row["price_index"] = 1.0
    rows = [own_row] + [
        {"entity": r["name"], "is_company": False, "period": r["period"], **{m: r[m] for m in BENCHMARK_METRICS},
         "source": r["source"]} for _, r in comp.iterrows()
    ]
    return pd.DataFrame(rows, columns=["entity", "is_company", "period", *BENCHMARK_METRICS, "source"])


def _isnan(x: Any) -> bool:
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def benchmark_gaps(table: pd.DataFrame) -> pd.DataFrame:
    """Per metric: company value, competitors' mean and best, gap and rank.

    ``gap`` = company − competitor mean (positive = higher); ``better``
    says whether the gap is favourable given the metric's direction
    (higher NPS, CSAT and share are better; lower churn and price index);
    ``rank`` = company's rank among all entities with a value (1 = best).
    Metrics without any competitor value are left out.
    """
    comp = table[~table["is_company"]]
    own = table[table["is_company"]].iloc[0]
    rows = []
    for m, (en, zh, unit, direction) in BENCHMARK_METRICS.items():
        vals = pd.to_numeric(comp[m], errors="coerce").dropna()
        if vals.empty or _isnan(own[m]):
            continue
        v = float(own[m])
        best = vals.max() if direction == "higher" else vals.min()
        allv = pd.concat([vals, pd.Series([v])], ignore_index=True)
        rank = int((allv > v).sum() + 1) if direction == "higher" else int((allv < v).sum() + 1)
        gap = v - float(vals.mean())
        rows.append({"metric": m, "label_en": en, "label_zh": zh, "unit": unit, "direction": direction, "company": v,
                     "competitor_mean": float(vals.mean()), "competitor_best": float(best), "gap": gap,
                     "better": bool(gap > 0) if direction == "higher" else bool(gap < 0), "rank": rank,
                     "entities": int(len(allv))})
    return pd.DataFrame(rows, columns=["metric", "label_en", "label_zh", "unit", "direction", "company", "competitor_mean",
                                       "competitor_best", "gap", "better", "rank", "entities"])


# -- report read-outs -------------------------------------------------------------
def market_sizes(market: MarketData | None, period: str, market_size: float = 0.0, end=None, *,
                 source: str = "run parameter market_size") -> pd.DataFrame:
    """Market size per period from the market file and the run parameter ``market_size``.

    A positive *market_size* replaces the file's entry for *period*
    (:func:`market_size_frame`); periods ending after *end* are left out.

    Returns
    -------
    DataFrame
        ``period, start, end, value, source`` (empty without either input).

    Examples
    --------
    >>> market_sizes(None, "2025Q4", 5e6)[["period", "value"]].values.tolist()
    [['2025Q4', 5000000.0]]
    >>> len(market_sizes(None, "2025Q4"))
    0
    """
    sizes = market.market_size if market is not None else pd.DataFrame(columns=["period", "start", "end", "value", "source"])
    if market_size and market_size > 0:
        sizes = pd.concat([sizes[sizes["period"] != period], market_size_frame(period, market_size, source=source)],
                          ignore_index=True)
    if end is not None and len(sizes):
        sizes = sizes[pd.to_datetime(sizes["end"]) <= pd.Timestamp(end)]
    return sizes


def share_in(shares: pd.DataFrame, period: str) -> float | None:
    """Market share of *period* in :func:`market_share` (None when the period is not listed).

    Examples
    --------
    >>> share_in(pd.DataFrame({"period": ["2025Q3", "2025Q4"], "share": [0.05, 0.08]}), "2025Q4")
    0.08
    """
    hit = shares.loc[shares["period"] == period, "share"]
    return float(hit.iloc[0]) if len(hit) else None


def benchmark_period(market: MarketData, period: str) -> str | None:
    """*period* when the market file has competitor benchmarks for it, else None (each competitor's latest)."""
    return period if period in set(market.competitors["period"]) else None


__all__ += ["market_sizes", "share_in", "benchmark_period"]
