"""The composite evaluation of one company-period (the ``99_summary`` report).

:func:`evaluate` runs the whole chain of the summary once: read the headline
metrics the dimension reports saved, split them into scorable and
descriptive ones, score them against ``targets.yaml`` with the chosen
weights (OECD/JRC *Handbook on Constructing Composite Indicators*, 2008:
min-max normalisation to target and floor, weighted arithmetic mean,
re-weighting of missing indicators), score the peer companies of the same
period alike, run the seeded Monte Carlo sensitivity analysis (index
interval and rank band), compare with the previous period's scorecard and
apply the action and alert rules.  The result, :class:`SummaryRun`, holds
every intermediate result; the small functions below shape it into the
frames the report shows.  The scoring itself is in
:mod:`crmkit.evaluation.summary` and :mod:`crmkit.scoring`.

Completeness: :func:`report_issues` reads ``run.json`` and the metrics files
of the company-period and lists the dimension reports that failed, saved
no metrics or were not run; :func:`assess_completeness` names the weighted
dimensions that are missing (their report is among those, or none of their
indicators was scored) and withholds the grade when their share of the
weight exceeds :data:`PROVISIONAL_THRESHOLD`.  A composite with any missing
dimension or incomplete report is *provisional* (docs/indicators.md,
"Completeness").
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from crmkit.evaluation import summary
from crmkit.evaluation import weights as weights_config
from crmkit.evaluation.metrics import is_final
from crmkit.evaluation.scorecard import run_records
from crmkit.i18n import DIMENSIONS

__all__ = [
    "PROVISIONAL_THRESHOLD",
    "MIN_SCORED",
    "DIMENSION_REPORTS",
    "ReportIssue",
    "MissingDimension",
    "Completeness",
    "CompletenessMixin",
    "report_issues",
    "assess_completeness",
    "SummaryRun",
    "output_folders",
    "evaluate",
    "scored_dimensions",
    "dropped_dimensions",
    "scorecard_rows",
    "light_counts",
    "missing_indicators",
    "dimension_weights",
    "indicator_weights",
    "sensitivity_table",
    "peer_grid",
    "peer_gaps",
    "trend_scores",
    "largest_moves",
    "write_scorecard",
]


def output_folders(company: str, period: str, output_dir: str = "", outputs_root: str = "") -> tuple[str, str]:
    """The outputs root and the folder of this company-period's metrics.

    ``outputs_root`` when given, else two levels above ``output_dir``
    (``<root>/<company>/<period>``), else ``outputs/`` beside the
    parameters folder (interactive runs); the metrics folder is
    ``output_dir`` or ``<root>/<company>/<period>``.

    Examples
    --------
    >>> output_folders("acme", "2025Q4", "/runs/out/acme/2025Q4")
    ('/runs/out', '/runs/out/acme/2025Q4')
    >>> output_folders("acme", "2025Q4", "", "/runs/out")
    ('/runs/out', '/runs/out/acme/2025Q4')
    """
    root = outputs_root or (str(Path(output_dir).parent.parent) if output_dir
                            else str(weights_config.parameters_dir().parent / "outputs"))
    return root, output_dir or str(Path(root) / company / period)


# --------------------------------------------------------------------------- completeness
PROVISIONAL_THRESHOLD = 0.10
"""Weight share of missing dimensions above which no grade is given (strictly more than 10 %).

Rationale: the composite re-weights a missing dimension away, which assumes
it would score like the rest (OECD/JRC *Handbook on Constructing Composite
Indicators*, 2008, on missing data).  With weight share *w* missing, the
index measured in full would be ``C = (1 - w) C' + w s`` for the missing
score ``s`` in 0-100, so ``|C - C'| <= 100 w``.  Up to 10 % that is at most
10 points, less than one 15-point grade band (A >= 85, B >= 70, C >= 55):
the grade can be off by one band at most and is kept, marked provisional.
Beyond that the grade is withheld and only the provisional index is shown.
Under the default weights (``parameters/weights/default.yaml``) the grade
is kept when any one of data quality (4 %), channels (5 %), cost (6 %),
marketing (7 %), customer base (8 %), service or maturity (10 %) is
missing, and withheld when satisfaction (14 %), loyalty, churn or value
(12 % each) is missing, or two dimensions whose shares add to more than
10 %.
"""

MIN_SCORED = 1
"""Fewest scored indicators a weighted dimension needs to count as measured."""

DIMENSION_REPORTS: dict[str, str] = {
    "data_quality": "00_data_quality", "customer_base": "01_customer_base", "satisfaction": "02_satisfaction",
    "loyalty": "03_loyalty", "churn": "04_churn", "value": "05_value", "service": "06_service",
    "marketing": "07_marketing", "channels": "08_channels", "cost": "09_cost", "maturity": "10_maturity",
}
"""The report that measures each scored dimension (other reports may add indicators to it)."""


@dataclass(frozen=True)
class ReportIssue:
    """A dimension report of the company-period that left no usable metrics.

    ``status`` is ``failed`` (its last run failed; ``error`` as recorded in
    ``run.json``), ``no_metrics`` (recorded as run but no metrics file) or
    ``not_run`` (neither a record nor a metrics file).

    Examples
    --------
    >>> ReportIssue("04_churn", "failed", "KeyError: 'churned' (cell 7)").reason_en
    "04_churn failed: KeyError: 'churned' (cell 7)"
    >>> ReportIssue("10_maturity", "not_run").reason_zh
    '本期未运行 10_maturity'
    """

    notebook: str
    status: str
    error: str | None = None

    @property
    def reason_en(self) -> str:
        """What happened to the report, with the recorded error."""
        if self.status == "failed":
            return f"{self.notebook} failed: {self.error or 'no error recorded'}"
        if self.status == "no_metrics":
            return f"{self.notebook} ran but saved no metrics file"
        return f"{self.notebook} was not run for this company-period"

    @property
    def reason_zh(self) -> str:
        if self.status == "failed":
            return f"{self.notebook} 运行失败：{self.error or '未记录错误信息'}"
        if self.status == "no_metrics":
            return f"{self.notebook} 已运行但未保存指标文件"
        return f"本期未运行 {self.notebook}"

    @property
    def short_en(self) -> str:
        """The reason without the error: ``04_churn failed``."""
        return {"failed": f"{self.notebook} failed", "no_metrics": f"{self.notebook} saved no metrics"}.get(
            self.status, f"{self.notebook} was not run")

    @property
    def short_zh(self) -> str:
        return {"failed": f"{self.notebook} 运行失败", "no_metrics": f"{self.notebook} 未保存指标"}.get(
            self.status, f"未运行 {self.notebook}")

    def record(self) -> dict[str, Any]:
        """The ``scorecard.json`` entry of ``incomplete_reports``."""
        return {"notebook": self.notebook, "status": self.status, "error": self.error, "reason": self.reason_en,
                "reason_zh": self.reason_zh}


@dataclass(frozen=True)
class MissingDimension:
    """A weighted dimension the composite lacks: its report has an issue, or too few of its indicators were scored.

    ``weight`` is its share of the configured dimension weights (0-1);
    ``status`` is the :class:`ReportIssue` status of its report or
    ``unscorable``; ``n_scored`` counts its indicators that other reports
    saved and that still enter the composite (0 when it is left out).
    """

    dimension: str
    notebook: str
    weight: float
    status: str
    reason_en: str
    reason_zh: str
    n_scored: int = 0

    def record(self) -> dict[str, Any]:
        """The ``scorecard.json`` entry: ``dimension, notebook, reason, reason_zh, status, weight, n_scored``."""
        return {"dimension": self.dimension, "notebook": self.notebook, "reason": self.reason_en,
                "reason_zh": self.reason_zh, "status": self.status, "weight": float(self.weight),
                "n_scored": int(self.n_scored)}


@dataclass(frozen=True)
class Completeness:
    """Which dimension reports and dimensions the composite lacks (see :func:`assess_completeness`)."""

    issues: tuple[ReportIssue, ...] = ()
    missing: tuple[MissingDimension, ...] = ()
    threshold: float = PROVISIONAL_THRESHOLD

    @property
    def missing_share(self) -> float:
        """Sum of the weight shares of the missing dimensions (0-1)."""
        return round(float(sum(m.weight for m in self.missing)), 10)

    @property
    def grade_withheld(self) -> bool:
        """True when the missing dimensions carry strictly more than *threshold* of the weight."""
        return self.missing_share > self.threshold + 1e-9

    @property
    def provisional(self) -> bool:
        """True when a dimension report has an issue or a weighted dimension is missing."""
        return bool(self.issues or self.missing)

    @property
    def status(self) -> str:
        """``complete`` or ``provisional``."""
        return "provisional" if self.provisional else "complete"

    def issue(self, notebook: str) -> ReportIssue | None:
        """The issue of *notebook*, None when it has none."""
        return next((i for i in self.issues if i.notebook == notebook), None)

    def dimension_of(self, notebook: str) -> MissingDimension | None:
        """The missing dimension whose report is *notebook*, None when there is none."""
        return next((m for m in self.missing if m.notebook == notebook), None)

    def record(self) -> dict[str, Any]:
        """The ``completeness`` entry of ``scorecard.json``."""
        return {"threshold": float(self.threshold), "missing_weight_share": self.missing_share,
                "grade_withheld": self.grade_withheld}


def report_issues(metrics_dir: str | os.PathLike | None, expected: Iterable[str] = ()) -> list[ReportIssue]:
    """Dimension reports of a company-period folder that left no usable metrics, in name order.

    Reads ``run.json`` (:func:`crmkit.evaluation.scorecard.run_records`: the
    runner's status and error of the last run of each notebook) and the
    ``*.metrics.json`` files of the folder:

    * a notebook whose last run failed: ``failed`` (its metrics file, if
      any, is left over from an earlier run and is not read);
    * one recorded as run without a metrics file: ``no_metrics``;
    * a report of :data:`DIMENSION_REPORTS` or *expected* with neither a
      record nor a metrics file: ``not_run`` (every one of them when the
      folder does not exist).

    Final-stage notebooks (90-99) are not dimension reports and are left
    out: they run after every dimension report of the batch, so their own
    record never describes the inputs.
    """
    wanted = {*DIMENSION_REPORTS.values(), *expected}
    folder = Path(metrics_dir) if metrics_dir else None
    if folder is None or not folder.is_dir():
        return [ReportIssue(nb, "not_run") for nb in sorted(wanted) if not is_final(nb)]
    log = run_records(folder)
    saved = {p.name.removesuffix(".metrics.json") for p in folder.glob("*.metrics.json")}
    out = []
    for name in sorted(set(log) | wanted):
        if is_final(name):
            continue
        rec = log.get(name)
        if rec is not None and rec.get("status") == "failed":
            out.append(ReportIssue(name, "failed", str(rec.get("error") or "").strip() or None))
        elif name not in saved:
            out.append(ReportIssue(name, "no_metrics" if rec is not None else "not_run"))
    return out


def assess_completeness(card: Any, weights: Any, issues: list[ReportIssue] | tuple[ReportIssue, ...] = (), *,
                        threshold: float = PROVISIONAL_THRESHOLD, min_scored: int = MIN_SCORED) -> Completeness:
    """The weighted dimensions the composite lacks, and whether the grade stands.

    A dimension with a positive weight is missing when its report
    (:data:`DIMENSION_REPORTS`) is among *issues* (even if other reports
    saved some of its indicators: its main indicators are absent), or when
    fewer than *min_scored* of its indicators were scored.  Its weight share
    is ``w_d / sum of the positive w``; the grade is withheld when the
    shares of the missing dimensions sum to more than *threshold*
    (:data:`PROVISIONAL_THRESHOLD`, boundary included in "kept").

    Parameters
    ----------
    card : crmkit.scoring.Scorecard
        Built scorecard (``dimension_scores_`` with ``n_scored``, ``n_indicators``).
    weights : crmkit.evaluation.weights.WeightsConfig
        Its ``dimensions`` series gives the configured dimension weights.
    issues : sequence of ReportIssue
        :func:`report_issues` of the company-period.
    threshold : float, default 0.10
    min_scored : int, default 1

    Returns
    -------
    Completeness

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> dims = pd.DataFrame({"n_scored": [3, 0], "n_indicators": [3, 2]}, index=["loyalty", "churn"])
    >>> w = SimpleNamespace(dimensions=pd.Series({"loyalty": 3.0, "churn": 1.0}))
    >>> c = assess_completeness(SimpleNamespace(dimension_scores_=dims), w, [ReportIssue("04_churn", "failed", "boom")])
    >>> [(m.dimension, m.weight, m.reason_en) for m in c.missing], c.grade_withheld, c.status
    ([('churn', 0.25, '04_churn failed: boom')], True, 'provisional')
    """
    dims = card.dimension_scores_
    w = pd.Series(weights.dimensions, dtype="float64").fillna(0.0)
    w = w[w > 0]
    total = float(w.sum())
    by_nb = {i.notebook: i for i in issues}
    missing = []
    for dim, weight in w.items():
        share = round(float(weight) / total, 10)
        nb = DIMENSION_REPORTS.get(str(dim), "")
        n_scored = int(dims.loc[dim, "n_scored"]) if dim in dims.index else 0
        n_ind = int(dims.loc[dim, "n_indicators"]) if dim in dims.index else 0
        if nb in by_nb:
            i = by_nb[nb]
            missing.append(MissingDimension(str(dim), nb, share, i.status, i.reason_en, i.reason_zh, n_scored))
        elif n_scored < min_scored:
            who_en, who_zh = (f"{nb} ran, but ", f"{nb} 已运行，但") if nb else ("", "")
            if n_scored == 0:
                en = (f"{who_en}none of the {n_ind} indicators of the dimension could be scored "
                      "(no value, or too few observations)")
                zh = f"{who_zh}该维度 {n_ind} 项指标均无法计分（无数值或样本不足）"
            else:
                en = (f"{who_en}only {n_scored} of the {n_ind} indicators of the dimension could be scored, "
                      f"{min_scored} are needed")
                zh = f"{who_zh}该维度 {n_ind} 项指标中仅 {n_scored} 项可计分，至少需要 {min_scored} 项"
            missing.append(MissingDimension(str(dim), nb, share, "unscorable", en, zh, n_scored))
    return Completeness(tuple(issues), tuple(missing), float(threshold))


class CompletenessMixin:
    """``provisional``, ``status`` and ``grade_withheld`` of a result holding a :class:`Completeness` as ``completeness``."""

    completeness: Completeness

    @property
    def provisional(self) -> bool:
        """True when a dimension report failed or was not run, or a weighted dimension is missing."""
        return self.completeness.provisional

    @property
    def status(self) -> str:
        """``complete`` or ``provisional``."""
        return self.completeness.status

    @property
    def grade_withheld(self) -> bool:
        """True when missing dimensions carry more than the threshold of the weight (no grade is given)."""
        return self.completeness.grade_withheld


@dataclass
class SummaryRun(CompletenessMixin):
    """Everything the summary report computes for one company-period (see :func:`evaluate`)."""

    company: str
    period: str
    root: str
    metrics_dir: str
    min_n: int
    targets: Any
    weights: Any
    rules: Any
    metrics: pd.DataFrame
    descriptive: pd.DataFrame
    card: Any
    peers: dict[str, pd.DataFrame]
    peer_cards: dict[str, Any]
    sens: Any
    sens_index: Any
    previous: dict[str, Any] | None
    trend: pd.DataFrame
    labels: dict[str, tuple[str, str]]
    units: dict[str, Any]
    describe: Callable[..., Any]
    strengths: pd.DataFrame
    weaknesses: pd.DataFrame
    actions: pd.DataFrame
    alerts: pd.DataFrame
    completeness: Completeness = field(default_factory=Completeness)

    @property
    def grade(self) -> str | None:
        """The composite's grade; None when nothing was scored or missing dimensions withhold it."""
        return None if self.completeness.grade_withheld else self.card.grade_


    @property
    def table(self) -> pd.DataFrame:
        """The scorecard's indicator table (``card.table_``)."""
        return self.card.table_

    @property
    def has_scores(self) -> bool:
        """True when at least one indicator was scored."""
        return bool(self.table["scored"].any())

    @property
    def cards(self) -> dict[str, Any]:
        """Company → scorecard, this company first."""
        return {self.company: self.card, **self.peer_cards}

    @property
    def n_scored(self) -> int:
        return int(self.table["scored"].sum())

    @property
    def interval(self) -> tuple[float, float] | None:
        """(low, high) of the index's 90% interval under weight uncertainty, None without sensitivity."""
        if self.sens_index is None:
            return None
        s = self.sens_index.summary.loc[self.company]
        return float(s["low"]), float(s["high"])

    @property
    def rank_band(self) -> tuple[int, int, int, int] | None:
        """(rank, best rank, worst rank, companies) when there are peers, else None."""
        if self.sens is None or len(self.sens.summary) < 2:
            return None
        r = self.sens.summary.loc[self.company]
        return int(r["rank"]), int(r["rank_low"]), int(r["rank_high"]), len(self.sens.summary)

    @property
    def grade_robust(self) -> bool:
        """True when a grade was given and both ends of the index interval fall in its band."""
        iv = self.interval
        return self.grade is not None and iv is not None and summary.grade_robust(*iv)

    @property
    def previous_composite(self) -> float | None:
        """The previous period's composite index, None when unknown."""
        if not self.previous:
            return None
        value = self.previous.get("composite", {}).get("value")
        return None if value is None else float(value)

    @property
    def previous_label(self) -> str | None:
        """Label of the previous period (e.g. ``2025Q3`` before ``2025Q4``)."""
        return summary.previous_period(self.period)

    @property
    def change(self) -> float:
        """Composite now minus the previous period's (NaN when unknown)."""
        prev = self.previous_composite
        return float("nan") if prev is None else float(self.card.composite_) - prev

    def label(self, name: str) -> tuple[str, str]:
        """(English, Chinese) label of an indicator, falling back to its name."""
        return self.labels.get(name, (name, name))

    def unit(self, name: str) -> str:
        """Unit of an indicator of the scorecard ("number" when unknown)."""
        u = self.units.get(name)
        return u if isinstance(u, str) else "number"


def evaluate(
    company: str,
    period: str,
    *,
    output_dir: str = "",
    outputs_root: str = "",
    targets: str | os.PathLike | None = None,
    weights: str | os.PathLike | None = "default",
    min_n: int = 30,
    currency: str = "CNY",
    threshold: float = PROVISIONAL_THRESHOLD,
    min_scored: int = MIN_SCORED,
) -> SummaryRun:
    """Score one company-period from the metrics its reports saved.

    Steps: :func:`~crmkit.evaluation.summary.read_metrics`,
    :func:`~crmkit.evaluation.summary.split_metrics`,
    :func:`~crmkit.evaluation.summary.build_scorecard` (targets and weights),
    :func:`~crmkit.evaluation.summary.peer_scorecards` of the other companies of
    *period* under the outputs root, two seeded
    :func:`~crmkit.evaluation.summary.rank_sensitivity` runs (rank band under
    weight and normalisation uncertainty; index interval with the target
    normalisation only), the previous period's scorecard and
    :func:`~crmkit.evaluation.summary.indicator_trend`, the three strengths and
    weaknesses, the recommended actions and the alerts.  Metrics of reports
    that ``run.json`` records as failed are not read (a file left there is
    from an earlier run); :func:`assess_completeness` names the missing
    dimensions and decides whether the grade stands.

    Parameters
    ----------
    company, period : str
    output_dir, outputs_root : str
        See :func:`output_folders`.
    targets : path, optional
        Targets file; default ``parameters/targets.yaml``.
    weights : str or path
        Weights preset, manual weights file or AHP matrix (default ``"default"``).
    min_n : int
        Metrics measured on fewer observations are shown but not scored.
    currency : str
        Currency of the amounts in the action and alert texts.
    threshold : float
        Weight share of missing dimensions above which no grade is given
        (:data:`PROVISIONAL_THRESHOLD`).
    min_scored : int
        Scored indicators a dimension needs (:data:`MIN_SCORED`).

    Returns
    -------
    SummaryRun
    """
    goals = summary.load_targets(targets or None)
    wcfg = weights_config.load_weights(weights or "default")
    rules = summary.load_rules()
    root, metrics_dir = output_folders(company, period, output_dir, outputs_root)
    issues = report_issues(metrics_dir)
    metrics = summary.read_metrics(metrics_dir)  # leaves out the reports whose last run failed
    scorable, descriptive = summary.split_metrics(metrics, goals)
    card = summary.build_scorecard(scorable, goals, wcfg, min_n=min_n)
    table = card.table_
    has_scores = bool(table["scored"].any())
    labels = summary.metric_labels(metrics)
    units = dict(zip(table.index, table["unit"]))
    peers = summary.peer_metrics(root, period, company)
    peer_cards = summary.peer_scorecards(peers, goals, wcfg, min_n=min_n)
    cards = {company: card, **peer_cards}
    sens = summary.rank_sensitivity(cards, goals, reference=company) if has_scores else None
    sens_index = (summary.rank_sensitivity(cards, goals, reference=company, normalisations=["target"])
                  if has_scores else None)
    previous = summary.load_previous_scorecard(root, company, period)
    trend = summary.indicator_trend(card, previous)
    describe = summary.describer(labels, currency=currency, trend=trend, units=units)
    strengths, weaknesses = summary.strengths_weaknesses(table)
    actions = summary.recommended_actions(card, rules, trend=trend, weaknesses=list(weaknesses.index), describe=describe)
    alert_table = summary.alerts(card, rules, trend, previous=previous, describe=describe)
    complete = assess_completeness(card, wcfg, issues, threshold=threshold, min_scored=min_scored)
    return SummaryRun(company, period, root, metrics_dir, min_n, goals, wcfg, rules, metrics, descriptive, card, peers,
                      peer_cards, sens, sens_index, previous, trend, labels, units, describe, strengths, weaknesses,
                      actions, alert_table, complete)


# --------------------------------------------------------------------------- frames the report shows
def scored_dimensions(card: Any) -> pd.DataFrame:
    """Dimension scores with a score, lowest first (``card.dimension_scores_`` rows)."""
    dims = card.dimension_scores_
    return dims[dims["score"].notna()].sort_values("score")


def dropped_dimensions(card: Any) -> list[str]:
    """Weighted dimensions left out of the composite because none of their indicators was scored."""
    dims = card.dimension_scores_
    return [d for d in card.missing_dimensions_ if d in dims.index and dims.loc[d, "weight"] == dims.loc[d, "weight"]]


def scorecard_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The scorecard's measured indicators in dimension order, best score first within a dimension.

    Returns ``table`` with the index as column ``indicator``, rows of status
    ``no_value`` left out.
    """
    sc = table.reset_index()
    sc = sc[sc["status"] != "no_value"]
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    return (sc.assign(_o=sc["dimension"].map(order)).sort_values(["_o", "score"], ascending=[True, False])
            .drop(columns="_o"))


def light_counts(table: pd.DataFrame) -> dict[str, int]:
    """Number of scored indicators per traffic light (``green``, ``amber``, ``red``).

    Examples
    --------
    >>> t = pd.DataFrame({"scored": [True, True, False], "light": ["green", "green", "red"]})
    >>> light_counts(t)
    {'green': 2, 'amber': 0, 'red': 0}
    """
    lights = table.loc[table["scored"], "light"].value_counts()
    return {k: int(lights.get(k, 0)) for k in ("green", "amber", "red")}


def missing_indicators(card: Any) -> pd.DataFrame:
    """Indicators with a target that were not measured (those with too few observations excluded)."""
    return card.missing_[card.missing_["status"] != "low_n"]


def dimension_weights(wcfg: Any, card: Any, has_scores: bool) -> pd.DataFrame:
    """Configured weight of every dimension and the weight it carries after re-weighting.

    ``used`` is the dimension's ``weight_used`` in the composite (0 when it
    was left out), NaN when nothing was scored.
    """
    wd = pd.DataFrame({"dimension": wcfg.dimensions.index, "weight": wcfg.dimensions.to_numpy()})
    if has_scores:
        return wd.assign(used=wd["dimension"].map(card.dimension_scores_["weight_used"]).fillna(0.0))
    return wd.assign(used=np.nan)


def indicator_weights(wcfg: Any) -> pd.DataFrame:
    """Indicator weights within dimensions that the weights file sets: ``dimension, indicator, weight``."""
    return pd.DataFrame([(d, n, w) for d, ws in (wcfg.indicators or {}).items() for n, w in ws.items()],
                        columns=["dimension", "indicator", "weight"])


def sensitivity_table(sens: Any, sens_index: Any) -> pd.DataFrame:
    """Per company: index, 5% and 95% ends (target normalisation) and rank with its 90% band."""
    return sens_index.summary[["index", "low", "high"]].join(sens.summary[["rank", "rank_low", "rank_high"]])


def peer_grid(cards: Mapping[str, Any]) -> pd.DataFrame:
    """Dimension scores (columns in :data:`~crmkit.i18n.DIMENSIONS` order) and ``composite`` by company."""
    grid = pd.DataFrame({c: k.dimension_scores_["score"] for c, k in cards.items()}).T
    grid = grid[[d for d in DIMENSIONS if d in grid.columns and grid[d].notna().any()]]
    grid["composite"] = pd.Series({c: k.composite_ for c, k in cards.items()})
    return grid


def peer_gaps(grid: pd.DataFrame, company: str) -> pd.Series:
    """Dimension score of *company* minus the mean of the other companies, ascending (NaNs dropped).

    Examples
    --------
    >>> g = pd.DataFrame({"loyalty": [80.0, 60.0, 70.0], "churn": [40.0, 50.0, 70.0], "composite": [1, 2, 3]},
    ...                  index=["a", "b", "c"])
    >>> peer_gaps(g, "a").to_dict()
    {'churn': -20.0, 'loyalty': 15.0}
    """
    mine = grid.loc[company].drop("composite")
    others = grid.drop(index=company).drop(columns="composite").mean()
    return (mine - others).dropna().sort_values()


def trend_scores(card: Any, previous: Mapping[str, Any]) -> pd.DataFrame:
    """Dimension scores of the previous and the current period (dimensions with both)."""
    before = pd.Series({d["dimension"]: d["score"] for d in previous.get("dimensions", [])}, dtype="float64")
    now = card.dimension_scores_["score"]
    return pd.DataFrame({"previous": before.reindex(now.index), "now": now}).dropna()


def largest_moves(trend: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """The *k* largest falls and *k* largest rises of indicator scores, falls first.

    Returns the rows of *trend* with the index as column ``indicator``.
    """
    moved = trend.dropna(subset=["score_change"]).sort_values("score_change")
    if moved.empty:
        return moved.reset_index()
    return pd.concat([moved.head(k), moved.tail(k)]).drop_duplicates().reset_index()


def write_scorecard(run: SummaryRun, output_dir: str, *, start: str, end: str, language: str = "en") -> Path:
    """Write ``scorecard.json`` (schema-validated) to *output_dir*, or a temporary folder when it is empty.

    Adds the completeness of the run: ``status`` (``complete`` or
    ``provisional``), ``provisional``, ``missing_dimensions`` (``dimension,
    notebook, reason, ...``), ``incomplete_reports`` and ``completeness``
    (threshold, missing weight share, whether the grade is withheld); the
    grade is null when withheld.

    The composite recomputed from the payload must equal the scorecard's
    (a check that the file is self-consistent).
    """
    payload = summary.scorecard_payload(
        run.card, company=run.company, period=run.period, start=start, end=end, metrics=run.metrics,
        descriptive=run.descriptive, weights=run.weights, targets=run.targets, sens=run.sens,
        sens_index=run.sens_index, previous=run.previous, strengths=list(run.strengths.index),
        weaknesses=list(run.weaknesses.index), actions=run.actions, alert_table=run.alerts, peers=run.peer_cards,
        language=language,
    )
    comp = run.completeness
    payload["composite"]["grade"] = run.grade
    payload["status"] = comp.status
    payload["provisional"] = comp.provisional
    payload["missing_dimensions"] = [m.record() for m in comp.missing]
    payload["incomplete_reports"] = [i.record() for i in comp.issues]
    payload["completeness"] = comp.record()
    recomputed = summary.recompute_composite(payload)
    if recomputed is not None and not math.isclose(recomputed, run.card.composite_, rel_tol=0, abs_tol=1e-9):
        raise AssertionError(f"composite of the payload {recomputed} != {run.card.composite_}")
    folder = output_dir or tempfile.mkdtemp(prefix="crmkit-summary-")
    return summary.write_scorecard(folder, payload)
