"""Composite evaluation of one company-period (the ``99_summary`` report).

The summary notebook only calls these functions:

* :func:`load_targets` reads and validates ``parameters/targets.yaml``;
* :func:`read_metrics` collects the headline metrics the dimension
  notebooks saved, :func:`build_scorecard` scores them against targets and
  weights (:class:`crmkit.scoring.Scorecard`);
* :func:`peer_metrics` / :func:`rank_sensitivity` compare the company with
  the other companies of the same period (Monte Carlo index interval and
  rank band, :func:`crmkit.scoring.sensitivity`);
* :func:`previous_period`, :func:`load_previous_scorecard` and
  :func:`indicator_trend` give the trend vs the previous period;
* :func:`strengths_weaknesses`, :func:`load_rules`, :func:`recommended_actions`
  and :func:`alerts` turn the scores into readings driven by the bilingual
  rule table ``parameters/actions.yaml``;
* :func:`scorecard_payload`, :func:`validate_scorecard` and
  :func:`write_scorecard` produce ``scorecard.json`` against the JSON Schema
  ``crmkit/schemas/scorecard.schema.json``; :func:`recompute_composite`
  recomputes its composite from its own scores and weights.

Method: OECD/JRC *Handbook on Constructing Composite Indicators* (2008).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from crmkit.errors import ConfigError
from crmkit.yamlio import read_yaml
from crmkit.scoring import Scorecard, SensitivityResult, sensitivity
from crmkit.evaluation.weights import WeightsConfig, complete_indicator_weights, parameters_dir
from crmkit import resources

__all__ = [
    "SUMMARY_NOTEBOOK",
    "SCHEMA_PATH",
    "SENSITIVITY_SEED",
    "TargetsConfig",
    "load_targets",
    "read_metrics",
    "split_metrics",
    "build_scorecard",
    "peer_metrics",
    "peer_scorecards",
    "rank_sensitivity",
    "previous_period",
    "load_previous_scorecard",
    "indicator_trend",
    "strengths_weaknesses",
    "Rules",
    "load_rules",
    "recommended_actions",
    "alerts",
    "scorecard_payload",
    "recompute_composite",
    "validate_scorecard",
    "write_scorecard",
    "STATUS_TEXT",
    "LIGHT_TEXT",
    "metric_labels",
    "describer",
    "grade_robust",
]

SUMMARY_NOTEBOOK = "99_summary"
"""Name of the summary notebook (its own metrics file is never scored)."""

SCHEMA_PATH = resources.path("schemas", "scorecard.schema.json")
"""JSON Schema of ``scorecard.json`` (shipped as package data)."""

SCHEMA_VERSION = 1

SENSITIVITY_SEED = 20251231
"""Seed of the Monte Carlo sensitivity analysis (same seed for every company, so results are reproducible)."""

SENSITIVITY_DRAWS = 2000
SENSITIVITY_INTERVAL = 0.90


# --------------------------------------------------------------------------- targets
class _Target(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: float
    floor: float
    direction: Literal["higher", "lower"]
    dimension: str
    rationale: str = Field(min_length=3)
    unit: str | None = None

    @model_validator(mode="after")
    def _order(self) -> "_Target":
        if not (math.isfinite(self.target) and math.isfinite(self.floor)):
            raise ValueError("target and floor must be finite numbers")
        if self.target == self.floor:
            raise ValueError(f"target and floor are both {self.target:g}; the floor (score 0) must differ from the target (score 100)")
        if self.direction == "higher" and self.target < self.floor:
            raise ValueError(f"direction is 'higher' but target {self.target:g} is below floor {self.floor:g}; swap them or set direction: lower")
        if self.direction == "lower" and self.target > self.floor:
            raise ValueError(f"direction is 'lower' but target {self.target:g} is above floor {self.floor:g}; swap them or set direction: higher")
        return self


class _TargetsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    indicators: dict[str, _Target]
    descriptive: dict[str, str] = Field(default_factory=dict)


@dataclass(frozen=True)
class TargetsConfig:
    """Validated ``targets.yaml``.

    Attributes
    ----------
    indicators : pandas.DataFrame
        Indexed by indicator: ``target, floor, direction, dimension,
        rationale, unit``.
    descriptive : dict
        Metric name → why it is reported but not scored.
    source : pathlib.Path or None
    """

    indicators: pd.DataFrame
    descriptive: dict[str, str] = field(default_factory=dict)
    source: Path | None = None

    def mapping(self) -> dict[str, dict[str, Any]]:
        """``{indicator: {target, floor, direction, dimension}}`` for :class:`crmkit.scoring.Scorecard`."""
        cols = ["target", "floor", "direction", "dimension"]
        return {name: {c: row[c] for c in cols} for name, row in self.indicators.iterrows()}


def default_targets_path() -> Path:
    """``<parameters>/targets.yaml``."""
    return parameters_dir() / "targets.yaml"


def load_targets(path: str | os.PathLike | None = None) -> TargetsConfig:
    """Read and validate a targets file (``yaml.safe_load`` + pydantic).

    Parameters
    ----------
    path : path, optional
        Default :func:`default_targets_path` (``parameters/targets.yaml``);
        an empty string means the default too.

    Returns
    -------
    TargetsConfig

    Raises
    ------
    crmkit.errors.ConfigError
        Missing file, invalid YAML, unknown keys, a target equal to its
        floor or on the wrong side for its direction, a missing rationale;
        the message names the file and the indicator.
    """
    p = Path(path) if path not in (None, "") else default_targets_path()
    data = read_yaml(p, "targets file",
                     missing_hint="Give the path of a targets YAML or restore parameters/targets.yaml.",
                     expect="a mapping with an 'indicators' section")
    try:
        parsed = _TargetsFile.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"] if x != "__root__")
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (allowed: target, floor, direction, dimension, rationale, unit)"
            elif err["type"] == "missing":
                msg = "required key missing"
            lines.append(f"{loc}: {msg}")
        raise ConfigError(f"targets file {p}: " + "; ".join(lines) + ".") from None
    both = sorted(set(parsed.indicators) & set(parsed.descriptive))
    if both:
        raise ConfigError(f"targets file {p}: {', '.join(both)} listed both as scored indicator and as descriptive; keep one.")
    from crmkit.evaluation.weights import SCORED_DIMENSIONS

    bad = {k: t.dimension for k, t in parsed.indicators.items() if t.dimension not in SCORED_DIMENSIONS}
    if bad:
        listed = ", ".join(f"{k} ({v!r})" for k, v in bad.items())
        raise ConfigError(f"targets file {p}: unknown dimension for {listed}; use one of {', '.join(SCORED_DIMENSIONS)}.")
    frame = pd.DataFrame.from_dict({k: v.model_dump() for k, v in parsed.indicators.items()}, orient="index")
    frame.index.name = "indicator"
    return TargetsConfig(frame, dict(parsed.descriptive), p.resolve())


# --------------------------------------------------------------------------- metrics
_METRIC_COLUMNS = ["name", "value", "unit", "dimension", "n", "ci_low", "ci_high", "direction",
                   "label_en", "label_zh", "flagged", "notebook"]


def read_metrics(folder: str | os.PathLike | None) -> pd.DataFrame:
    """Headline metrics the dimension reports saved in *folder* (``*.metrics.json``).

    Metrics of final-stage notebooks (numbered 90 and above: the summary and
    due-diligence reports) are left out: they are derived from the others and
    may run at the same time, so reading them would make the scorecard depend
    on run order.  Returns an empty frame (with the metric columns) when the
    folder is missing or empty.
    """
    from crmkit.evaluation.metrics import load_all
    from crmkit.reports.runner import is_final

    if not folder or not Path(folder).is_dir():
        return pd.DataFrame(columns=_METRIC_COLUMNS)
    final = [p.name.removesuffix(".metrics.json") for p in Path(folder).glob("*.metrics.json")
             if is_final(p.name.removesuffix(".metrics.json"))]
    frame = load_all(folder, exclude=[SUMMARY_NOTEBOOK, *final])
    if frame.empty:
        return pd.DataFrame(columns=_METRIC_COLUMNS)
    # the same name saved by two notebooks: keep the first (files are read in name order)
    return frame.drop_duplicates("name", keep="first").reset_index(drop=True)


def split_metrics(metrics: pd.DataFrame, targets: TargetsConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split metrics into candidates for scoring and descriptive figures.

    A metric is descriptive when ``targets.yaml`` lists it under
    ``descriptive``, or when it has no target and was saved without a
    direction (``direction: null``). Every other metric enters the
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
    descriptive = listed | (~has_target & no_direction)
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
        frame = pd.DataFrame(columns=_METRIC_COLUMNS)
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


# --------------------------------------------------------------------------- peers
def peer_metrics(outputs_root: str | os.PathLike | None, period: str, company: str) -> dict[str, pd.DataFrame]:
    """Metrics of the other companies of *period* found under *outputs_root*.

    Reads ``<outputs_root>/<other company>/<period>/*.metrics.json``;
    companies without any metrics file are left out.

    Returns
    -------
    dict
        Company → metrics frame (see :func:`read_metrics`), sorted by company.
    """
    if not outputs_root or not Path(outputs_root).is_dir():
        return {}
    out: dict[str, pd.DataFrame] = {}
    for folder in sorted(Path(outputs_root).glob(f"*/{period}")):
        other = folder.parent.name
        if other == company or not folder.is_dir():
            continue
        frame = read_metrics(folder)
        if not frame.empty:
            out[other] = frame
    return out


def peer_scorecards(
    peers: Mapping[str, pd.DataFrame], targets: TargetsConfig, weights: WeightsConfig, *, min_n: int = 30
) -> dict[str, Scorecard]:
    """Scorecards of the peer companies with the same targets and weights."""
    return {c: build_scorecard(split_metrics(m, targets)[0], targets, weights, min_n=min_n) for c, m in peers.items()}


def rank_sensitivity(
    cards: Mapping[str, Scorecard],
    targets: TargetsConfig,
    *,
    reference: str,
    n_draws: int = SENSITIVITY_DRAWS,
    seed: int = SENSITIVITY_SEED,
    interval: float = SENSITIVITY_INTERVAL,
    concentration: float = 50.0,
    normalisations: Sequence[str] | None = None,
) -> SensitivityResult | None:
    """Monte Carlo index interval and rank band of every company.

    The indicators and weights are those scored for the ``reference``
    company; each company's raw values enter where that company scored the
    indicator (else missing, re-weighted). Each draw perturbs the dimension
    and indicator weights (Dirichlet around the chosen weights,
    concentration 50), and picks the normalisation at random among
    ``normalisations``: by default min-max to target, plus z-score and
    percentile across companies when every indicator has a value for at
    least two companies (OECD/JRC Handbook 2008, section 7). Aggregation
    stays arithmetic, the rule of the composite itself.

    The peer normalisations rescale the index (percentile puts the middle
    of three companies at 50 whatever its level), so the summary takes the
    index interval from a run with ``normalisations=["target"]`` (weights
    uncertainty on the composite's own scale) and the rank band from the
    default run (weights and normalisation uncertainty).

    Returns
    -------
    crmkit.scoring.SensitivityResult or None
        None when the reference company has no scored indicator.
    """
    ref = cards[reference].table_
    scored = ref[ref["scored"]]
    if scored.empty:
        return None
    nested: dict[str, dict[str, float]] = {}
    dim_weights: dict[str, float] = {}
    for name, row in scored.iterrows():
        nested.setdefault(row["dimension"], {})[name] = float(row["weight"])
        dim_weights[row["dimension"]] = float(row["dimension_weight"])
    nested = {d: w for d, w in nested.items() if sum(w.values()) > 0 and dim_weights[d] > 0}
    if not nested:
        return None
    dim_weights = {d: dim_weights[d] for d in nested}
    columns = [i for w in nested.values() for i in w]
    units = [reference, *sorted(c for c in cards if c != reference)]
    rows = {}
    for unit in units:
        t = cards[unit].table_
        values = t["value"].where(t["scored"]).reindex(columns)
        rows[unit] = values
    data = pd.DataFrame(rows).T[columns].astype("float64")
    target_map = targets.mapping()
    return sensitivity(
        data, nested, dimension_weights=dim_weights, targets={k: target_map[k] for k in columns},
        normalisations=None if normalisations is None else list(normalisations),
        aggregations=("arithmetic",), n_draws=n_draws, concentration=concentration, interval=interval, seed=seed,
    )


# --------------------------------------------------------------------------- trend
_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|H([12])|M(\d{2})|-(\d{2}))?$")


def previous_period(period: str) -> str | None:
    """Label of the period immediately before *period*, in the same notation.

    Examples
    --------
    >>> previous_period("2025Q1"), previous_period("2025H2"), previous_period("2025-01"), previous_period("2025")
    ('2024Q4', '2025H1', '2024-12', '2024')
    """
    m = _PERIOD.match(str(period))
    if not m:
        return None
    year = int(m.group(1))
    if m.group(2):
        q = int(m.group(2)) - 1
        return f"{year - 1}Q4" if q == 0 else f"{year}Q{q}"
    if m.group(3):
        h = int(m.group(3)) - 1
        return f"{year - 1}H2" if h == 0 else f"{year}H{h}"
    if m.group(4) or m.group(5):
        month = int(m.group(4) or m.group(5)) - 1
        y, month = (year - 1, 12) if month == 0 else (year, month)
        return f"{y}M{month:02d}" if m.group(4) else f"{y}-{month:02d}"
    return str(year - 1)


def load_previous_scorecard(outputs_root: str | os.PathLike | None, company: str, period: str) -> dict[str, Any] | None:
    """``<outputs_root>/<company>/<previous period>/scorecard.json`` when present and readable."""
    prev = previous_period(period)
    if not outputs_root or prev is None:
        return None
    path = Path(outputs_root) / company / prev / "scorecard.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("period", prev) == prev else None


def indicator_trend(current: Scorecard, previous: Mapping[str, Any] | None) -> pd.DataFrame:
    """Change of every indicator vs the previous period's ``scorecard.json``.

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator (those with a value in both periods):
        ``dimension, unit, direction, previous, value, change`` (raw, in the
        indicator's unit), ``relative_change`` (change / |previous|),
        ``previous_score, score, score_change``, ``worse`` (moved away from
        the target in raw terms).
    """
    columns = ["dimension", "unit", "direction", "previous", "value", "change", "relative_change",
               "previous_score", "score", "score_change", "worse"]
    if not previous:
        return pd.DataFrame(columns=columns).rename_axis("indicator")
    prev = {m["name"]: m for m in previous.get("metrics", []) if m.get("value") is not None}
    rows = []
    for name, row in current.table_.iterrows():
        if name not in prev or not np.isfinite(row["value"]):
            continue
        p = prev[name]
        change = float(row["value"]) - float(p["value"])
        rel = change / abs(float(p["value"])) if float(p["value"]) != 0 else float("nan")
        ps = p.get("score")
        ps = float("nan") if ps is None else float(ps)
        sign = -1.0 if row["direction"] == "lower" else 1.0
        rows.append({
            "indicator": name, "dimension": row["dimension"], "unit": row["unit"], "direction": row["direction"],
            "previous": float(p["value"]), "value": float(row["value"]), "change": change, "relative_change": rel,
            "previous_score": ps, "score": float(row["score"]), "score_change": float(row["score"]) - ps,
            "worse": bool(sign * change < 0),
        })
    if not rows:
        return pd.DataFrame(columns=columns).rename_axis("indicator")
    return pd.DataFrame(rows).set_index("indicator")[columns]


# --------------------------------------------------------------------------- readings
def strengths_weaknesses(table: pd.DataFrame, k: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The *k* best and *k* worst scored indicators.

    Strengths: highest normalised score; among indicators at or beyond
    their target (score 100) the one furthest beyond it, measured by the
    unclipped score ``100 · (value − floor) / (target − floor)``, comes
    first. Weaknesses: lowest score, ties broken by the points the index
    would gain at target, ``weight_used · (100 − score)``. An indicator is
    never both.

    Returns
    -------
    (strengths, weaknesses) : tuple of pandas.DataFrame
        Rows of ``table`` with added ``gain`` (index points) and
        ``unclipped`` columns.
    """
    scored = table[table["scored"]].copy()
    scored["gain"] = scored["weight_used"] * (100.0 - scored["score"])
    scored["unclipped"] = 100.0 * (scored["value"] - scored["floor"]) / (scored["target"] - scored["floor"])
    strengths = scored.sort_values(["score", "unclipped", "weight_used"], ascending=[False, False, False], kind="mergesort").head(k)
    rest = scored.drop(strengths.index)
    weaknesses = rest.sort_values(["score", "gain"], ascending=[True, False], kind="mergesort").head(k)
    return strengths, weaknesses


_CONDITIONS = {"score_below", "score_above", "value_above", "value_below", "light",
               "change_above", "change_below", "relative_change_above", "relative_change_below", "worse"}


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    indicator: str | None = None
    dimension: str | None = None
    composite: bool = False
    when: dict[str, Any] = Field(default_factory=dict)
    priority: int = Field(2, ge=1, le=9)
    fallback: bool = False
    en: str = Field(min_length=3)
    zh: str = Field(min_length=2)

    @model_validator(mode="after")
    def _target(self) -> "_Rule":
        subjects = sum([self.indicator is not None, self.dimension is not None, self.composite])
        if subjects != 1:
            raise ValueError("give exactly one of 'indicator', 'dimension' or 'composite: true'")
        unknown = sorted(set(self.when) - _CONDITIONS)
        if unknown:
            raise ValueError(f"unknown condition(s) {unknown}; use {sorted(_CONDITIONS)}")
        if not self.when and not self.fallback:
            raise ValueError("a rule needs conditions under 'when' (or 'fallback: true')")
        return self


class _RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    actions: list[_Rule] = Field(default_factory=list)
    alerts: list[_Rule] = Field(default_factory=list)


@dataclass(frozen=True)
class Rules:
    """Validated action and alert rules (``parameters/actions.yaml``)."""

    actions: list[_Rule]
    alerts: list[_Rule]
    source: Path | None = None


def load_rules(path: str | os.PathLike | None = None) -> Rules:
    """Read and validate the bilingual rule table (default ``parameters/actions.yaml``).

    Raises
    ------
    crmkit.errors.ConfigError
        Missing file, invalid YAML, a rule with unknown keys or conditions,
        without text in both languages, or with repeated ids.
    """
    p = Path(path) if path not in (None, "") else parameters_dir() / "actions.yaml"
    data = read_yaml(p, "rules file")
    try:
        parsed = _RulesFile.model_validate(data)
    except ValidationError as exc:
        lines = [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
        raise ConfigError(f"rules file {p}: " + "; ".join(lines) + ".") from None
    ids = [r.id for r in [*parsed.actions, *parsed.alerts]]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ConfigError(f"rules file {p}: rule id(s) repeated: {', '.join(dup)}.")
    return Rules(parsed.actions, parsed.alerts, p.resolve())


def _matches(when: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    for key, limit in when.items():
        if key == "light":
            allowed = [limit] if isinstance(limit, str) else list(limit)
            if facts.get("light") not in allowed:
                return False
            continue
        if key == "worse":
            if bool(facts.get("worse")) != bool(limit):
                return False
            continue
        field_name, op = key.rsplit("_", 1)
        x = facts.get(field_name)
        if x is None or not np.isfinite(x):
            return False
        if (op == "below" and not x < float(limit)) or (op == "above" and not x > float(limit)):
            return False
    return True


def _facts(row: Mapping[str, Any], trend: pd.DataFrame | None, name: str | None) -> dict[str, Any]:
    facts = {"score": row.get("score"), "value": row.get("value"), "light": row.get("light")}
    if trend is not None and name is not None and name in trend.index:
        t = trend.loc[name]
        facts.update(change=t["change"], relative_change=t["relative_change"], worse=t["worse"])
    return {k: (float(v) if isinstance(v, (int, float, np.floating)) and not isinstance(v, bool) else v) for k, v in facts.items()}


def _fill(text: str, values: Mapping[str, str]) -> str:
    class _Safe(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return text.format_map(_Safe(values))


def recommended_actions(
    card: Scorecard,
    rules: Rules,
    *,
    trend: pd.DataFrame | None = None,
    weaknesses: Sequence[str] = (),
    describe: Callable[[str, Mapping[str, Any]], Mapping[str, str]] | None = None,
    limit: int = 8,
) -> pd.DataFrame:
    """Actions whose rule conditions hold for the scored indicators and dimensions.

    Conditions (all must hold): ``score_below/above`` (0-100 normalised
    score), ``value_below/above`` (raw value), ``light`` (traffic light or
    list of lights), ``change_above/below``, ``relative_change_above/below``
    and ``worse`` (vs the previous period, needs ``trend``). Rules on
    indicators only see scored indicators. A ``fallback`` rule on
    ``indicator: "*"`` fires for each of ``weaknesses`` that no specific
    rule covered. Placeholders ``{label} {value} {target} {score}`` in the
    texts are filled by ``describe(name, row)``.

    Returns
    -------
    pandas.DataFrame
        ``id, subject, dimension, priority, gain, en, zh`` sorted by
        priority then index points to gain; at most ``limit`` rows.
    """
    table = card.table_
    rows = []
    covered: set[str] = set()
    describe = describe or (lambda name, row: {})
    for rule in rules.actions:
        if rule.fallback:
            continue
        if rule.indicator is not None:
            names = [n for n in table.index[table["scored"]] if rule.indicator in (n, "*")]
            for name in names:
                row = table.loc[name]
                if _matches(rule.when, _facts(row, trend, name)):
                    covered.add(name)
                    text = describe(name, row)
                    rows.append({"id": rule.id, "subject": name, "dimension": row["dimension"], "priority": rule.priority,
                                 "gain": float(row["weight_used"] * (100 - row["score"])),
                                 "en": _fill(rule.en, {k: v[0] for k, v in text.items()}),
                                 "zh": _fill(rule.zh, {k: v[1] for k, v in text.items()})})
        elif rule.dimension is not None:
            dims = card.dimension_scores_
            for dim in dims.index:
                if rule.dimension not in (dim, "*"):
                    continue
                drow = dims.loc[dim]
                if not np.isfinite(drow["score"]):
                    continue
                if _matches(rule.when, {"score": float(drow["score"]), "light": drow["light"]}):
                    text = describe(dim, drow)
                    rows.append({"id": rule.id, "subject": dim, "dimension": dim, "priority": rule.priority,
                                 "gain": float(drow["weight_used"] * (100 - drow["score"])),
                                 "en": _fill(rule.en, {k: v[0] for k, v in text.items()}),
                                 "zh": _fill(rule.zh, {k: v[1] for k, v in text.items()})})
        elif rule.composite and np.isfinite(card.composite_):
            if _matches(rule.when, {"score": card.composite_}):
                rows.append({"id": rule.id, "subject": "composite", "dimension": None, "priority": rule.priority,
                             "gain": float(100 - card.composite_), "en": rule.en, "zh": rule.zh})
    for rule in rules.actions:
        if not rule.fallback:
            continue
        for name in weaknesses:
            if name in covered or name not in table.index or rule.indicator not in (name, "*"):
                continue
            row = table.loc[name]
            if rule.when and not _matches(rule.when, _facts(row, trend, name)):
                continue
            covered.add(name)
            text = describe(name, row)
            rows.append({"id": rule.id, "subject": name, "dimension": row["dimension"], "priority": rule.priority,
                         "gain": float(row["weight_used"] * (100 - row["score"])),
                         "en": _fill(rule.en, {k: v[0] for k, v in text.items()}),
                         "zh": _fill(rule.zh, {k: v[1] for k, v in text.items()})})
    columns = ["id", "subject", "dimension", "priority", "gain", "en", "zh"]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values(["priority", "gain"], ascending=[True, False], kind="mergesort")
    return out.drop_duplicates(["id", "subject"]).head(limit).reset_index(drop=True)


def alerts(
    card: Scorecard,
    rules: Rules,
    trend: pd.DataFrame,
    *,
    previous: Mapping[str, Any] | None = None,
    describe: Callable[[str, Mapping[str, Any]], Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """Alerts from the ``alerts`` rules: changes vs the previous period.

    Indicator rules test the indicator's trend row (``change_*``,
    ``relative_change_*``, ``worse``) and current ``score``/``value``;
    dimension and composite rules test the change of the score
    (``change_below: -5`` = fell by more than 5 points).

    Returns
    -------
    pandas.DataFrame
        ``id, subject, priority, en, zh``.
    """
    describe = describe or (lambda name, row: {})
    rows = []
    prev_dims = {d["dimension"]: d.get("score") for d in (previous or {}).get("dimensions", [])}
    prev_comp = ((previous or {}).get("composite") or {}).get("value")
    for rule in rules.alerts:
        if rule.indicator is not None:
            for name in trend.index:
                if rule.indicator not in (name, "*") or name not in card.table_.index:
                    continue
                row = card.table_.loc[name]
                if _matches(rule.when, _facts(row, trend, name)):
                    text = describe(name, row)
                    rows.append({"id": rule.id, "subject": name, "priority": rule.priority,
                                 "en": _fill(rule.en, {k: v[0] for k, v in text.items()}),
                                 "zh": _fill(rule.zh, {k: v[1] for k, v in text.items()})})
        elif rule.dimension is not None:
            for dim, drow in card.dimension_scores_.iterrows():
                if rule.dimension not in (dim, "*") or prev_dims.get(dim) is None or not np.isfinite(drow["score"]):
                    continue
                change = float(drow["score"]) - float(prev_dims[dim])
                if _matches(rule.when, {"change": change, "score": float(drow["score"])}):
                    text = describe(dim, {**drow.to_dict(), "change": change})
                    rows.append({"id": rule.id, "subject": dim, "priority": rule.priority,
                                 "en": _fill(rule.en, {k: v[0] for k, v in text.items()}),
                                 "zh": _fill(rule.zh, {k: v[1] for k, v in text.items()})})
        elif rule.composite and prev_comp is not None and np.isfinite(card.composite_):
            change = card.composite_ - float(prev_comp)
            if _matches(rule.when, {"change": change, "score": card.composite_}):
                text = describe("composite", {"score": card.composite_, "change": change})
                rows.append({"id": rule.id, "subject": "composite", "priority": rule.priority,
                             "en": _fill(rule.en, {k: v[0] for k, v in text.items()}),
                             "zh": _fill(rule.zh, {k: v[1] for k, v in text.items()})})
    columns = ["id", "subject", "priority", "en", "zh"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values("priority", kind="mergesort").reset_index(drop=True) if len(out) else out


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
    labels = {}
    notebooks = {}
    for _, m in metrics.iterrows():
        labels[m["name"]] = (m.get("label_en") or m["name"], m.get("label_zh") or m["name"])
        notebooks[m["name"]] = m.get("notebook") or ""
    from crmkit.i18n import DIMENSIONS

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
    desc = [{
        "name": m["name"], "label_en": m.get("label_en") or m["name"], "label_zh": m.get("label_zh") or m["name"],
        "notebook": m.get("notebook") or "", "dimension": m.get("dimension"), "value": _num(m.get("value")),
        "unit": m.get("unit"), "n": None if _num(m.get("n")) is None else int(m["n"]),
        "reason": targets.descriptive.get(m["name"], "saved without a direction: descriptive"),
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
    from crmkit.reports.render import write_atomic

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
    """Metric name → (English, Chinese) label, falling back to the name."""
    out: dict[str, tuple[str, str]] = {}
    for _, m in metrics.iterrows():
        en = m.get("label_en") if isinstance(m.get("label_en"), str) and m.get("label_en") else m["name"]
        zh = m.get("label_zh") if isinstance(m.get("label_zh"), str) and m.get("label_zh") else en
        out.setdefault(str(m["name"]), (en, zh))
    return out


def describer(
    labels: Mapping[str, tuple[str, str]],
    *,
    currency: str = "CNY",
    trend: pd.DataFrame | None = None,
    units: Mapping[str, str] | None = None,
) -> Callable[[str, Mapping[str, Any]], dict[str, tuple[str, str]]]:
    """Build the placeholder filler used by :func:`recommended_actions` and :func:`alerts`.

    The returned ``describe(name, row)`` gives ``{placeholder: (en, zh)}``
    for ``label, value, target, score, previous, change`` formatted in the
    indicator's unit (ratios as percentages) in both languages.
    """
    from crmkit.reports.display import Report
    from crmkit.i18n import DIMENSIONS

    en_rp, zh_rp = Report("en", currency), Report("zh", currency)

    def describe(name: str, row: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
        unit = row.get("unit") if isinstance(row.get("unit"), str) else (units or {}).get(name, "number")
        if name in DIMENSIONS:
            label = DIMENSIONS[name]
        elif name == "composite":
            label = ("composite index", "综合指数")
        else:
            label = labels.get(name, (name, name))
        out = {"label": label}
        for key in ("value", "target"):
            v = row.get(key)
            if v is not None:
                out[key] = (en_rp.fmt(v, unit), zh_rp.fmt(v, unit))
        if row.get("score") is not None:
            out["score"] = (f"{float(row['score']):.0f}", f"{float(row['score']):.0f}")
        change = row.get("change")
        if trend is not None and name in trend.index:
            t = trend.loc[name]
            out["previous"] = (en_rp.fmt(t["previous"], unit), zh_rp.fmt(t["previous"], unit))
            change = t["change"]
            if unit == "ratio":
                pp = f"{100 * change:+.1f} pp"
                out["change"] = (pp, pp.replace("pp", "个百分点"))
            else:
                out["change"] = (en_rp.fmt(change, unit), zh_rp.fmt(change, unit))
        elif change is not None:
            out["change"] = (f"{abs(float(change)):.1f}", f"{abs(float(change)):.1f}")
        return out

    return describe


def grade_robust(low: float, high: float, bands: Any = None) -> bool:
    """True when both ends of the index interval fall in the same grade band.

    Examples
    --------
    >>> grade_robust(71.0, 84.0), grade_robust(68.0, 74.0)
    (True, False)
    """
    from crmkit.scoring import grade

    return grade(low, bands) == grade(high, bands) and grade(low, bands) is not None
