"""Customer satisfaction (客户满意度): CSAT, NPS, CES, drivers and key-driver analysis.

Indicator definitions follow docs/indicators.md, section "Satisfaction".  Score
functions take a sequence of scores; frame functions take the canonical
``surveys`` table (``response_id, responded_at, survey_type, score,
scale_max, customer_id, touchpoint, channel, driver_*, comment``) and a
window ``[start, end]`` (``end`` inclusive, in days) on ``responded_at``.

Every rate or mean is an :class:`crmkit.estimate.Estimate` carrying its
standard error, 95 % interval and n.  Comments are free text and personal
data: they are only counted, never returned.
"""

from __future__ import annotations

import itertools
import math
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from crmkit.indicators.frames import label
from crmkit.store.data import rows_between
from crmkit.estimate import MIN_N, Z95, Estimate, mean, proportion

__all__ = [
    "CUSTOMER_SURVEY_TYPES",
    "NPS_PROMOTER_MIN",
    "NPS_DETRACTOR_MAX",
    "NPS_GROUPS",
    "nps_groups",
    "nps",
    "nps_breakdown",
    "csat",
    "ces",
    "ces_easy_share",
    "top_two_box",
    "survey_window",
    "satisfaction_summary",
    "scores_by",
    "driver_columns",
    "driver_scores",
    "relative_weights",
    "lmg",
    "key_drivers",
    "monthly_trend",
    "feedback_summary",
    "employee_satisfaction",
    "customer_responses",
    "segment_dimension",
    "compare_groups",
    "improvement_priorities",
    "trend_endpoints",
]

#: Survey types that measure customers (``employee`` surveys are reported apart).
CUSTOMER_SURVEY_TYPES: tuple[str, ...] = ("csat", "nps", "ces", "product", "service")


#: NPS groups on the 0-10 scale (Reichheld 2003): promoters score at least this ...
NPS_PROMOTER_MIN = 9
#: ... passives score ``NPS_DETRACTOR_MAX + 1`` to ``NPS_PROMOTER_MIN − 1``, detractors at most this.
NPS_DETRACTOR_MAX = 6
#: Group names of :func:`nps_groups`, best first.
NPS_GROUPS: tuple[str, str, str] = ("promoter", "passive", "detractor")


def nps_groups(scores: Iterable[float]) -> pd.Series:
    """NPS group of each 0-10 score: ``promoter`` (9-10), ``passive`` (7-8), ``detractor`` (0-6), None when missing.

    The one place the promoter and detractor thresholds are applied
    (:data:`NPS_PROMOTER_MIN`, :data:`NPS_DETRACTOR_MAX`; Reichheld 2003,
    "The one number you need to grow"). Non-integer scores are grouped by
    the same bounds (8.5 is a passive).

    Examples
    --------
    >>> nps_groups([10, 9, 8, 7, 6, 0, None]).tolist()
    ['promoter', 'promoter', 'passive', 'passive', 'detractor', 'detractor', None]
    """
    s = pd.to_numeric(pd.Series(scores, dtype="object") if not isinstance(scores, pd.Series) else scores, errors="coerce")
    groups = np.select([s >= NPS_PROMOTER_MIN, s > NPS_DETRACTOR_MAX, s.notna()], list(NPS_GROUPS), "")
    return pd.Series([str(g) if g else None for g in groups], index=s.index, dtype="object")


def _scores(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").astype("float64").dropna().to_numpy()


# -- score functions ------------------------------------------------------------
def nps(scores: Iterable[float], *, min_n: int = MIN_N) -> Estimate:
    """Net Promoter Score on the 0-10 "likelihood to recommend" scale.

    Formula (docs/indicators.md, Satisfaction): promoters score 9-10, passives
    7-8, detractors 0-6; with P and D their shares,
    ``NPS = 100 (P − D)`` in −100..100;
    ``Var(P − D) = [(P + D) − (P − D)²] / n``; ``se = 100 √Var``; 95 %
    interval ``NPS ± 1.96 · 100 · √Var`` (clipped to −100..100).

    Worked case: 100 responses, 50 promoters, 20 detractors give
    NPS = 30, Var = (0.7 − 0.09)/100 = 0.0061 and margin
    1.96 · 100 · 0.0781 = 15.3 points.

    Examples
    --------
    >>> e = nps([10] * 50 + [7] * 30 + [3] * 20)
    >>> round(e.value, 1), round(e.margin, 1), e.n
    (30.0, 15.3, 100)
    """
    x = _scores(scores)
    n = x.size
    if n == 0:
        return Estimate(float("nan"), n=0, min_n=min_n)
    if (x < 0).any() or (x > 10).any():
        raise ValueError("NPS scores must lie in 0..10")
    g = nps_groups(x)
    p = float((g == "promoter").mean())
    d = float((g == "detractor").mean())
    var = max((p + d) - (p - d) ** 2, 0.0) / n
    value = 100 * (p - d)
    se = 100 * math.sqrt(var)
    return Estimate(value, se, max(-100.0, value - Z95 * se), min(100.0, value + Z95 * se), n, min_n)


def nps_breakdown(scores: Iterable[float]) -> pd.DataFrame:
    """Counts and shares of promoters (9-10), passives (7-8) and detractors (0-6).

    Examples
    --------
    >>> nps_breakdown([10, 9, 8, 2])["count"].tolist()
    [2, 1, 1]
    """
    x = _scores(scores)
    g = nps_groups(x)
    counts = [int((g == name).sum()) for name in NPS_GROUPS]
    n = max(x.size, 1)
    return pd.DataFrame({"group": ["promoters", "passives", "detractors"], "count": counts,
                         "share": [c / n for c in counts]})


def top_two_box(scores: Iterable[float], scale_max: float | Iterable[float] = 5) -> np.ndarray:
    """Boolean array: score in the top two boxes of its scale (≥ scale_max − 1).

    ``scale_max`` may be one number or one per score (mixed scales).

    Examples
    --------
    >>> top_two_box([5, 4, 3, 6], [5, 5, 5, 7]).tolist()
    [True, True, False, True]
    """
    s = pd.to_numeric(pd.Series(scores, dtype="object"), errors="coerce").astype("float64").to_numpy()
    m = np.broadcast_to(np.asarray(scale_max, dtype="float64"), s.shape)
    return (s >= m - 1) & ~np.isnan(s)


def csat(scores: Iterable[float], scale_max: float | Iterable[float] = 5, *, min_n: int = MIN_N) -> Estimate:
    """Customer satisfaction: share of responses in the top two boxes of the scale.

    Formula (docs/indicators.md): CSAT = #(score ≥ scale_max − 1) / n (4-5 of 5,
    6-7 of 7), Wilson 95 % interval (:func:`crmkit.estimate.proportion`).
    The mean score is ``crmkit.estimate.mean(scores)``.

    Examples
    --------
    >>> e = csat([5, 4, 4, 3, 2, 5, 4, 5, 1, 4])
    >>> e.value, e.n
    (0.7, 10)
    """
    s = pd.to_numeric(pd.Series(scores, dtype="object"), errors="coerce").astype("float64")
    m = np.broadcast_to(np.asarray(scale_max, dtype="float64"), s.shape)
    keep = s.notna().to_numpy()
    if (s.to_numpy()[keep] > m[keep]).any():
        raise ValueError("CSAT scores above scale_max")
    return proportion(int(top_two_box(s, m)[keep].sum()), int(keep.sum()), min_n=min_n)


def ces(scores: Iterable[float], *, min_n: int = MIN_N) -> Estimate:
    """Customer effort score: mean score (1-7) with a t interval.

    docs/indicators.md: CES = mean score; on an "ease" scale (7 = very easy, the
    default) higher is better, on an "effort" scale (7 = very hard) lower
    is better; see :func:`ces_easy_share` for the share of easy responses.

    Examples
    --------
    >>> ces([7, 5, 3, 5]).value
    5.0
    """
    return mean(_scores(scores), min_n=min_n)


def ces_easy_share(scores: Iterable[float], *, threshold: float = 5, scale: str = "ease", scale_max: float = 7,
                   min_n: int = MIN_N) -> Estimate:
    """Share of "easy" effort responses, Wilson interval.

    Formula (docs/indicators.md): on an ease scale, easy = score ≥ 5 (of 7); on an
    effort scale the scale is mirrored, easy = score ≤ scale_max + 1 − 5.

    Examples
    --------
    >>> ces_easy_share([7, 5, 3, 5]).value
    0.75
    >>> ces_easy_share([1, 2, 6, 7], scale="effort").value
    0.5
    """
    if scale not in ("ease", "effort"):
        raise ValueError(f"scale must be 'ease' or 'effort', not {scale!r}")
    x = _scores(scores)
    easy = x >= threshold if scale == "ease" else x <= scale_max + 1 - threshold
    return proportion(int(easy.sum()), x.size, min_n=min_n)


# -- frames -----------------------------------------------------------------------
def survey_window(surveys: pd.DataFrame, start, end, survey_type: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Responses in ``[start, end]``, optionally of the given survey type(s)."""
    s = rows_between(surveys, "responded_at", start, end)
    if survey_type is not None:
        types = [survey_type] if isinstance(survey_type, str) else list(survey_type)
        s = s[s["survey_type"].isin(types)]
    return s


def _scale(s: pd.DataFrame, default: float) -> pd.Series:
    if "scale_max" not in s:
        return pd.Series(default, index=s.index, dtype="float64")
    return pd.to_numeric(s["scale_max"], errors="coerce").astype("float64").fillna(default)


def _summarise(s: pd.DataFrame, min_n: int) -> dict[str, Estimate]:
    c = s[s["survey_type"] == "csat"]
    n = s[s["survey_type"] == "nps"]
    e = s[s["survey_type"] == "ces"]
    return {
        "csat": csat(c["score"], _scale(c, 5), min_n=min_n),
        "csat_mean": mean(c["score"], min_n=min_n),
        "nps": nps(n["score"], min_n=min_n),
        "ces": ces(e["score"], min_n=min_n),
        "ces_easy": ces_easy_share(e["score"], min_n=min_n),
    }


def satisfaction_summary(surveys: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> dict[str, Estimate]:
    """CSAT (top-two-box), mean CSAT score, NPS, CES and share of easy CES in a window.

    CSAT is computed on ``survey_type = "csat"``, NPS on ``"nps"``, CES on
    ``"ces"`` responses.

    Returns
    -------
    dict
        ``{"csat", "csat_mean", "nps", "ces", "ces_easy"}`` → Estimate.
    """
    return _summarise(survey_window(surveys, start, end), min_n)


def scores_by(surveys: pd.DataFrame, by: str, start, end, *, customers: pd.DataFrame | None = None,
              min_n: int = MIN_N) -> pd.DataFrame:
    """CSAT, NPS and CES per group (touchpoint, channel or a customer segment).

    Parameters
    ----------
    by : str
        A surveys column (``touchpoint``, ``channel``) or, with *customers*,
        a customers column (``customer_type``, ``region``...); responses are
        then linked through ``customer_id`` and unlinked ones form ``unknown``.

    Returns
    -------
    DataFrame
        ``group, responses, csat, csat_low, csat_high, csat_n, nps, nps_low,
        nps_high, nps_n, ces, ces_n``; groups with more responses first.
        ``*_n`` below *min_n* means the figure is shown but not reliable.
    """
    s = survey_window(surveys, start, end, CUSTOMER_SURVEY_TYPES)
    if by not in s.columns:
        if customers is None or by not in customers:
            raise KeyError(f"{by!r} is neither a surveys column nor (with customers=) a customers column")
        seg = customers[["customer_id", by]].assign(customer_id=customers["customer_id"].astype("str"))
        s = s.assign(customer_id=s["customer_id"].astype("str")).merge(seg, on="customer_id", how="left")
    s = s.assign(_group=label(s[by]))
    rows = []
    for g, part in s.groupby("_group"):
        r = _summarise(part, min_n)
        rows.append({
            "group": g, "responses": len(part),
            "csat": r["csat"].value, "csat_low": r["csat"].ci_low, "csat_high": r["csat"].ci_high, "csat_n": r["csat"].n,
            "nps": r["nps"].value, "nps_low": r["nps"].ci_low, "nps_high": r["nps"].ci_high, "nps_n": r["nps"].n,
            "ces": r["ces"].value, "ces_n": r["ces"].n,
        })
    cols = ["group", "responses", "csat", "csat_low", "csat_high", "csat_n", "nps", "nps_low", "nps_high", "nps_n",
            "ces", "ces_n"]
    return pd.DataFrame(rows, columns=cols).sort_values(["responses", "group"], ascending=[False, True]).reset_index(drop=True)


# -- drivers ------------------------------------------------------------------------
def driver_columns(surveys: pd.DataFrame) -> list[str]:
    """The ``driver_*`` columns that hold at least one score, in table order."""
    return [c for c in surveys.columns if str(c).startswith("driver_") and pd.to_numeric(surveys[c], errors="coerce").notna().any()]


def driver_scores(surveys: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> pd.DataFrame:
    """Mean score of every driver (quality, service attitude, price, delivery, after-sales, ...).

    Formula (docs/indicators.md): mean of ``driver_*`` over customer responses
    in the window that rated the driver, t interval.

    Returns
    -------
    DataFrame
        ``driver`` (name without the ``driver_`` prefix), ``mean, se, ci_low,
        ci_high, n``, lowest mean first.
    """
    s = survey_window(surveys, start, end, CUSTOMER_SURVEY_TYPES)
    rows = []
    for c in driver_columns(s):
        e = mean(s[c], min_n=min_n)
        rows.append({"driver": c[len("driver_"):], "mean": e.value, "se": e.se, "ci_low": e.ci_low,
                     "ci_high": e.ci_high, "n": e.n})
    out = pd.DataFrame(rows, columns=["driver", "mean", "se", "ci_low", "ci_high", "n"])
    return out.sort_values("mean").reset_index(drop=True)


def _r2(X: np.ndarray, y: np.ndarray) -> float:
    if X.shape[1] == 0:
        return 0.0
    A = np.column_stack([np.ones(len(y)), X])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    resid = y - A @ coef
    tss = float(((y - y.mean()) ** 2).sum())
    return 1 - float(resid @ resid) / tss if tss > 0 else float("nan")


def relative_weights(X: pd.DataFrame | np.ndarray, y: Iterable[float]) -> np.ndarray:
    """Johnson's relative weights of each predictor; they sum to the model R².

    Johnson, J. W. (2000), "A heuristic method for estimating the relative
    weight of predictor variables in multiple regression", *Multivariate
    Behavioral Research* 35(1): with ``R_xx = V Λ V'`` the predictors'
    correlation matrix, ``L = V Λ^{1/2} V'`` (loadings of the predictors on
    their closest orthogonal counterparts Z), ``β = L⁻¹ r_xy`` (regression
    of y on Z), the raw weight of predictor j is ``ε_j = Σ_k L_jk² β_k²``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 2)); y = 2 * X[:, 0] + X[:, 1] + rng.normal(size=500)
    >>> w = relative_weights(X, y); bool(w[0] > w[1])
    True
    """
    Xa = np.asarray(X, dtype="float64")
    ya = np.asarray(list(y) if not isinstance(y, (np.ndarray, pd.Series)) else y, dtype="float64")
    R = np.corrcoef(np.column_stack([Xa, ya]), rowvar=False)
    rxx, rxy = R[:-1, :-1], R[:-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    evals = np.clip(evals, 1e-12, None)
    L = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    beta = np.linalg.solve(L, rxy)
    return (L**2) @ (beta**2)


def lmg(X: pd.DataFrame | np.ndarray, y: Iterable[float]) -> np.ndarray:
    """LMG / Shapley decomposition of R²: each predictor's average R² increment.

    Lindeman, Merenda & Gold (1980); Grömping (2006), "Relative importance for
    linear regression in R: the package relaimpo", *J. Stat. Software* 17(1):
    ``LMG_j = Σ_{S ⊆ P∖{j}} |S|! (p − |S| − 1)! / p! · [R²(S ∪ {j}) − R²(S)]``,
    computed exactly over all 2^p subsets (p ≤ 15).  The weights sum to R².

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 3)); y = X @ [1.0, 0.5, 0.0] + rng.normal(size=400)
    >>> w = lmg(X, y); bool(abs(w.sum() - _r2(X, np.asarray(y))) < 1e-9)
    True
    """
    Xa = np.asarray(X, dtype="float64")
    ya = np.asarray(list(y) if not isinstance(y, (np.ndarray, pd.Series)) else y, dtype="float64")
    p = Xa.shape[1]
    if p > 15:
        raise ValueError("LMG over more than 15 predictors is too expensive; use relative_weights")
    r2 = {(): 0.0}
    for k in range(1, p + 1):
        for S in itertools.combinations(range(p), k):
            r2[S] = _r2(Xa[:, S], ya)
    w = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            coef = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
            for S in itertools.combinations(others, k):
                w[j] += coef * (r2[tuple(sorted(S + (j,)))] - r2[S])
    return w


def key_drivers(surveys: pd.DataFrame, start, end, *, survey_type: str | Sequence[str] = "csat",
                drivers: Sequence[str] | None = None, method: str = "johnson") -> pd.DataFrame:
    """Key-driver analysis: OLS of the overall score on driver scores plus relative importance.

    Model (docs/indicators.md): ``score = b0 + Σ b_j driver_j + e`` fitted by
    ordinary least squares (statsmodels ``OLS``) on responses of
    *survey_type* in the window that rated every driver.  Importance is
    Johnson's relative weights (:func:`relative_weights`, default) or the
    LMG/Shapley R² decomposition (:func:`lmg`); ``importance`` is the weight's
    share of R² (sums to 1), ``performance`` the driver's mean score, for the
    importance-vs-performance quadrant.

    Returns
    -------
    DataFrame
        ``driver, coef, se, p_value, coef_low, coef_high, r2_weight,
        importance, performance, n``, most important first; ``attrs`` holds
        ``r2``, ``n`` and ``method``.  Empty when fewer responses than
        drivers + 2 are available.
    """
    if method not in ("johnson", "lmg"):
        raise ValueError(f"method must be 'johnson' or 'lmg', not {method!r}")
    import statsmodels.api as sm

    s = survey_window(surveys, start, end, survey_type)
    cols = list(drivers) if drivers is not None else driver_columns(s)
    cols = [c if c.startswith("driver_") else f"driver_{c}" for c in cols]
    cols = [c for c in cols if c in s.columns]
    frame = s[["score", *cols]].apply(pd.to_numeric, errors="coerce").dropna()
    spread = frame.std() if len(frame) > 1 else pd.Series(0.0, index=frame.columns)
    cols = [c for c in cols if spread.get(c, 0) > 0]  # a driver everyone rated alike explains nothing
    out_cols = ["driver", "coef", "se", "p_value", "coef_low", "coef_high", "r2_weight", "importance", "performance", "n"]
    if not cols or len(frame) < len(cols) + 2 or not spread.get("score", 0) > 0:
        out = pd.DataFrame(columns=out_cols)
        out.attrs.update(r2=float("nan"), n=len(frame), method=method)
        return out
    X, y = frame[cols], frame["score"]
    fit = sm.OLS(y.to_numpy(), sm.add_constant(X.to_numpy(), has_constant="add")).fit()
    ci = fit.conf_int()
    w = relative_weights(X, y) if method == "johnson" else lmg(X, y)
    out = pd.DataFrame({
        "driver": [c[len("driver_"):] for c in cols],
        "coef": fit.params[1:], "se": fit.bse[1:], "p_value": fit.pvalues[1:],
        "coef_low": ci[1:, 0], "coef_high": ci[1:, 1],
        "r2_weight": w, "importance": w / w.sum() if w.sum() > 0 else np.nan,
        "performance": X.mean().to_numpy(), "n": len(frame),
    })
    out = out.sort_values("importance", ascending=False).reset_index(drop=True)
    out.attrs.update(r2=float(fit.rsquared), n=len(frame), method=method)
    return out


# -- trend, feedback, employees ---------------------------------------------------------
def monthly_trend(surveys: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> pd.DataFrame:
    """Monthly CSAT (top-two-box), NPS and CES with intervals.

    Returns
    -------
    DataFrame
        Tidy: ``month, metric (csat | nps | ces), value, ci_low, ci_high, n``.
    """
    s = survey_window(surveys, start, end, CUSTOMER_SURVEY_TYPES)
    rows = []
    if len(s):
        s = s.assign(month=s["responded_at"].dt.to_period("M").dt.to_timestamp())
        for m, part in s.groupby("month"):
            for k, e in _summarise(part, min_n).items():
                if k in ("csat", "nps", "ces") and e.n > 0:
                    rows.append({"month": m, "metric": k, "value": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "n": e.n})
    return pd.DataFrame(rows, columns=["month", "metric", "value", "ci_low", "ci_high", "n"])


def feedback_summary(surveys: pd.DataFrame, start, end, *, tickets: pd.DataFrame | None = None,
                     min_n: int = MIN_N) -> dict[str, Estimate | float | int]:
    """Feedback volume and handling (docs/indicators.md, "Feedback handling").

    * ``responses``: customer survey responses in the window; ``comment_share``:
      share of them with a non-empty comment (Wilson interval);
    * ``low_scores``: responses in the bottom of their scale (CSAT ≤ 2 of 5,
      NPS detractors, or below the scale midpoint otherwise);
    * with *tickets* (complaints are written feedback): ``complaints`` opened
      in the window, ``complaints_answered`` = share with a first response
      (Wilson interval), ``response_hours_median`` = median hours from opening
      to first response.
    """
    s = survey_window(surveys, start, end, CUSTOMER_SURVEY_TYPES)
    has_comment = s["comment"].astype("str").str.strip().ne("") & s["comment"].notna() if "comment" in s else pd.Series(False, index=s.index)
    score = pd.to_numeric(s["score"], errors="coerce")
    scale = _scale(s, 5)
    low = np.where(s["survey_type"] == "nps", (nps_groups(score) == "detractor").to_numpy(),
                   score <= np.where(scale <= 5, 2, scale / 2))
    out: dict[str, Estimate | float | int] = {
        "responses": int(len(s)),
        "comment_share": proportion(int(has_comment.sum()), len(s), min_n=min_n),
        "low_scores": int(np.asarray(low, dtype=bool).sum()),
    }
    if tickets is not None and len(tickets):
        t = rows_between(tickets, "opened_at", start, end)
        if "is_complaint" in t:
            t = t[t["is_complaint"].astype("boolean").fillna(False).astype(bool)]
        answered = t["first_response_at"].notna() if "first_response_at" in t else pd.Series(False, index=t.index)
        hours = ((t["first_response_at"] - t["opened_at"]).dt.total_seconds() / 3600).dropna() if "first_response_at" in t else pd.Series(dtype=float)
        out.update({
            "complaints": int(len(t)),
            "complaints_answered": proportion(int(answered.sum()), len(t), min_n=min_n),
            "response_hours_median": float(hours.median()) if len(hours) else float("nan"),
        })
    return out


def employee_satisfaction(surveys: pd.DataFrame, start, end, *, min_n: int = MIN_N) -> dict[str, Estimate]:
    """Employee satisfaction from ``survey_type = "employee"`` responses answered in ``[start, end]``.

    Same definitions as customer CSAT: ``share`` = top-two-box share, score
    ≥ scale_max − 1 with scale_max 5 where not given (Wilson interval);
    ``top2`` is the same estimate under the name the team report uses;
    ``mean`` = mean score (t interval).
    """
    s = survey_window(surveys, start, end, "employee")
    share = csat(s["score"], _scale(s, 5), min_n=min_n)
    return {"share": share, "top2": share, "mean": mean(s["score"], min_n=min_n)}


# -- readings of the satisfaction tables -------------------------------------------------
def customer_responses(surveys: pd.DataFrame, start, end) -> int:
    """Customer survey responses (:data:`CUSTOMER_SURVEY_TYPES`) in the window; employee surveys are not counted."""
    return int(len(survey_window(surveys, start, end, CUSTOMER_SURVEY_TYPES)))


def segment_dimension(customers: pd.DataFrame, candidates: Sequence[str] = ("customer_type", "region")) -> str | None:
    """The first customers column of *candidates* that splits customers into at least two groups (None if none does)."""
    return next((d for d in candidates if d in customers and customers[d].nunique() > 1), None)


def compare_groups(by_group: pd.DataFrame, *, min_n: int = MIN_N) -> dict | None:
    """Highest and lowest CSAT among the groups of :func:`scores_by` with at least *min_n* CSAT answers.

    Two groups differ beyond chance here when their 95 % intervals do not
    overlap (``worst.csat_high < best.csat_low``), a conservative check
    (Schenker & Gentleman 2001).

    Returns
    -------
    dict or None
        ``groups`` (the qualifying groups, lowest CSAT first), ``best``,
        ``worst`` (rows) and ``overlap`` (bool); None when no group qualifies.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["a", "b", "c"], "csat": [0.9, 0.6, 0.1], "csat_low": [0.85, 0.5, 0.0],
    ...                   "csat_high": [0.95, 0.7, 0.3], "csat_n": [100, 80, 5]})
    >>> r = compare_groups(t, min_n=30)
    >>> r["best"]["group"], r["worst"]["group"], r["overlap"]
    ('a', 'b', False)
    """
    ok = by_group[by_group["csat_n"] >= min_n].sort_values("csat")
    if not len(ok):
        return None
    best, worst = ok.iloc[-1], ok.iloc[0]
    return {"groups": ok, "best": best, "worst": worst, "overlap": bool(worst["csat_high"] >= best["csat_low"])}


def improvement_priorities(key_driver_table: pd.DataFrame) -> list[str]:
    """Drivers of :func:`key_drivers` with above-average importance and below-average performance.

    The "priority" quadrant of an importance-performance analysis
    (Martilla & James 1977), the means of the drivers as the cut-offs.

    Examples
    --------
    >>> k = pd.DataFrame({"driver": ["a", "b", "c"], "importance": [0.5, 0.3, 0.2], "performance": [3.0, 4.0, 4.5]})
    >>> improvement_priorities(k)
    ['a']
    """
    k = key_driver_table
    prio = k[(k["importance"] >= k["importance"].mean()) & (k["performance"] < k["performance"].mean())]
    return prio["driver"].tolist()


def trend_endpoints(trend: pd.DataFrame, metric: str = "csat") -> tuple[pd.Series, pd.Series] | None:
    """First and last month of *metric* in :func:`monthly_trend` (None when the metric has no month)."""
    part = trend[trend["metric"] == metric]
    return (part.iloc[0], part.iloc[-1]) if len(part) else None
