"""Targets and floors of the scored indicators (``parameters/targets.yaml``).

A targets file gives, per scored metric, the ``target`` (score 100), the
``floor`` (score 0) and the ``rationale`` for both; unit, direction and
dimension come from the metric registry (:mod:`crmkit.evaluation.registry`).
Scoring is min-max to target (OECD/JRC *Handbook on Constructing Composite
Indicators*, 2008): ``score = 100 * (value - floor) / (target - floor)``,
clipped to 0-100.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from crmkit.errors import ConfigError
from crmkit.evaluation.registry import Registry, registry
from crmkit.evaluation.weights import SCORED_DIMENSIONS, parameters_dir
from crmkit.yamlio import read_yaml

__all__ = ["TargetsConfig", "load_targets", "default_targets_path"]

_KEYS = "target, floor, rationale (and, agreeing with the registry, direction, dimension, unit)"


class _Target(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: float
    floor: float
    rationale: str = Field(min_length=3)
    # accepted for files written before the registry; must agree with it
    direction: Literal["higher", "lower"] | None = None
    dimension: str | None = None
    unit: str | None = None

    @model_validator(mode="after")
    def _finite(self) -> "_Target":
        if not (math.isfinite(self.target) and math.isfinite(self.floor)):
            raise ValueError("target and floor must be finite numbers")
        if self.target == self.floor:
            raise ValueError(f"target and floor are both {self.target:g}; the floor (score 0) must differ from the target (score 100)")
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
        rationale, unit`` (direction, dimension and unit from the registry).
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


def _check(name: str, entry: _Target, reg: Registry) -> str | None:
    """Problem of one indicator against the registry, or None."""
    if name not in reg:
        return reg.unknown_message(name)
    decl = reg[name]
    if decl.direction is None:
        return ("the registry declares it without a direction (descriptive), so it cannot be scored; "
                "list it under 'descriptive' or give it a direction in crmkit/resources/metrics.yaml")
    if entry.dimension is not None and entry.dimension not in SCORED_DIMENSIONS:
        return f"unknown dimension {entry.dimension!r}; use one of {', '.join(SCORED_DIMENSIONS)} (or leave it out: the registry gives it)"
    for key in ("direction", "dimension", "unit"):
        given = getattr(entry, key)
        if given is not None and given != getattr(decl, key):
            return (f"{key} {given!r} disagrees with the registry's {getattr(decl, key)!r}; "
                    f"leave {key} out (the registry gives it) or change crmkit/resources/metrics.yaml")
    if decl.dimension not in SCORED_DIMENSIONS:
        return f"the registry puts it in dimension {decl.dimension!r}, which is not scored"
    t, f = entry.target, entry.floor
    if decl.direction == "higher" and t < f:
        return f"direction is 'higher' (registry) but target {t:g} is below floor {f:g}; swap target and floor"
    if decl.direction == "lower" and t > f:
        return f"direction is 'lower' (registry) but target {t:g} is above floor {f:g}; swap target and floor"
    return None


def load_targets(path: str | os.PathLike | None = None, *, metrics: Registry | None = None) -> TargetsConfig:
    """Read and validate a targets file (``yaml.safe_load`` + pydantic) against the metric registry.

    Parameters
    ----------
    path : path, optional
        Default :func:`default_targets_path` (``parameters/targets.yaml``);
        an empty string means the default too.
    metrics : Registry, optional
        Metric registry to check against (default the shipped one).

    Returns
    -------
    TargetsConfig

    Raises
    ------
    crmkit.errors.ConfigError
        Missing file, invalid YAML, unknown keys, a name the registry does
        not declare, a target equal to its floor or on the wrong side for the
        registry's direction, a direction/dimension/unit that disagrees with
        the registry, a missing rationale; the message names the file and
        the indicator.
    """
    reg = registry() if metrics is None else metrics
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
                msg = f"unknown key (allowed: {_KEYS})"
            elif err["type"] == "missing":
                msg = "required key missing"
            lines.append(f"{loc}: {msg}")
        raise ConfigError(f"targets file {p}: " + "; ".join(lines) + ".") from None
    both = sorted(set(parsed.indicators) & set(parsed.descriptive))
    if both:
        raise ConfigError(f"targets file {p}: {', '.join(both)} listed both as scored indicator and as descriptive; keep one.")
    problems = [f"indicators.{k}: {msg}" for k, t in parsed.indicators.items() if (msg := _check(k, t, reg))]
    problems += [f"descriptive.{k}: {reg.unknown_message(k)}" for k in parsed.descriptive if k not in reg]
    if problems:
        raise ConfigError(f"targets file {p}: " + "; ".join(problems) + ".")
    rows = {}
    for name, t in parsed.indicators.items():
        decl = reg[name]
        rows[name] = {"target": t.target, "floor": t.floor, "direction": decl.direction, "dimension": decl.dimension,
                      "rationale": t.rationale, "unit": decl.unit}
    columns = ["target", "floor", "direction", "dimension", "rationale", "unit"]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns) if rows else pd.DataFrame(columns=columns)
    frame.index.name = "indicator"
    return TargetsConfig(frame, dict(parsed.descriptive), p.resolve())
