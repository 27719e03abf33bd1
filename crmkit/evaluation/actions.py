"""Readings of the scorecard: strengths, weaknesses, recommended actions and alerts.

:func:`strengths_weaknesses` picks the best and worst scored indicators;
:func:`load_rules` reads the bilingual rule table ``parameters/actions.yaml``,
whose conditions :func:`recommended_actions` and :func:`alerts` test against
the scores and the trend; :func:`describer` fills the placeholders of the
rule texts in both languages.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from crmkit.errors import ConfigError
from crmkit.evaluation.weights import parameters_dir
from crmkit.formatting import Formatter
from crmkit.i18n import DIMENSIONS
from crmkit.scoring import Scorecard
from crmkit.yamlio import read_yaml

__all__ = ["strengths_weaknesses", "Rules", "load_rules", "recommended_actions", "alerts", "describer"]


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


def _texts(rule: _Rule, text: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """The rule's ``en`` and ``zh`` texts, placeholders filled from *text* (placeholder → (en, zh))."""
    return {"en": _fill(rule.en, {k: v[0] for k, v in text.items()}),
            "zh": _fill(rule.zh, {k: v[1] for k, v in text.items()})}


def _action(rule: _Rule, subject: str, dimension: str | None, row: Mapping[str, Any],
            text: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """One row of :func:`recommended_actions`: the rule's texts filled with *text*; gain = weight used × (100 − score)."""
    return {"id": rule.id, "subject": subject, "dimension": dimension, "priority": rule.priority,
            "gain": float(row["weight_used"] * (100 - row["score"])), **_texts(rule, text)}


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
                    rows.append(_action(rule, name, row["dimension"], row, describe(name, row)))
        elif rule.dimension is not None:
            dims = card.dimension_scores_
            for dim in dims.index:
                if rule.dimension not in (dim, "*"):
                    continue
                drow = dims.loc[dim]
                if not np.isfinite(drow["score"]):
                    continue
                if _matches(rule.when, {"score": float(drow["score"]), "light": drow["light"]}):
                    rows.append(_action(rule, dim, dim, drow, describe(dim, drow)))
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
            rows.append(_action(rule, name, row["dimension"], row, describe(name, row)))
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
                    rows.append({"id": rule.id, "subject": name, "priority": rule.priority, **_texts(rule, text)})
        elif rule.dimension is not None:
            for dim, drow in card.dimension_scores_.iterrows():
                if rule.dimension not in (dim, "*") or prev_dims.get(dim) is None or not np.isfinite(drow["score"]):
                    continue
                change = float(drow["score"]) - float(prev_dims[dim])
                if _matches(rule.when, {"change": change, "score": float(drow["score"])}):
                    text = describe(dim, {**drow.to_dict(), "change": change})
                    rows.append({"id": rule.id, "subject": dim, "priority": rule.priority, **_texts(rule, text)})
        elif rule.composite and prev_comp is not None and np.isfinite(card.composite_):
            change = card.composite_ - float(prev_comp)
            if _matches(rule.when, {"change": change, "score": card.composite_}):
                text = describe("composite", {"score": card.composite_, "change": change})
                rows.append({"id": rule.id, "subject": "composite", "priority": rule.priority, **_texts(rule, text)})
    columns = ["id", "subject", "priority", "en", "zh"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values("priority", kind="mergesort").reset_index(drop=True) if len(out) else out


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
    en_rp, zh_rp = Formatter("en", currency), Formatter("zh", currency)

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
