"""Scorecard: metrics vs targets → normalised scores, traffic lights, composite.

The builder joins measured metrics with their targets and weights, applies
min-max-to-target normalisation (:func:`crmkit.scoring.minmax_target`),
flags metrics measured on too few observations, and aggregates the scored
ones into dimension scores and a 0-100 composite with a grade
(:func:`crmkit.scoring.composite`), following the OECD/JRC *Handbook on
Constructing Composite Indicators* (2008).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError
from crmkit.scoring._types import check_aggregation, check_direction
from crmkit.scoring.aggregate import resolve_bands, composite, grade
from crmkit.scoring.normalise import minmax_target, targets_frame
from crmkit.scoring.weights import hierarchical_weights

__all__ = ["METRIC_FIELDS", "DEFAULT_TRAFFIC_LIGHTS", "traffic_light", "Scorecard", "scorecard"]

METRIC_FIELDS: tuple[str, ...] = ("name", "value", "unit", "n", "ci_low", "ci_high", "direction", "dimension")
"""Fields of a metric record; only ``name`` and ``value`` are required."""

DEFAULT_TRAFFIC_LIGHTS: tuple[float, float] = (80.0, 50.0)
"""(green, amber) lower bounds on the normalised 0-100 score: green ≥ 80, amber ≥ 50, red below."""

STATUS = {
    "scored": "scored",
    "low_n": "n below min_n: shown, not scored",
    "no_value": "no value measured",
    "no_target": "no target/floor configured",
    "no_dimension": "no dimension given",
    "no_weight": "no weight configured for it or its dimension",
}
"""Meaning of the ``status`` column of :attr:`Scorecard.table_`."""


def traffic_light(score: float, thresholds: tuple[float, float] = DEFAULT_TRAFFIC_LIGHTS) -> str | None:
    """Traffic light of a normalised score.

    ``"green"`` when score ≥ thresholds[0] (default 80), ``"amber"`` when
    ≥ thresholds[1] (default 50), ``"red"`` otherwise; None for NaN.

    Examples
    --------
    >>> traffic_light(80.0), traffic_light(79.9), traffic_light(49.9)
    ('green', 'amber', 'red')
    """
    if score is None or not np.isfinite(score):
        return None
    green, amber = thresholds
    if score >= green:
        return "green"
    if score >= amber:
        return "amber"
    return "red"


def _record(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        row = dict(item)
    elif is_dataclass(item) and not isinstance(item, type):
        row = asdict(item)
    elif hasattr(item, "_asdict"):
        row = item._asdict()
    else:
        row = {f: getattr(item, f) for f in METRIC_FIELDS if hasattr(item, f)}
    if "name" not in row and "indicator" in row:
        row["name"] = row.pop("indicator")
    if not row.get("name"):
        raise ConfigError(f"metric record without a name: {row!r}.")
    return row


def _metrics_frame(metrics: Any) -> pd.DataFrame:
    if isinstance(metrics, pd.DataFrame):
        frame = metrics.copy()
        if "name" not in frame.columns:
            if "indicator" in frame.columns:
                frame = frame.rename(columns={"indicator": "name"})
            else:
                frame = frame.rename_axis("name").reset_index()
    elif isinstance(metrics, Iterable) and not isinstance(metrics, (str, bytes, Mapping)):
        frame = pd.DataFrame([_record(m) for m in metrics])
    else:
        raise ConfigError("metrics must be a list of records or a DataFrame with a 'name' column.")
    for column in METRIC_FIELDS:
        if column not in frame.columns:
            frame[column] = None
    frame["name"] = frame["name"].map(str)
    if frame["name"].duplicated().any():
        dup = sorted(set(frame.loc[frame["name"].duplicated(), "name"]))
        raise ConfigError(f"metric(s) given twice: {', '.join(dup)}; give each metric once.")
    for column in ("value", "n", "ci_low", "ci_high"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame.set_index("name")


def _clean(value: Any) -> Any:
    """JSON-safe scalar: NaN → None, numpy → Python."""
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


class Scorecard:
    """Build a scorecard from metric records, targets and weights.

    For every metric with a value and a target, the normalised score is

    .. math:: s = \\operatorname{clip}_{[0, 100]}\\Big(100 \\cdot \\frac{x - \\text{floor}}{\\text{target} - \\text{floor}}\\Big)

    (0 at the floor, 100 at the target, either direction). A metric is
    *scored* (enters its dimension score) when it has a value, a target, a
    dimension, a weight and ``n`` ≥ ``min_n`` (an unknown ``n`` counts as
    sufficient: it is not a rate), and the record is not already marked
    ``flagged`` (as :class:`crmkit.evaluation.metrics.Metric` records can be).
    Otherwise it is still shown, with a
    ``status`` saying why it is not scored (see :data:`STATUS`), and it is
    listed in :attr:`missing_` so the composite's re-weighting is visible.
    Dimension scores and the composite use the weighted arithmetic (or
    geometric) mean with re-weighting over scored metrics; the grade uses
    the bands (default A ≥ 85, B ≥ 70, C ≥ 55, D below). Traffic lights on
    the normalised score: green ≥ 80, amber ≥ 50, red below (configurable).

    Parameters
    ----------
    targets : mapping or pandas.DataFrame
        ``{metric: {target, floor, direction[, dimension]}}``; see
        :func:`crmkit.scoring.targets_frame`.
    weights : mapping, optional
        Dimension and indicator weights in a layout accepted by
        :func:`crmkit.scoring.hierarchical_weights`; default equal weights.
    min_n : int, default 30
        Metrics with ``n < min_n`` are shown but not scored.
    method : {"arithmetic", "geometric"}
        Aggregation rule.
    bands : optional
        Grade bands, see :func:`crmkit.scoring.grade`.
    traffic_lights : (float, float)
        (green, amber) lower bounds on the normalised score.

    Attributes
    ----------
    table_ : pandas.DataFrame
        One row per metric (indexed by ``indicator``): ``dimension, value,
        unit, n, ci_low, ci_high, target, floor, direction, score, weight,
        dimension_weight, weight_used, light, flagged, scored, status``.
    dimension_scores_ : pandas.DataFrame
        One row per dimension: ``score, weight, weight_used, n_indicators,
        n_scored, grade, light``.
    composite_ : float
        Overall 0-100 index.
    grade_ : str or None
    missing_ : pandas.DataFrame
        Metrics expected but not scored: ``indicator, dimension, status, reason``.
    missing_dimensions_ : list of str
        Dimensions without any scored metric (re-weighted away).

    Examples
    --------
    >>> sc = Scorecard(
    ...     targets={"nps": {"target": 50, "floor": 0, "dimension": "satisfaction"},
    ...              "churn_rate": {"target": 0.05, "floor": 0.25, "direction": "lower",
    ...                             "dimension": "churn"}},
    ...     weights={"satisfaction": 1, "churn": 1},
    ... ).build([{"name": "nps", "value": 40, "n": 200},
    ...          {"name": "churn_rate", "value": 0.10, "n": 500}])
    >>> sc.table_["score"].tolist(), sc.composite_, sc.grade_
    ([80.0, 75.0], 77.5, 'B')
    """

    def __init__(
        self,
        targets: Any,
        weights: Any = None,
        *,
        min_n: int = 30,
        method: str = "arithmetic",
        bands: Any = None,
        traffic_lights: tuple[float, float] = DEFAULT_TRAFFIC_LIGHTS,
    ) -> None:
        self.targets = targets
        self.weights = weights
        self.min_n = min_n
        self.method = method
        self.bands = bands
        self.traffic_lights = traffic_lights

    def build(self, metrics: Any) -> Scorecard:
        """Compute the scorecard from metric records; returns ``self``.

        Parameters
        ----------
        metrics : list of mappings / records, or pandas.DataFrame
            Fields :data:`METRIC_FIELDS` (``name`` and ``value`` required;
            an ``indicator`` key is accepted for ``name``).
        """
        method = check_aggregation(self.method)
        bands = resolve_bands(self.bands)
        green, amber = (float(x) for x in self.traffic_lights)
        if green < amber:
            raise ConfigError(f"traffic light thresholds must be (green, amber) with green >= amber, got {self.traffic_lights}.")
        targets = targets_frame(self.targets)
        weights = hierarchical_weights(self.weights)
        frame = _metrics_frame(metrics)
        dim_of_weights = weights.dimension_of()

        names = list(dict.fromkeys([*frame.index, *dim_of_weights, *targets.index]))
        rows = []
        for name in names:
            rec = frame.loc[name] if name in frame.index else pd.Series(dtype=object)
            tgt = targets.loc[name] if name in targets.index else pd.Series(dtype=object)
            dimension = _first(rec.get("dimension"), dim_of_weights.get(name), tgt.get("dimension"))
            direction = _first(tgt.get("direction") if name in targets.index else None, rec.get("direction"), "higher")
            check_direction(direction, name)
            value = _float(rec.get("value"))
            n = _float(rec.get("n"))
            target, floor = _float(tgt.get("target")), _float(tgt.get("floor"))
            score = np.nan
            if np.isfinite(value) and np.isfinite(target) and np.isfinite(floor):
                score = minmax_target(value, target, floor, direction, name=name)
            rows.append(
                {
                    "indicator": name,
                    "dimension": dimension,
                    "value": value,
                    "unit": _first(rec.get("unit"), tgt.get("unit")),
                    "n": n,
                    "ci_low": _float(rec.get("ci_low")),
                    "ci_high": _float(rec.get("ci_high")),
                    "target": target,
                    "floor": floor,
                    "direction": direction,
                    "score": score,
                    "flagged": bool((np.isfinite(n) and n < self.min_n) or bool(_first(rec.get("flagged"), False))),
                }
            )
        table = pd.DataFrame(rows).set_index("indicator")

        dims_all = list(dict.fromkeys(d for d in table["dimension"] if d is not None))
        dims_all += [d for d in weights.dimensions.index if d not in dims_all]
        dim_weight = (
            weights.dimensions.reindex(dims_all).astype("float64")
            if len(weights.dimensions)
            else pd.Series(1.0 / max(len(dims_all), 1), index=dims_all)
        )
        within_weight = {}
        for name, row in table.iterrows():
            d = row["dimension"]
            if d is None:
                within_weight[name] = np.nan
            elif d in weights.indicators:
                within_weight[name] = weights.indicators[d].get(name, np.nan)
            else:
                members = table.index[table["dimension"] == d]
                within_weight[name] = 1.0 / len(members)
        table["weight"] = pd.Series(within_weight, dtype="float64")
        table["dimension_weight"] = table["dimension"].map(lambda d: dim_weight.get(d, np.nan) if d else np.nan).astype("float64")

        status = []
        for name, row in table.iterrows():
            if not np.isfinite(row["value"]):
                status.append("no_value")
            elif not np.isfinite(row["target"]):
                status.append("no_target")
            elif row["dimension"] is None:
                status.append("no_dimension")
            elif not (np.isfinite(row["weight"]) and np.isfinite(row["dimension_weight"])):
                status.append("no_weight")
            elif row["flagged"]:
                status.append("low_n")
            else:
                status.append("scored")
        table["status"] = status
        table["scored"] = table["status"] == "scored"
        table["light"] = [traffic_light(s, (green, amber)) for s in table["score"]]

        # Aggregate over every weighted metric; non-scored ones enter as missing.
        weighted = table[np.isfinite(table["weight"]) & np.isfinite(table["dimension_weight"])]
        structure: dict[str, dict[str, float]] = {}
        for name, row in weighted.iterrows():
            structure.setdefault(row["dimension"], {})[name] = float(row["weight"])
        structure = {d: w for d, w in structure.items() if sum(w.values()) > 0}
        used = pd.Series(0.0, index=table.index)
        if structure:
            dim_w = {d: float(dim_weight[d]) for d in structure}
            if sum(dim_w.values()) <= 0:
                raise ConfigError("every weighted dimension has weight 0; give at least one a positive weight.")
            scored_scores = table["score"].where(table["scored"])
            result = composite(
                scored_scores[weighted.index], structure, dim_w, method=method, bands=bands
            )
            used.loc[result.weights.index] = result.weights["weight_used"]
            dim_scores = result.dimension_scores
            index = result.index
            missing_dims = list(result.missing_dimensions)
        else:
            dim_scores = pd.Series(dtype="float64")
            index = float("nan")
            missing_dims = []
        table["weight_used"] = used
        table = table[
            ["dimension", "value", "unit", "n", "ci_low", "ci_high", "target", "floor", "direction",
             "score", "weight", "dimension_weight", "weight_used", "light", "flagged", "scored", "status"]
        ]

        dim_rows = []
        for d in dims_all:
            members = table[table["dimension"] == d]
            s = float(dim_scores.get(d, np.nan))
            dim_rows.append(
                {
                    "dimension": d,
                    "score": s,
                    "weight": float(dim_weight.get(d, np.nan)),
                    "weight_used": float(members["weight_used"].sum()),
                    "n_indicators": len(members),
                    "n_scored": int(members["scored"].sum()),
                    "grade": grade(s, bands),
                    "light": traffic_light(s, (green, amber)),
                }
            )
        missing_dims += [d for d in dims_all if d not in structure and d not in missing_dims]
        self.table_ = table
        self.dimension_scores_ = pd.DataFrame(dim_rows).set_index("dimension") if dim_rows else pd.DataFrame(
            columns=["score", "weight", "weight_used", "n_indicators", "n_scored", "grade", "light"]
        )
        self.composite_ = float(index)
        self.grade_ = grade(self.composite_, bands)
        not_scored = table[~table["scored"]]
        self.missing_ = pd.DataFrame(
            {
                "indicator": not_scored.index,
                "dimension": not_scored["dimension"].to_numpy(),
                "status": not_scored["status"].to_numpy(),
                "reason": not_scored["status"].map(STATUS).to_numpy(),
            }
        )
        self.missing_dimensions_ = missing_dims
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary (the layout of ``scorecard.json``).

        Returns
        -------
        dict
            ``metrics`` (one dict per metric with value, unit, n, interval,
            target, floor, score, weight, dimension, light, status),
            ``dimensions``, ``composite``, ``grade``, ``missing``,
            ``missing_dimensions``, ``method``, ``min_n``.
        """
        if not hasattr(self, "table_"):
            raise ConfigError("call build(metrics) before to_dict().")
        metrics = []
        for name, row in self.table_.iterrows():
            item = {"name": name, **{k: _clean(v) for k, v in row.items()}}
            metrics.append(item)
        dims = [{"dimension": d, **{k: _clean(v) for k, v in row.items()}} for d, row in self.dimension_scores_.iterrows()]
        return {
            "metrics": metrics,
            "dimensions": dims,
            "composite": _clean(self.composite_),
            "grade": self.grade_,
            "missing": self.missing_.to_dict(orient="records"),
            "missing_dimensions": list(self.missing_dimensions_),
            "method": self.method,
            "min_n": self.min_n,
        }


def _first(*values: Any) -> Any:
    for value in values:
        if value is None:
            continue
        try:
            if pd.isna(value):
                continue
        except (TypeError, ValueError):
            pass
        return value
    return None


def _float(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return out


def scorecard(metrics: Any, targets: Any, weights: Any = None, **options: Any) -> Scorecard:
    """Shorthand for ``Scorecard(targets, weights, **options).build(metrics)``."""
    return Scorecard(targets, weights, **options).build(metrics)
