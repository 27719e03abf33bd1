"""Service quality (服务质量): response and resolution times, SLA, FCR, complaints.

Indicator definitions follow docs/indicators.md, section "Service quality".  Every
function takes the canonical ``tickets`` frame and a window ``[start, end]``
(``end`` inclusive, in days); tickets belong to the window by ``opened_at``.

Open tickets are handled explicitly: times are measured only on tickets that
have the event (a resolution time needs ``resolved_at``), and SLA attainment
counts a still-open ticket as a breach once it is older than the target at
the end of the window, and leaves it out while its outcome is still undecided.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.estimate import MIN_N, Z95, Estimate, proportion
from crmkit.indicators.frames import flag, with_columns
from crmkit.store.data import window_bounds, rows_between

__all__ = [
    "ticket_frame",
    "quantile_estimate",
    "first_response_time",
    "resolution_time",
    "sla_attainment",
    "fcr_rate",
    "reopen_rate",
    "backlog",
    "complaint_rate",
    "complaint_summary",
    "complaint_reasons",
    "ticket_csat",
    "service_summary",
    "service_by",
    "monthly_trend",
    "rate_per_1000",
    "headline",
    "late_share",
    "median_by",
    "complaint_overview",
    "recent_trend",
]

_OPTIONAL = {
    "customer_id": "str", "category": "str", "is_complaint": "boolean", "complaint_reason": "str",
    "first_response_at": "datetime64[ns]", "resolved_at": "datetime64[ns]",
    "first_contact_resolution": "boolean", "reopened": "boolean", "satisfaction": "float64",
    "handling_minutes": "float64", "cost": "float64",
}


def ticket_frame(tickets: pd.DataFrame, start, end, *, sla_hours: float = 24.0, sla_on: str = "resolution") -> pd.DataFrame:
    """Tickets opened in ``[start, end]`` with derived per-ticket measures.

    Adds ``first_response_hours`` = (first_response_at − opened_at) in hours,
    ``resolution_hours`` = (resolved_at − opened_at) in hours (missing while
    open), ``open_at_end`` (not resolved by the end of the window) and
    ``sla_met`` (True / False / missing when undecided; see
    :func:`sla_attainment`).
    """
    if sla_on not in ("resolution", "first_response"):
        raise ValueError("sla_on must be 'resolution' or 'first_response'")
    _, hi = window_bounds(start, end)
    t = with_columns(rows_between(tickets, "opened_at", start, end), _OPTIONAL).copy()
    hours = pd.Timedelta(hours=1)
    t["first_response_hours"] = (t["first_response_at"] - t["opened_at"]) / hours
    t["resolution_hours"] = (t["resolved_at"] - t["opened_at"]) / hours
    resolved_by_end = t["resolved_at"].notna() & (t["resolved_at"] < hi)
    t["open_at_end"] = ~resolved_by_end
    event = t["resolved_at"] if sla_on == "resolution" else t["first_response_at"]
    elapsed = (event - t["opened_at"]) / hours
    age_at_end = (hi - t["opened_at"]) / hours
    met = pd.Series(pd.NA, index=t.index, dtype="boolean")
    known = event.notna()
    met[known] = elapsed[known] <= sla_hours
    breached_open = ~known & (age_at_end > sla_hours)
    met[breached_open] = False
    t["sla_met"] = met
    return t


def quantile_estimate(values, q: float = 0.5, *, min_n: int = MIN_N) -> Estimate:
    """Sample quantile with a distribution-free 95 % interval from order statistics.

    The interval is ``[x_(j), x_(k)]`` with ``j, k = ⌈n q ∓ 1.96 √(n q (1 − q))⌉``
    (normal approximation to the binomial count below the quantile, both
    rounded up; Conover, *Practical Nonparametric Statistics*, 3rd ed. 1999,
    §3.2), clipped to the sample.

    Examples
    --------
    >>> e = quantile_estimate(range(1, 101), 0.5)
    >>> e.value, e.ci_low, e.ci_high, e.n
    (50.5, 41.0, 60.0, 100)
    """
    x = np.sort(pd.to_numeric(pd.Series(values, dtype="float64"), errors="coerce").dropna().to_numpy())
    n = x.size
    if n == 0:
        return Estimate(float("nan"), n=0, min_n=min_n)
    v = float(np.quantile(x, q))
    half = Z95 * math.sqrt(n * q * (1 - q))
    j = min(max(int(math.ceil(n * q - half)), 1), n)
    k = min(max(int(math.ceil(n * q + half)), 1), n)
    return Estimate(v, float("nan"), float(x[j - 1]), float(x[k - 1]), n, min_n)


def first_response_time(tickets: pd.DataFrame, start, end, q: float = 0.5, *, min_n: int = MIN_N) -> Estimate:
    """First response time in hours, quantile *q* (0.5 median, 0.9 p90) (↓).

    Formula: quantile of (first_response_at − opened_at) over tickets opened in
    the window that have a first response.
    """
    return quantile_estimate(ticket_frame(tickets, start, end)["first_response_hours"], q, min_n=min_n)


def resolution_time(tickets: pd.DataFrame, start, end, q: float = 0.5, *, complaints_only: bool = False,
                    min_n: int = MIN_N) -> Estimate:
    """Resolution time in hours, quantile *q* (↓), over resolved tickets opened in the window.

    Tickets still open are excluded (their time is not yet known), so with
    many open tickets this understates the true time; :func:`sla_attainment`
    and :func:`backlog` account for them.
    """
    t = ticket_frame(tickets, start, end)
    if complaints_only:
        t = t[flag(t["is_complaint"])]
    return quantile_estimate(t["resolution_hours"], q, min_n=min_n)


def sla_attainment(tickets: pd.DataFrame, start, end, sla_hours: float = 24.0, *, on: str = "resolution",
                   min_n: int = MIN_N) -> Estimate:
    """Share of tickets resolved (or first answered) within *sla_hours*.

    Formula (docs/indicators.md): SLA attainment = tickets within target / tickets
    whose outcome is known at the end of the window, where

    * a ticket with the event (``resolved_at`` / ``first_response_at``) meets
      the SLA when its elapsed time ≤ target;
    * a ticket without it that is already older than the target at the end of
      the window has breached it (counted in the denominator as a failure);
    * a ticket without it that is still younger than the target is undecided
      and left out.

    Wilson 95 % interval; ``n`` = decided tickets.

    Examples
    --------
    >>> t = pd.DataFrame({"ticket_id": ["1", "2", "3"], "channel": ["phone"] * 3,
    ...     "opened_at": pd.to_datetime(["2025-01-01 08:00", "2025-01-02 08:00", "2025-01-31 20:00"]),
    ...     "resolved_at": pd.to_datetime(["2025-01-01 12:00", None, None])})
    >>> sla_attainment(t, "2025-01-01", "2025-01-31", 24).value   # 1 met, 1 open breach, 1 undecided
    0.5
    """
    t = ticket_frame(tickets, start, end, sla_hours=sla_hours, sla_on=on)
    met = t["sla_met"].dropna()
    return proportion(int(met.astype(bool).sum()), len(met), min_n=min_n)


def fcr_rate(tickets: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> Estimate:
    """First-contact resolution rate: tickets resolved at first contact / tickets with the flag known.

    Wilson 95 % interval.
    """
    f = ticket_frame(tickets, start, end)["first_contact_resolution"].dropna()
    return proportion(int(f.astype(bool).sum()), len(f), min_n=min_n)


def reopen_rate(tickets: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> Estimate:
    """Reopen rate (↓): reopened tickets / resolved tickets with the flag known. Wilson 95 % interval."""
    t = ticket_frame(tickets, start, end)
    r = t.loc[t["resolved_at"].notna(), "reopened"].dropna()
    return proportion(int(r.astype(bool).sum()), len(r), min_n=min_n)


def backlog(tickets: pd.DataFrame, end, *, since=None) -> int:
    """Tickets open at the end of the window (↓).

    Formula: tickets opened on or before *end* (and on or after *since*, when
    given) whose ``resolved_at`` is missing or later than *end*.

    Examples
    --------
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-01", "2025-01-30", "2025-01-31"]),
    ...                   "resolved_at": pd.to_datetime(["2025-01-02", "2025-02-03", None])})
    >>> backlog(t, "2025-01-31")
    2
    """
    _, hi = window_bounds(end, end)
    t = with_columns(tickets, {"resolved_at": "datetime64[ns]"})
    mask = t["opened_at"] < hi
    if since is not None:
        mask &= t["opened_at"] >= window_bounds(since, since)[0]
    open_ = t["resolved_at"].isna() | (t["resolved_at"] >= hi)
    return int((mask & open_).sum())


def rate_per_1000(events: int, exposure: int, *, min_n: int = MIN_N) -> Estimate:
    """Events per 1,000 units of exposure with an exact Poisson (Garwood) 95 % interval.

    Examples
    --------
    >>> e = rate_per_1000(12, 4000)
    >>> e.value, round(e.ci_low, 2), round(e.ci_high, 2)
    (3.0, 1.55, 5.24)
    """
    if exposure <= 0:
        return Estimate(float("nan"), n=int(exposure), min_n=min_n)
    k = int(events)
    lo = stats.chi2.ppf(0.025, 2 * k) / 2 if k > 0 else 0.0
    hi = stats.chi2.ppf(0.975, 2 * k + 2) / 2
    f = 1000.0 / exposure
    return Estimate(k * f, math.sqrt(k) * f, float(lo * f), float(hi * f), int(exposure), min_n)


def complaint_rate(tickets: pd.DataFrame, start, end, exposure: int, *, min_n: int = MIN_N) -> Estimate:
    """Complaints per 1,000 customers or per 1,000 orders (↓).

    Formula (docs/indicators.md): 1000 × complaints opened in the window /
    *exposure*, where *exposure* is the number of active customers (or of
    orders) in the window.  Exact Poisson 95 % interval; ``n`` = exposure.

    Examples
    --------
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-05"] * 3), "is_complaint": [True, True, False]})
    >>> complaint_rate(t, "2025-01-01", "2025-01-31", 500).value
    4.0
    """
    t = ticket_frame(tickets, start, end)
    return rate_per_1000(int(flag(t["is_complaint"]).sum()), exposure, min_n=min_n)


def complaint_summary(tickets: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> dict[str, Estimate | int]:
    """Complaint handling: count, median handling time (hours, ↓) and resolution rate.

    ``handling_hours`` = median (resolved_at − opened_at) of resolved complaints;
    ``resolution_rate`` = complaints resolved by the end of the window /
    complaints opened in it (Wilson interval).
    """
    t = ticket_frame(tickets, start, end)
    c = t[flag(t["is_complaint"])]
    return {
        "complaints": int(len(c)),
        "handling_hours": quantile_estimate(c["resolution_hours"], 0.5, min_n=min_n),
        "resolution_rate": proportion(int((~c["open_at_end"]).sum()), len(c), min_n=min_n),
    }


def complaint_reasons(tickets: pd.DataFrame, start, end) -> pd.DataFrame:
    """Complaints opened in the window per ``complaint_reason`` (missing → ``"unknown"``), with shares."""
    t = ticket_frame(tickets, start, end)
    c = t[flag(t["is_complaint"])]
    reason = c["complaint_reason"].astype("str").where(c["complaint_reason"].notna(), "unknown")
    out = reason.value_counts().rename("complaints").rename_axis("reason").reset_index()
    out["share"] = out["complaints"] / out["complaints"].sum() if len(out) else np.nan
    return out


def ticket_csat(tickets: pd.DataFrame, start, end, *, scale_max: float = 5.0, min_n: int = MIN_N) -> Estimate:
    """Ticket CSAT: share of rated tickets in the top two boxes (≥ scale_max − 1).

    Formula as docs/indicators.md "CSAT" applied to ``tickets.satisfaction``; Wilson interval.

    Examples
    --------
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-05"] * 4), "satisfaction": [5, 4, 2, None]})
    >>> round(ticket_csat(t, "2025-01-01", "2025-01-31").value, 3)
    0.667
    """
    s = ticket_frame(tickets, start, end)["satisfaction"].dropna()
    return proportion(int((s >= scale_max - 1).sum()), len(s), min_n=min_n)


def _summarise(t: pd.DataFrame, scale_max: float) -> dict:
    fr, res = t["first_response_hours"].dropna(), t["resolution_hours"].dropna()
    met = t["sla_met"].dropna()
    fcr = t["first_contact_resolution"].dropna()
    reo = t.loc[t["resolved_at"].notna(), "reopened"].dropna()
    sat = t["satisfaction"].dropna()
    comp = flag(t["is_complaint"])
    nan = float("nan")
    return {
        "tickets": int(len(t)),
        "complaints": int(comp.sum()),
        "first_response_median_h": float(fr.median()) if len(fr) else nan,
        "first_response_p90_h": float(fr.quantile(0.9)) if len(fr) else nan,
        "resolution_median_h": float(res.median()) if len(res) else nan,
        "resolution_p90_h": float(res.quantile(0.9)) if len(res) else nan,
        "sla_attainment": float(met.astype(bool).mean()) if len(met) else nan,
        "fcr_rate": float(fcr.astype(bool).mean()) if len(fcr) else nan,
        "reopen_rate": float(reo.astype(bool).mean()) if len(reo) else nan,
        "open_at_end": int(t["open_at_end"].sum()),
        "satisfaction_mean": float(sat.mean()) if len(sat) else nan,
        "csat": float((sat >= scale_max - 1).mean()) if len(sat) else nan,
        "rated": int(len(sat)),
    }


def service_summary(tickets: pd.DataFrame, start, end, *, sla_hours: float = 24.0, scale_max: float = 5.0) -> pd.DataFrame:
    """One row of every service indicator for tickets opened in the window (see :func:`service_by`)."""
    return pd.DataFrame([_summarise(ticket_frame(tickets, start, end, sla_hours=sla_hours), scale_max)])


def service_by(
    tickets: pd.DataFrame,
    start,
    end,
    by: str | Sequence[str] = "channel",
    *,
    sla_hours: float = 24.0,
    scale_max: float = 5.0,
) -> pd.DataFrame:
    """Service indicators per group (e.g. ``"channel"`` or ``"category"``).

    Columns: ``tickets, complaints, first_response_median_h,
    first_response_p90_h, resolution_median_h, resolution_p90_h,
    sla_attainment, fcr_rate, reopen_rate, open_at_end, satisfaction_mean,
    csat, rated``, with the same definitions as the single-figure functions
    (:func:`sla_attainment`, :func:`fcr_rate`, ...).  Missing group values are
    shown as ``"unknown"``; rows are sorted by ticket count.
    """
    keys = [by] if isinstance(by, str) else list(by)
    t = ticket_frame(tickets, start, end, sla_hours=sla_hours)
    for k in keys:
        t[k] = t[k].astype("str").where(t[k].notna(), "unknown")
    rows = []
    for key, g in t.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(keys, key)), **_summarise(g, scale_max)})
    cols = keys + list(_summarise(t.iloc[:0], scale_max))
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("tickets", ascending=False, kind="stable").reset_index(drop=True)


def monthly_trend(tickets: pd.DataFrame, start, end, *, sla_hours: float = 24.0, scale_max: float = 5.0) -> pd.DataFrame:
    """Service indicators per calendar month of ``opened_at`` (column ``month`` = first day)."""
    t = ticket_frame(tickets, start, end, sla_hours=sla_hours)
    t["month"] = t["opened_at"].dt.to_period("M").dt.to_timestamp()
    rows = [{"month": m, **_summarise(g, scale_max)} for m, g in t.groupby("month", sort=True)]
    return pd.DataFrame(rows, columns=["month"] + list(_summarise(t.iloc[:0], scale_max)))



# -- figures of the service report -------------------------------------------------------------------


def headline(tickets: pd.DataFrame, start, end, *, sla_hours: float = 24.0, min_n: int = MIN_N) -> dict:
    """The headline service figures of the window in one dictionary.

    Keys: ``tickets`` (opened in the window), ``first_response_median``,
    ``first_response_p90``, ``resolution_median``, ``resolution_p90``
    (:func:`first_response_time`, :func:`resolution_time`), ``sla``
    (:func:`sla_attainment`), ``undecided`` (tickets whose SLA outcome is not
    known yet: tickets − ``sla.n``), ``fcr``, ``reopen``, ``backlog`` and
    ``csat`` (:func:`fcr_rate`, :func:`reopen_rate`, :func:`backlog`,
    :func:`ticket_csat`).
    """
    n = int(len(ticket_frame(tickets, start, end, sla_hours=sla_hours)))
    sla = sla_attainment(tickets, start, end, sla_hours, min_n=min_n)
    return {
        "tickets": n,
        "first_response_median": first_response_time(tickets, start, end, 0.5, min_n=min_n),
        "first_response_p90": first_response_time(tickets, start, end, 0.9, min_n=min_n),
        "resolution_median": resolution_time(tickets, start, end, 0.5, min_n=min_n),
        "resolution_p90": resolution_time(tickets, start, end, 0.9, min_n=min_n),
        "sla": sla,
        "undecided": n - sla.n,
        "fcr": fcr_rate(tickets, start, end, min_n=min_n),
        "reopen": reopen_rate(tickets, start, end, min_n=min_n),
        "backlog": backlog(tickets, end),
        "csat": ticket_csat(tickets, start, end, min_n=min_n),
    }


def late_share(frame: pd.DataFrame, sla_hours: float) -> float:
    """Share of resolved tickets whose resolution took longer than *sla_hours*.

    Formula: #(resolution_hours > sla_hours) / #(resolution_hours known), over a
    :func:`ticket_frame`; NaN when no ticket is resolved.

    Examples
    --------
    >>> late_share(pd.DataFrame({"resolution_hours": [2.0, 30.0, None, 50.0]}), 24)
    0.6666666666666666
    """
    hours = frame["resolution_hours"].dropna()
    return float((hours > sla_hours).mean()) if len(hours) else float("nan")


def median_by(frame: pd.DataFrame, by: str, column: str = "resolution_hours") -> pd.Series:
    """Median of *column* per value of *by*, ascending (groups without a value left out).

    Examples
    --------
    >>> f = pd.DataFrame({"channel": ["a", "a", "b"], "resolution_hours": [1.0, 3.0, 0.5]})
    >>> median_by(f, "channel").to_dict()
    {'b': 0.5, 'a': 2.0}
    """
    return frame.dropna(subset=[column]).groupby(by)[column].median().sort_values()


def complaint_overview(tickets: pd.DataFrame, orders, start, end, *, min_n: int = MIN_N) -> dict:
    """Complaint figures of the window: counts, rates per 1,000 customers and orders, handling, reasons.

    Keys: ``complaints``, ``handling_hours``, ``resolution_rate``
    (:func:`complaint_summary`), ``per_1000_customers`` and
    ``per_1000_orders`` (:func:`complaint_rate` with the window's ordering
    customers and orders as exposure, from
    :func:`crmkit.indicators.value.revenue_summary`) and ``reasons``
    (:func:`complaint_reasons`).
    """
    from crmkit.indicators.value import revenue_summary

    base = revenue_summary(orders, start, end).iloc[0]
    return {
        **complaint_summary(tickets, start, end, min_n=min_n),
        "per_1000_customers": complaint_rate(tickets, start, end, int(base["customers"]), min_n=min_n),
        "per_1000_orders": complaint_rate(tickets, start, end, int(base["orders"]), min_n=min_n),
        "reasons": complaint_reasons(tickets, start, end),
    }


def recent_trend(tickets: pd.DataFrame, end, *, months: int = 12, sla_hours: float = 24.0) -> pd.DataFrame:
    """:func:`monthly_trend` over the *months* calendar months ending on *end* (inclusive)."""
    end = pd.Timestamp(end)
    return monthly_trend(tickets, end - pd.DateOffset(months=months) + pd.Timedelta(days=1), end, sla_hours=sla_hours)
