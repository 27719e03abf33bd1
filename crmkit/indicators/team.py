"""Service team performance (服务团队绩效): agents, workload, outliers, targets.

Per agent (``tickets.agent_id``): tickets handled, first-contact resolution,
median handle time, ticket CSAT, reopen rate and workload share; the spread
of workload across agents (coefficient of variation, Gini); agents whose
KPIs lie far from the team's (robust z-score); team KPIs against targets;
and employee satisfaction (``surveys.survey_type == "employee"``) beside
customer satisfaction.

Agents are people: reports show them as stable pseudonyms ("Agent 01")
unless the run sets ``mask_pii: false`` (:func:`pseudonymise`).  Per-agent
rates rest on few tickets, so every figure carries its ``n`` and a flag when
``n < min_n``; outliers are a prompt to look, not a verdict.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from crmkit.estimate import MIN_N, Estimate, mean, proportion
from crmkit.indicators.service import quantile_estimate, ticket_frame
from crmkit.indicators.frames import flag
from crmkit.indicators.satisfaction import employee_satisfaction  # noqa: F401 - one definition, listed here too
from crmkit.indicators.value import gini

__all__ = [
    "TEAM_TARGETS",
    "KPI_LABELS",
    "pseudonymise",
    "agent_kpis",
    "workload_spread",
    "robust_z",
    "agent_outliers",
    "team_kpis",
    "employee_satisfaction",
    "satisfaction_comparison",
]

SALT_ENV = "CRMKIT_PSEUDONYM_SALT"

# Default team targets: (value, direction).  Rules of thumb to be replaced by
# the company's own targets: FCR about 70 % is the contact-centre average
# reported by SQM Group; a top-two-box CSAT of 80 %, reopen rate at most
# 10 %, a median handle time within 20 minutes and a workload coefficient of
# variation at most 0.25 (agents within about a quarter of the mean load).
TEAM_TARGETS: dict[str, tuple[float, str]] = {
    "fcr_rate": (0.70, "higher"),
    "csat": (0.80, "higher"),
    "reopen_rate": (0.10, "lower"),
    "median_handle_minutes": (20.0, "lower"),
    "workload_cv": (0.25, "lower"),
}

KPI_LABELS: dict[str, tuple[str, str, str]] = {
    # name: (English, Chinese, unit)
    "tickets": ("Tickets handled", "处理工单数", "count"),
    "workload_share": ("Workload share", "工作量占比", "ratio"),
    "fcr_rate": ("First-contact resolution", "首次解决率", "ratio"),
    "median_handle_minutes": ("Median handle time", "处理时长中位数", "minutes"),
    "csat": ("Ticket CSAT", "工单满意度", "ratio"),
    "reopen_rate": ("Reopen rate", "重开率", "ratio"),
    "workload_cv": ("Workload coefficient of variation", "工作量变异系数", "number"),
    "workload_gini": ("Workload Gini", "工作量基尼系数", "number"),
}

# Direction of each per-agent KPI (for naming an outlier better or worse).
_DIRECTION = {"fcr_rate": "higher", "csat": "higher", "reopen_rate": "lower", "median_handle_minutes": "lower",
              "tickets": None, "workload_share": None}


def _salt(salt: str | None) -> str:
    return salt if salt else os.environ.get(SALT_ENV, "crmkit")


def pseudonymise(ids: Iterable[Any], *, salt: str | None = None, mask_pii: bool = True, prefix: str = "Agent") -> pd.Series:
    """Stable display names for agent ids.

    Each distinct id gets the key ``HMAC-SHA256(salt, id)``; agents are
    numbered ``"<prefix> 01"``, ``"<prefix> 02"``... in the order of their
    keys, so the mapping depends only on the set of ids and the salt (not on
    row order) and cannot be inverted without the salt.  Set a secret salt
    with the ``salt`` argument or the ``CRMKIT_PSEUDONYM_SALT`` environment
    variable; the default salt is public and only hides ids from casual
    readers.  With ``mask_pii=False`` the ids are shown as they are.

    Returns
    -------
    Series
        Display name indexed by the raw id (missing ids are ``"unassigned"``).

    Examples
    --------
    >>> m = pseudonymise(["A7", "A3", "A7"], salt="s")
    >>> sorted(m.tolist())
    ['Agent 1', 'Agent 2']
    >>> pseudonymise(["A7"], mask_pii=False).tolist()
    ['A7']
    """
    raw = pd.Series(list(ids), dtype="object")
    uniq = sorted({str(x) for x in raw if x is not None and not (isinstance(x, float) and math.isnan(x))})
    if not mask_pii:
        return pd.Series(uniq, index=pd.Index(uniq, dtype="object"), dtype="object")
    key = _salt(salt).encode("utf-8")
    digests = {u: hmac.new(key, u.encode("utf-8"), hashlib.sha256).hexdigest() for u in uniq}
    order = sorted(uniq, key=lambda u: digests[u])
    width = max(1, len(str(len(order))))
    names = {u: f"{prefix} {i + 1:0{width}d}" for i, u in enumerate(order)}
    return pd.Series([names[u] for u in uniq], index=pd.Index(uniq, dtype="object"), dtype="object")


def agent_kpis(
    tickets: pd.DataFrame,
    start,
    end,
    *,
    mask_pii: bool = True,
    salt: str | None = None,
    scale_max: float = 5.0,
    min_n: int = MIN_N,
    prefix: str = "Agent",
) -> pd.DataFrame:
    """Per-agent service KPIs for tickets opened in ``[start, end]``.

    Formulas (docs/indicators.md, Service quality, per agent): ``tickets`` =
    tickets opened in the window and assigned to the agent; ``workload_share``
    = tickets / all assigned tickets; ``fcr_rate`` = tickets resolved at first
    contact / tickets with the flag known (``fcr_n``);
    ``median_handle_minutes`` = median ``handling_minutes`` (``handle_n``);
    ``csat`` = rated tickets scoring ≥ scale_max − 1 / rated tickets
    (``rated``); ``reopen_rate`` = reopened / resolved tickets with the flag
    known (``reopen_n``); ``complaints``; ``small_n`` = tickets < *min_n*.
    Tickets without an agent are left out.

    Returns
    -------
    DataFrame
        One row per agent, sorted by tickets: ``agent`` (pseudonym
        ``"<prefix> NN"`` unless *mask_pii* is false, see
        :func:`pseudonymise`) and the columns above.
    """
    t = ticket_frame(tickets, start, end)
    if "agent_id" not in t.columns:
        t = t.assign(agent_id=pd.Series(None, index=t.index, dtype="object"))
    t = t[t["agent_id"].notna()]
    names = pseudonymise(t["agent_id"], salt=salt, mask_pii=mask_pii, prefix=prefix)
    total = len(t)
    rows = []
    for aid, g in t.groupby(t["agent_id"].astype(str), sort=True):
        fcr = g["first_contact_resolution"].dropna().astype(bool)
        reo = g.loc[g["resolved_at"].notna(), "reopened"].dropna().astype(bool)
        sat = pd.to_numeric(g["satisfaction"], errors="coerce").dropna()
        hm = pd.to_numeric(g["handling_minutes"], errors="coerce").dropna()
        rows.append({
            "agent": names[aid],
            "tickets": int(len(g)),
            "workload_share": len(g) / total if total else np.nan,
            "fcr_rate": float(fcr.mean()) if len(fcr) else np.nan, "fcr_n": int(len(fcr)),
            "median_handle_minutes": float(hm.median()) if len(hm) else np.nan, "handle_n": int(len(hm)),
            "csat": float((sat >= scale_max - 1).mean()) if len(sat) else np.nan, "rated": int(len(sat)),
            "reopen_rate": float(reo.mean()) if len(reo) else np.nan, "reopen_n": int(len(reo)),
            "complaints": int(flag(g["is_complaint"]).sum()),
            "small_n": len(g) < min_n,
        })
    cols = ["agent", "tickets", "workload_share", "fcr_rate", "fcr_n", "median_handle_minutes", "handle_n", "csat",
            "rated", "reopen_rate", "reopen_n", "complaints", "small_n"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["tickets", "agent"], ascending=[False, True], kind="stable").reset_index(drop=True)


def workload_spread(counts: Iterable[float]) -> dict[str, float]:
    """How evenly tickets are spread across agents.

    Formulas: ``cv`` = σ / μ with the population standard deviation (ddof 0)
    of tickets per agent; ``gini`` = Gini coefficient of tickets per agent
    (:func:`crmkit.indicators.value.gini`); ``max_share`` = largest agent's share;
    ``max_min_ratio`` = most / fewest tickets.

    Examples
    --------
    >>> w = workload_spread([10, 20, 30])
    >>> round(w["cv"], 4), round(w["gini"], 4), w["max_share"]
    (0.4082, 0.2222, 0.5)
    """
    x = np.asarray([float(v) for v in counts], dtype="float64")
    x = x[~np.isnan(x)]
    if x.size == 0 or x.sum() <= 0:
        return {"agents": int(x.size), "mean": np.nan, "cv": np.nan, "gini": np.nan, "max_share": np.nan,
                "max_min_ratio": np.nan}
    mu = float(x.mean())
    return {
        "agents": int(x.size), "mean": mu, "cv": float(x.std(ddof=0) / mu), "gini": gini(x),
        "max_share": float(x.max() / x.sum()), "max_min_ratio": float(x.max() / x.min()) if x.min() > 0 else np.inf,
    }


def robust_z(values: Iterable[float], reference: Iterable[float] | None = None) -> np.ndarray:
    """Modified z-scores (Iglewicz & Hoaglin 1993).

    Formula: ``M_i = 0.6745 (x_i − median) / MAD`` with MAD the median
    absolute deviation of the *reference* values (default: the values
    themselves).  When MAD is 0 the mean absolute deviation is used:
    ``M_i = (x_i − median) / (1.253314 · MeanAD)``.  |M| > 3.5 is the
    usual outlier cut-off.  NaN stays NaN; all NaN when the spread is 0.

    Examples
    --------
    >>> robust_z([1, 2, 3, 4, 100]).round(2).tolist()
    [-1.35, -0.67, 0.0, 0.67, 65.43]
    """
    x = np.asarray([float(v) for v in values], dtype="float64")
    ref = x if reference is None else np.asarray([float(v) for v in reference], dtype="float64")
    ref = ref[~np.isnan(ref)]
    if ref.size == 0:
        return np.full(x.shape, np.nan)
    med = float(np.median(ref))
    mad = float(np.median(np.abs(ref - med)))
    if mad > 0:
        return 0.6745 * (x - med) / mad
    mean_ad = float(np.mean(np.abs(ref - med)))
    if mean_ad > 0:
        return (x - med) / (1.253314 * mean_ad)
    return np.full(x.shape, np.nan)


def agent_outliers(
    kpis: pd.DataFrame,
    *,
    columns: Iterable[str] = ("tickets", "fcr_rate", "median_handle_minutes", "csat", "reopen_rate"),
    threshold: float = 3.5,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Agents whose KPIs lie far from the team's (robust z-score).

    The median and MAD of each KPI are taken over agents with at least
    *min_n* tickets when there are three or more such agents, else over all
    agents; every agent gets a modified z-score (:func:`robust_z`) and is
    an outlier when |z| ≥ *threshold*.  ``n`` is the number of observations
    behind the agent's value and ``small_n`` flags n < *min_n* (the value
    is then noisy).

    Returns
    -------
    DataFrame
        Long format, outliers only: ``agent, kpi, value, team_median,
        robust_z, n, small_n, assessment`` (``better`` / ``worse`` than the
        team for KPIs with a direction, ``high`` / ``low`` otherwise).
    """
    n_col = {"tickets": "tickets", "workload_share": "tickets", "fcr_rate": "fcr_n", "median_handle_minutes": "handle_n",
             "csat": "rated", "reopen_rate": "reopen_n"}
    rows = []
    for kpi in columns:
        if kpi not in kpis.columns or kpis.empty:
            continue
        ncol = n_col.get(kpi, "tickets")
        n = kpis[ncol] if ncol in kpis.columns else kpis["tickets"]
        big = kpis["tickets"] >= min_n
        ref = kpis.loc[big, kpi] if big.sum() >= 3 else kpis[kpi]
        z = robust_z(kpis[kpi], ref)
        med = float(np.nanmedian(ref.astype(float))) if ref.notna().any() else np.nan
        for i in np.flatnonzero(np.abs(np.nan_to_num(z, nan=0.0)) >= threshold):
            direction = _DIRECTION.get(kpi)
            up = z[i] > 0
            if direction is None:
                verdict = "high" if up else "low"
            else:
                verdict = "better" if up == (direction == "higher") else "worse"
            rows.append({"agent": kpis["agent"].iat[i], "kpi": kpi, "value": float(kpis[kpi].iat[i]), "team_median": med,
                         "robust_z": float(z[i]), "n": int(n.iat[i]), "small_n": bool(n.iat[i] < min_n),
                         "assessment": verdict})
    cols = ["agent", "kpi", "value", "team_median", "robust_z", "n", "small_n", "assessment"]
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    return out.reindex(out["robust_z"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def team_kpis(
    tickets: pd.DataFrame,
    start,
    end,
    *,
    targets: Mapping[str, float | tuple[float, str]] | None = None,
    scale_max: float = 5.0,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Team-level KPIs with intervals, against targets.

    KPIs: ``fcr_rate`` and ``reopen_rate`` and ``csat`` (Wilson intervals,
    definitions as :func:`agent_kpis` over all tickets opened in the
    window), ``median_handle_minutes`` (order-statistic interval, see
    :func:`crmkit.indicators.service.quantile_estimate`) and ``workload_cv`` (across
    agents, :func:`workload_spread`).  Targets default to
    :data:`TEAM_TARGETS`; *targets* overrides them by name, as a value
    (direction kept) or a ``(value, direction)`` pair.

    Returns
    -------
    DataFrame
        ``kpi, label_en, label_zh, unit, estimate`` (:class:`Estimate`),
        ``value, n, target, direction, met`` (True / False; missing when
        the value is missing), ``flagged`` (n < min_n).
    """
    goal: dict[str, tuple[float, str]] = dict(TEAM_TARGETS)
    for k, v in (targets or {}).items():
        goal[k] = (float(v[0]), str(v[1])) if isinstance(v, (tuple, list)) else (float(v), goal.get(k, (0, "higher"))[1])
    t = ticket_frame(tickets, start, end)
    fcr = t["first_contact_resolution"].dropna().astype(bool)
    reo = t.loc[t["resolved_at"].notna(), "reopened"].dropna().astype(bool)
    sat = pd.to_numeric(t["satisfaction"], errors="coerce").dropna()
    assigned = t[t["agent_id"].notna()] if "agent_id" in t.columns else t.iloc[:0]
    spread = workload_spread(assigned["agent_id"].astype(str).value_counts().to_numpy()) if len(assigned) else workload_spread([])
    est = {
        "fcr_rate": proportion(int(fcr.sum()), len(fcr), min_n=min_n),
        "csat": proportion(int((sat >= scale_max - 1).sum()), len(sat), min_n=min_n),
        "reopen_rate": proportion(int(reo.sum()), len(reo), min_n=min_n),
        "median_handle_minutes": quantile_estimate(t["handling_minutes"] if "handling_minutes" in t else [], 0.5, min_n=min_n),
        "workload_cv": Estimate(spread["cv"], n=spread["agents"], min_n=3),
    }
    rows = []
    for k, e in est.items():
        en, zh, unit = KPI_LABELS[k]
        target, direction = goal.get(k, (np.nan, "higher"))
        v = e.value
        met = None if (v is None or v != v or target != target) else bool(v >= target if direction == "higher" else v <= target)
        rows.append({"kpi": k, "label_en": en, "label_zh": zh, "unit": unit, "estimate": e, "value": v, "n": e.n,
                     "target": target, "direction": direction, "met": met, "flagged": e.flagged})
    return pd.DataFrame(rows)


def _scale_max(s: pd.DataFrame, default: float = 5.0) -> pd.Series:
    if "scale_max" not in s.columns:
        return pd.Series(default, index=s.index, dtype="float64")
    return pd.to_numeric(s["scale_max"], errors="coerce").fillna(default).astype("float64")


def satisfaction_comparison(surveys: pd.DataFrame, tickets: pd.DataFrame | None, end, *, quarters: int = 4) -> pd.DataFrame:
    """Employee vs customer satisfaction per calendar quarter up to *end*.

    Columns: ``quarter`` (first day), ``employee_top2`` and ``employee_mean``
    and ``employee_n`` (employee surveys), ``customer_csat`` and
    ``customer_n`` (top-two-box share of ``csat`` surveys), ``ticket_csat``
    and ``ticket_n`` (top-two-box share of ``tickets.satisfaction``, 1-5).
    A co-movement over quarters is a prompt (the service-profit chain,
    Heskett et al. 1994), not evidence of cause.
    """
    end_q = pd.Timestamp(end).to_period("Q")
    periods = [end_q - k for k in range(quarters - 1, -1, -1)]
    s = surveys.copy()
    s["_q"] = s["responded_at"].dt.to_period("Q")
    s["_score"] = pd.to_numeric(s["score"], errors="coerce")
    s["_top"] = s["_score"] >= _scale_max(s) - 1
    typ = s["survey_type"].astype(str)
    rows = []
    for q in periods:
        e = s[(s["_q"] == q) & typ.eq("employee") & s["_score"].notna()]
        c = s[(s["_q"] == q) & typ.eq("csat") & s["_score"].notna()]
        row = {"quarter": q.to_timestamp(), "employee_top2": e["_top"].mean() if len(e) else np.nan,
               "employee_mean": e["_score"].mean() if len(e) else np.nan, "employee_n": int(len(e)),
               "customer_csat": c["_top"].mean() if len(c) else np.nan, "customer_n": int(len(c)),
               "ticket_csat": np.nan, "ticket_n": 0}
        if tickets is not None and len(tickets) and "satisfaction" in tickets.columns:
            tq = tickets[tickets["opened_at"].dt.to_period("Q") == q]
            sat = pd.to_numeric(tq["satisfaction"], errors="coerce").dropna()
            row["ticket_csat"] = float((sat >= 4).mean()) if len(sat) else np.nan
            row["ticket_n"] = int(len(sat))
        rows.append(row)
    return pd.DataFrame(rows)


# -- report read-outs -------------------------------------------------------------
def has_agents(tickets: pd.DataFrame | None, start, end) -> bool:
    """True when some ticket opened in ``[start, end]`` names its agent (``agent_id``).

    Examples
    --------
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-02", "2025-03-01"]), "agent_id": [None, "a7"]})
    >>> has_agents(t, "2025-01-01", "2025-01-31"), has_agents(t, "2025-01-01", "2025-03-31")
    (False, True)
    """
    if tickets is None or tickets.empty or "agent_id" not in tickets.columns:
        return False
    w = tickets[(tickets["opened_at"] >= pd.Timestamp(start).normalize())
                & (tickets["opened_at"] < pd.Timestamp(end).normalize() + pd.Timedelta(days=1))]
    return bool(w["agent_id"].notna().any())


def kpis_met(kpis: pd.DataFrame) -> dict[str, Any]:
    """Team KPIs of :func:`team_kpis` meeting and missing their targets.

    Returns ``met`` (count of KPIs meeting the target), ``rated`` (KPIs with
    a value, so met or missed) and ``missed`` (the rows missing it).

    Examples
    --------
    >>> k = pd.DataFrame({"kpi": ["a", "b", "c"], "met": [True, False, None]})
    >>> r = kpis_met(k)
    >>> r["met"], r["rated"], r["missed"]["kpi"].tolist()
    (1, 2, ['b'])
    """
    met = kpis["met"]
    return {"met": int((met == True).sum()), "rated": int(met.notna().sum()),  # noqa: E712
            "missed": kpis[met == False]}  # noqa: E712


def satisfaction_correlation(comparison: pd.DataFrame, *, min_quarters: int = 3) -> tuple[float, int]:
    """Pearson correlation of employee and customer satisfaction over quarters (:func:`satisfaction_comparison`).

    Uses the quarters with both ``employee_top2`` and ``customer_csat``;
    NaN when fewer than *min_quarters* have both.  Returns ``(r, quarters)``.

    Examples
    --------
    >>> c = pd.DataFrame({"employee_top2": [0.5, 0.6, 0.7, None], "customer_csat": [0.6, 0.7, 0.8, 0.9]})
    >>> r, q = satisfaction_correlation(c)
    >>> round(r, 6), q
    (1.0, 3)
    """
    both = comparison.dropna(subset=["employee_top2", "customer_csat"])
    r = float(both["employee_top2"].corr(both["customer_csat"])) if len(both) >= min_quarters else float("nan")
    return r, int(len(both))


def has_employee_surveys(surveys: pd.DataFrame | None) -> bool:
    """True when *surveys* holds any response with ``survey_type == "employee"`` (at any date)."""
    return surveys is not None and not surveys.empty and bool(surveys["survey_type"].astype(str).eq("employee").any())


__all__ += ["has_agents", "kpis_met", "satisfaction_correlation", "has_employee_surveys"]
