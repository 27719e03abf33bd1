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
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from crmkit.evaluation import summary
from crmkit.evaluation import weights as weights_config
from crmkit.i18n import DIMENSIONS

__all__ = [
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


@dataclass
class SummaryRun:
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
        return self.card.grade_ is not None and iv is not None and summary.grade_robust(*iv)

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
    weaknesses, the recommended actions and the alerts.

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

    Returns
    -------
    SummaryRun
    """
    goals = summary.load_targets(targets or None)
    wcfg = weights_config.load_weights(weights or "default")
    rules = summary.load_rules()
    root, metrics_dir = output_folders(company, period, output_dir, outputs_root)
    metrics = summary.read_metrics(metrics_dir)
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
    return SummaryRun(company, period, root, metrics_dir, min_n, goals, wcfg, rules, metrics, descriptive, card, peers,
                      peer_cards, sens, sens_index, previous, trend, labels, units, describe, strengths, weaknesses,
                      actions, alert_table)


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
    recomputed = summary.recompute_composite(payload)
    if recomputed is not None and not math.isclose(recomputed, run.card.composite_, rel_tol=0, abs_tol=1e-9):
        raise AssertionError(f"composite of the payload {recomputed} != {run.card.composite_}")
    folder = output_dir or tempfile.mkdtemp(prefix="crmkit-summary-")
    return summary.write_scorecard(folder, payload)
