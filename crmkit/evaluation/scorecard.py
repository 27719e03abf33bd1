"""The scorecard of one company-period and its ``scorecard.json``.

* :func:`read_metrics` collects the headline metrics the dimension reports
  saved (not those of reports whose last run failed, :func:`run_records`),
  :func:`split_metrics` separates scorable and descriptive ones and
  :func:`build_scorecard` scores them against targets and weights
  (:class:`crmkit.scoring.Scorecard`);
* :func:`scorecard_payload`, :func:`validate_scorecard` and
  :func:`write_scorecard` produce ``scorecard.json`` against the JSON Schema
  ``crmkit/resources/schemas/scorecard.schema.json``;
  :func:`recompute_composite` recomputes its composite from its own scores
  and weights;
* :data:`STATUS_TEXT`, :data:`LIGHT_TEXT`, :func:`metric_labels` and
  :func:`grade_robust` help present it.

Method: OECD/JRC *Handbook on Constructing Composite Indicators* (2008):
min-max normalisation to target and floor, weighted arithmetic (or
geometric) mean within and across dimensions, missing indicators re-weighted.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmkit import resources
from crmkit.errors import ConfigError
from crmkit.evaluation.metrics import is_final, load_all
from crmkit.evaluation.registry import registry
from crmkit.evaluation.targets import TargetsConfig
from crmkit.evaluation.weights import WeightsConfig, complete_indicator_weights
from crmkit.files import write_atomic
from crmkit.i18n import DIMENSIONS
from crmkit.scoring import Scorecard, SensitivityResult

__all__ = [
    "SUMMARY_NOTEBOOK",
    "SCHEMA_PATH",
    "SCHEMA_VERSION",
    "METRIC_COLUMNS",
    "RUN_LOG",
    "run_records",
    "failed_reports",
    "read_metrics",
    "split_metrics",
    "build_scorecard",
    "scorecard_payload",
    "recompute_composite",
    "validate_scorecard",
    "write_scorecard",
    "STATUS_TEXT",
    "LIGHT_TEXT",
    "metric_labels",
    "grade_robust",
]

SUMMARY_NOTEBOOK = "99_summary"
"""Name of the summary notebook (its own metrics file is never scored)."""

SCHEMA_PATH = resources.path("schemas", "scorecard.schema.json")
"""JSON Schema of ``scorecard.json`` (shipped as package data)."""

SCHEMA_VERSION = 1
"""Version of the ``scorecard.json`` layout (``schema_version``)."""


METRIC_COLUMNS = ["name", "value", "unit", "dimension", "n", "ci_low", "ci_high", "direction",
                  "label_en", "label_zh", "flagged", "notebook"]
"""Columns of a metrics frame (:func:`read_metrics`)."""


RUN_LOG = "run.json"
"""Record of the last run of each notebook of a company-period folder (written by :mod:`crmkit.reports.runner`)."""


def run_records(folder: str | os.PathLike | None) -> dict[str, dict[str, Any]]:
    """Notebook name → its record in ``run.json`` of *folder* (``status``, ``error``, ...).

    The runner keeps one record per notebook, updated each time it runs;
    ``status`` is ``ok`` or ``failed``.  Empty when the folder or the file
    is missing or unreadable (an interactive run has none).

    Examples
    --------
    >>> run_records("/nonexistent")
    {}
    """
    if not folder:
        return {}
    try:
        data = json.loads((Path(folder) / RUN_LOG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    notebooks = data.get("notebooks") if isinstance(data, dict) else None
    if not isinstance(notebooks, dict):
        return {}
    return {str(k): v for k, v in notebooks.items() if isinstance(v, dict)}


def failed_reports(folder: str | os.PathLike | None) -> list[str]:
    """Notebooks whose last run in *folder* failed (``run.json``), in name order."""
    return sorted(name for name, rec in run_records(folder).items() if rec.get("status") == "failed")


def read_metrics(folder: str | os.PathLike | None, exclude: Sequence[str] = ()) -> pd.DataFrame:
    """Headline metrics the dimension reports saved in *folder* (``*.metrics.json``).

    Metrics of final-stage notebooks (numbered 90 and above: the summary and
    due-diligence reports) are left out: they are derived from the others and
    may run at the same time, so reading them would make the scorecard depend
    on run order.  So are the metrics of reports whose last run failed
    (:func:`failed_reports`: a file there is left over from an earlier run
    on other data or code) and of the notebooks in *exclude*.  Returns an
    empty frame (with the metric columns) when the folder is missing or
    empty.
    """
    if not folder or not Path(folder).is_dir():
        return pd.DataFrame(columns=METRIC_COLUMNS)
    final = [p.name.removesuffix(".metrics.json") for p in Path(folder).glob("*.metrics.json")
             if is_final(p.name.removesuffix(".metrics.json"))]
    frame = load_all(folder, exclude=[SUMMARY_NOTEBOOK, *final, *failed_reports(folder), *exclude])
    if frame.empty:
        return pd.DataFrame(columns=METRIC_COLUMNS)
    # the same name saved by two notebooks: keep the first (files are read in name order)
    return frame.drop_duplicates("name", keep="first").reset_index(drop=True)


def split_metrics(metrics: pd.DataFrame, targets: TargetsConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split metrics into candidates for scoring and descriptive figures.

    A metric is descriptive when ``targets.yaml`` lists it under
    ``descriptive``, or when it has no target and was saved without a
    direction (``direction: null``), or when it was saved as true by
    construction (``by_construction``: a reason). Every other metric enters the
    scorecard (one with a direction but no target is shown there as "no
    target").

    Returns
    -------
    (scorable, descriptive) : tuple of pandas.DataFrame
    """
    if metrics.empty:
        return metrics.copy(), metrics.copy()
    listed = metrics["name"].isin(list(targets.descriptive))
    has_target = metrics["name"].isin(targets.indicators.index)
    no_direction = metrics["direction"].isna()
    constructed = metrics["by_construction"].notna() if "by_construction" in metrics else False
    descriptive = listed | (~has_target & no_direction) | constructed
    return metrics[~descriptive].reset_index(drop=True), metrics[descriptive].reset_index(drop=True)


def build_scorecard(
    metrics: pd.DataFrame,
    targets: TargetsConfig,
    weights: WeightsConfig,
    *,
    min_n: int = 30,
    method: str = "arithmetic",
) -> Scorecard:
    """Score the metrics against targets and weights.

    Indicators of a dimension that has indicator weights but does not list
    them get weight 1 (see
    :func:`crmkit.evaluation.weights.complete_indicator_weights`); metrics with
    ``n < min_n`` are shown but not scored; targets without a measured
    metric are listed as missing and the rest re-weighted.

    Parameters
    ----------
    metrics : pandas.DataFrame
        Scorable metrics (see :func:`split_metrics`).
    targets : TargetsConfig
    weights : WeightsConfig
    min_n : int, default 30
    method : {"arithmetic", "geometric"}

    Returns
    -------
    crmkit.scoring.Scorecard
        Built (``table_``, ``dimension_scores_``, ``composite_``, ...).
    """
    frame = metrics.copy()
    if frame.empty:
        frame = pd.DataFrame(columns=METRIC_COLUMNS)
    by_dimension: dict[str, list[str]] = {}
    for name, dim in zip(frame["name"], frame["dimension"]):
        by_dimension.setdefault(str(dim), []).append(str(name))
    for name, dim in targets.indicators["dimension"].items():
        by_dimension.setdefault(str(dim), []).append(str(name))
    spec = complete_indicator_weights(weights, by_dimension)
    # a metric's own dimension wins; otherwise the dimension its target names
    dim_of_target = targets.indicators["dimension"].to_dict()
    frame["dimension"] = [d if isinstance(d, str) and d else dim_of_target.get(n) for n, d in zip(frame["name"], frame["dimension"])]
    records = frame[[c for c in ("name", "value", "unit", "n", "ci_low", "ci_high", "direction", "dimension", "flagged") if c in frame]]
    return Scorecard(targets.mapping(), spec, min_n=min_n, method=method).build(records)


# --------------------------------------------------------------------------- scorecard.json
def _num(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _str(x: Any) -> str | None:
    """A string value, or None for None/NaN."""
    return x if isinstance(x, str) else None


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from crmkit import __version__

    out = {"crmkit": __version__, "python": platform.python_version()}
    for pkg in ("pandas", "numpy", "scipy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def scorecard_payload(
    card: Scorecard,
    *,
    company: str,
    period: str,
    start: str,
    end: str,
    metrics: pd.DataFrame,
    descriptive: pd.DataFrame,
    weights: WeightsConfig,
    targets: TargetsConfig,
    sens: SensitivityResult | None = None,
    sens_index: SensitivityResult | None = None,
    previous: Mapping[str, Any] | None = None,
    strengths: Sequence[str] = (),
    weaknesses: Sequence[str] = (),
    actions: pd.DataFrame | None = None,
    alert_table: pd.DataFrame | None = None,
    peers: Mapping[str, Scorecard] | None = None,
    language: str = "en",
) -> dict[str, Any]:
    """The content of ``scorecard.json`` (see ``crmkit/schemas/scorecard.schema.json``).

    Every metric carries value, unit, n, interval, target, floor,
    direction, normalised score, weight (within its dimension), dimension
    weight, effective weight in the index (``weight_used``), light, status;
    then dimension scores, the composite ``{value, grade, interval,
    rank_band}``, weights (with the AHP consistency ratio), missing
    indicators, trend, strengths, weaknesses, actions, alerts, versions.
    The index interval comes from ``sens_index`` (default ``sens``), the
    rank band from ``sens`` (see :func:`rank_sensitivity`).
    """
    labels = metric_labels(metrics)
    notebooks = {m["name"]: m.get("notebook") or "" for _, m in metrics.iterrows()}
    items = []
    for name, row in card.table_.iterrows():
        lo, hi = _num(row["ci_low"]), _num(row["ci_high"])
        items.append({
            "name": name,
            "label_en": labels.get(name, (name, name))[0],
            "label_zh": labels.get(name, (name, name))[1],
            "notebook": notebooks.get(name, ""),
            "dimension": _str(row["dimension"]),
            "value": _num(row["value"]),
            "unit": row["unit"] if isinstance(row["unit"], str) else None,
            "n": None if _num(row["n"]) is None else int(row["n"]),
            "interval": None if lo is None or hi is None else {"low": lo, "high": hi},
            "target": _num(row["target"]),
            "floor": _num(row["floor"]),
            "direction": row["direction"],
            "score": _num(row["score"]),
            "weight": _num(row["weight"]),
            "dimension_weight": _num(row["dimension_weight"]),
            "weight_used": float(row["weight_used"]),
            "light": _str(row["light"]),
            "flagged": bool(row["flagged"]),
            "scored": bool(row["scored"]),
            "status": row["status"],
        })
    desc_labels = metric_labels(descriptive)
    desc = [{
        "name": m["name"], "label_en": desc_labels[str(m["name"])][0], "label_zh": desc_labels[str(m["name"])][1],
        "notebook": m.get("notebook") or "", "dimension": m.get("dimension"), "value": _num(m.get("value")),
        "unit": m.get("unit"), "n": None if _num(m.get("n")) is None else int(m["n"]),
        "reason": (f"true by construction this period ({m['by_construction']}): described, not scored"
                   if isinstance(m.get("by_construction"), str)
                   else targets.descriptive.get(m["name"], "saved without a direction: descriptive")),
    } for _, m in descriptive.iterrows()]
    dims = []
    for dim, row in card.dimension_scores_.iterrows():
        en, zh = DIMENSIONS.get(dim, (dim, dim))
        dims.append({
            "dimension": dim, "label_en": en, "label_zh": zh, "score": _num(row["score"]),
            "weight": _num(row["weight"]), "weight_used": float(row["weight_used"]),
            "n_indicators": int(row["n_indicators"]), "n_scored": int(row["n_scored"]),
            "grade": _str(row["grade"]), "light": _str(row["light"]),
        })
    interval = rank_band = None
    sens_block = None
    source = sens_index if sens_index is not None else sens
    if source is not None and company in source.summary.index:
        si = source.summary.loc[company]
        interval = {"low": _num(si["low"]), "high": _num(si["high"]), "level": float(source.settings["interval"])}
    if sens is not None and company in sens.summary.index:
        s = sens.summary.loc[company]
        units = len(sens.summary)
        if units > 1:
            rank_band = {"rank": int(s["rank"]), "low": int(s["rank_low"]), "high": int(s["rank_high"]),
                         "min": int(s["rank_min"]), "max": int(s["rank_max"]), "of": int(units)}
        sens_block = {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in sens.settings.items()}
        sens_block["units"] = [str(u) for u in sens.summary.index]
        if sens_index is not None:
            sens_block["interval_normalisations"] = list(sens_index.settings["normalisations"])
    prev_comp = ((previous or {}).get("composite") or {}).get("value") if previous else None
    trend = None
    if previous:
        trend = {
            "previous_period": previous.get("period"),
            "previous_composite": _num(prev_comp),
            "change": None if _num(prev_comp) is None or not np.isfinite(card.composite_) else card.composite_ - float(prev_comp),
            "previous_grade": (previous.get("composite") or {}).get("grade"),
        }
    peer_rows = []
    for other, pc in (peers or {}).items():
        peer_rows.append({"company": other, "composite": _num(pc.composite_), "grade": pc.grade_})

    def _records(frame: pd.DataFrame | None, cols: Sequence[str]) -> list[dict[str, Any]]:
        if frame is None or frame.empty:
            return []
        return [{c: (_num(r[c]) if c == "gain" else (int(r[c]) if c == "priority" else r[c])) for c in cols} for _, r in frame.iterrows()]

    return {
        "schema": "crmkit-scorecard",
        "schema_version": SCHEMA_VERSION,
        "company": company,
        "period": period,
        "start": str(start),
        "end": str(end),
        "language": language,
        "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
        "composite": {
            "value": _num(card.composite_),
            "grade": card.grade_,
            "interval": interval,
            "rank_band": rank_band,
            "method": card.method,
            "n_scored": int(card.table_["scored"].sum()),
            "n_indicators": int(len(card.table_)),
        },
        "dimensions": dims,
        "metrics": items,
        "descriptive": desc,
        "missing": [{"indicator": r["indicator"], "dimension": r["dimension"], "status": r["status"], "reason": r["reason"]}
                    for r in card.missing_.to_dict(orient="records")],
        "missing_dimensions": [str(d) for d in card.missing_dimensions_],
        "weights": weights.to_dict(),
        "targets": {"source": None if targets.source is None else str(targets.source)},
        "min_n": int(card.min_n),
        "sensitivity": sens_block,
        "peers": peer_rows,
        "trend": trend,
        "strengths": [str(s) for s in strengths],
        "weaknesses": [str(w) for w in weaknesses],
        "actions": _records(actions, ["id", "subject", "priority", "gain", "en", "zh"]),
        "alerts": _records(alert_table, ["id", "subject", "priority", "en", "zh"]),
        "versions": _versions(),
    }


def recompute_composite(payload: Mapping[str, Any]) -> float | None:
    """Composite recomputed from the scores and weights inside ``scorecard.json``.

    Weighted arithmetic mean within each dimension over the scored
    metrics (``weight``), then over the dimensions with a score
    (``dimension_weight``): the rule the index was built with.
    """
    by_dim: dict[str, list[tuple[float, float]]] = {}
    dim_weight: dict[str, float] = {}
    for m in payload.get("metrics", []):
        if not m.get("scored"):
            continue
        by_dim.setdefault(m["dimension"], []).append((float(m["score"]), float(m["weight"])))
        dim_weight[m["dimension"]] = float(m["dimension_weight"])
    num = den = 0.0
    for dim, pairs in by_dim.items():
        w = sum(p[1] for p in pairs)
        if w <= 0:
            continue
        score = sum(s * wi for s, wi in pairs) / w
        num += dim_weight[dim] * score
        den += dim_weight[dim]
    return num / den if den > 0 else None


def validate_scorecard(payload: Mapping[str, Any]) -> None:
    """Validate *payload* against the scorecard JSON Schema.

    Raises
    ------
    crmkit.errors.ConfigError
        When it does not conform (message gives the JSON path).
    """
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path))
    if errors:
        listed = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:5])
        raise ConfigError(f"scorecard does not match {SCHEMA_PATH.name}: {listed}.")


def write_scorecard(folder: str | os.PathLike, payload: Mapping[str, Any], *, validate: bool = True) -> Path:
    """Write ``scorecard.json`` atomically (temporary file, then rename).

    Validates against the schema first when ``jsonschema`` is installed.
    """
    if validate:
        try:
            validate_scorecard(payload)
        except ImportError:
            pass
    text = json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False)
    return write_atomic(Path(folder) / "scorecard.json", text)


# --------------------------------------------------------------------------- presentation helpers
STATUS_TEXT: dict[str, tuple[str, str]] = {
    "scored": ("scored", "已计分"),
    "low_n": ("n below minimum: shown, not scored", "样本不足：仅展示，不计分"),
    "no_value": ("not measured for this company-period", "本期未测得"),
    "no_target": ("no target configured", "未设置目标"),
    "no_dimension": ("no dimension given", "未指定维度"),
    "no_weight": ("no weight configured", "未设置权重"),
}
"""Bilingual explanation of each scorecard ``status``."""

LIGHT_TEXT: dict[str | None, tuple[str, str]] = {
    "green": ("● green", "● 绿"),
    "amber": ("● amber", "● 黄"),
    "red": ("● red", "● 红"),
    None: ("–", "–"),
}
"""Bilingual traffic-light labels."""


def metric_labels(metrics: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Metric name → (English, Chinese) label: the saved label, else the registry's, else the name."""
    reg = registry()
    out: dict[str, tuple[str, str]] = {}
    for _, m in metrics.iterrows():
        name = str(m["name"])
        decl = reg.get(name)
        en = m.get("label_en") if isinstance(m.get("label_en"), str) and m.get("label_en") else (decl.label_en if decl else name)
        zh = m.get("label_zh") if isinstance(m.get("label_zh"), str) and m.get("label_zh") else (decl.label_zh if decl else en)
        out.setdefault(name, (en, zh))
    return out


def grade_robust(low: float, high: float, bands: Any = None) -> bool:
    """True when both ends of the index interval fall in the same grade band.

    Examples
    --------
    >>> grade_robust(71.0, 84.0), grade_robust(68.0, 74.0)
    (True, False)
    """
    from crmkit.scoring import grade

    return grade(low, bands) == grade(high, bands) and grade(low, bands) is not None
