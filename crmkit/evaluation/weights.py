"""Resolve the ``weights`` run parameter into dimension and indicator weights.

The parameter names either a preset in ``parameters/weights/`` (``default``,
``due_diligence``, ...) or a YAML file. A file holds one of two layouts:

*manual weights* ::

    name: my_weights
    description: One line saying what the weights emphasise.
    dimensions:             # relative weights (any scale), normalised to sum 1
      satisfaction: 15
      churn: 20
      ...
    indicators:             # optional, relative within a dimension;
      churn:                # indicators not listed get weight 1
        churn_rate: 2

*an AHP pairwise comparison matrix* of the dimensions (Saaty's 1-9 scale) ::

    method: ahp
    labels: [satisfaction, churn, value]
    matrix:
      - [1,   1/2, 2]
      - [2,   1,   3]
      - [1/2, 1/3, 1]
    allow_inconsistent: false   # CR >= 0.10 is refused unless true
    indicators: {...}           # optional, as above

(or ``judgements: {row: {column: a_row_column}}`` instead of
``labels`` + ``matrix``, see :func:`crmkit.scoring.ahp_matrix`). The AHP
weights are the principal eigenvector, with the consistency ratio reported
(:func:`crmkit.scoring.ahp_weights`).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from crmkit.errors import ConfigError
from crmkit.yamlio import read_yaml
from crmkit.i18n import DIMENSIONS as _DIMENSION_LABELS
from crmkit.scoring import AHPResult, ahp_weights, hierarchical_weights, manual_weights
from crmkit.resources import PROJECT_DIR

__all__ = [
    "SCORED_DIMENSIONS",
    "WeightsConfig",
    "parameters_dir",
    "weights_dir",
    "presets",
    "load_weights",
    "complete_indicator_weights",
]

SCORED_DIMENSIONS: tuple[str, ...] = tuple(d for d in _DIMENSION_LABELS if d != "summary")
"""Dimension keys that can carry a weight (those of :data:`crmkit.i18n.DIMENSIONS` except ``summary``)."""

_MANUAL_KEYS = {"name", "description", "method", "dimensions", "indicators"}
_AHP_KEYS = {"name", "description", "method", "labels", "criteria", "matrix", "judgements", "allow_inconsistent", "indicators"}


def parameters_dir() -> Path:
    """``$CRMKIT_PARAMETERS`` or the ``parameters/`` folder of the project."""
    env = os.environ.get("CRMKIT_PARAMETERS")
    return Path(env) if env else PROJECT_DIR / "parameters"


def weights_dir() -> Path:
    """Folder of the weight presets: ``<parameters>/weights``."""
    return parameters_dir() / "weights"


def presets() -> list[str]:
    """Names of the weight presets available in :func:`weights_dir`."""
    d = weights_dir()
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


@dataclass(frozen=True)
class WeightsConfig:
    """Weights resolved from the ``weights`` parameter.

    Attributes
    ----------
    name : str
        Preset or file name.
    kind : {"manual", "ahp"}
    dimensions : pandas.Series
        Dimension → weight, summing to 1.
    indicators : dict
        Dimension → {indicator: relative weight}; dimensions absent here
        weight their indicators equally.
    source : pathlib.Path or None
        The YAML file read.
    description : str
    ahp : AHPResult or None
        Eigenvector result with λmax, CI and CR when ``kind == "ahp"``.
    allow_inconsistent : bool
        True when an AHP matrix with CR ≥ 0.10 was accepted on purpose.
    """

    name: str
    kind: str
    dimensions: pd.Series
    indicators: dict[str, dict[str, float]] = field(default_factory=dict)
    source: Path | None = None
    description: str = ""
    ahp: AHPResult | None = None
    allow_inconsistent: bool = False

    @property
    def cr(self) -> float | None:
        """AHP consistency ratio, None for manual weights."""
        return None if self.ahp is None else float(self.ahp.cr)

    def spec(self) -> dict[str, Any]:
        """Weights in the layout of :func:`crmkit.scoring.hierarchical_weights`."""
        return {"dimensions": {k: float(v) for k, v in self.dimensions.items()},
                "indicators": {d: dict(w) for d, w in self.indicators.items()}}

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable description (the ``weights`` block of ``scorecard.json``)."""
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "source": None if self.source is None else str(self.source),
            "description": self.description,
            "dimensions": {k: float(v) for k, v in self.dimensions.items()},
            "indicators": {d: {k: float(v) for k, v in w.items()} for d, w in self.indicators.items()},
            "ahp": None,
        }
        if self.ahp is not None:
            out["ahp"] = {
                "cr": float(self.ahp.cr),
                "ci": float(self.ahp.ci),
                "lambda_max": float(self.ahp.lambda_max),
                "n": int(len(self.ahp.weights)),
                "consistent": bool(self.ahp.consistent),
                "allow_inconsistent": bool(self.allow_inconsistent),
            }
        return out


def _resolve_path(spec: str, base_dir: str | os.PathLike | None) -> Path:
    text = spec.strip()
    looks_like_path = any(sep in text for sep in ("/", "\\")) or text.endswith((".yaml", ".yml"))
    if not looks_like_path:
        path = weights_dir() / f"{text}.yaml"
        if not path.is_file():
            available = presets()
            near = difflib.get_close_matches(text, available, n=1)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            raise ConfigError(
                f"weights: no preset named {text!r} in {weights_dir()}.{hint} Available presets: "
                f"{', '.join(available) or 'none'}; or give the path of a weights YAML file."
            )
        return path
    raw = Path(text).expanduser()
    candidates = [raw] if raw.is_absolute() else [
        *([Path(base_dir) / raw] if base_dir else []), Path.cwd() / raw, parameters_dir().parent / raw,
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    raise ConfigError(
        f"weights file {text!r} not found (looked in: {', '.join(str(c) for c in candidates)}). "
        f"Give an existing YAML file or a preset name ({', '.join(presets()) or 'none available'})."
    )


def _check_dimensions(names: list[str], where: str) -> None:
    unknown = [d for d in names if d not in SCORED_DIMENSIONS]
    if unknown:
        hints = []
        for d in unknown:
            near = difflib.get_close_matches(d, SCORED_DIMENSIONS, n=1)
            hints.append(f"{d!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        raise ConfigError(
            f"{where}: unknown dimension(s) {', '.join(hints)}. Known dimensions: {', '.join(SCORED_DIMENSIONS)}."
        )


def _indicator_weights(raw: Any, where: str) -> dict[str, dict[str, float]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: 'indicators' must map each dimension to {{indicator: weight}}.")
    _check_dimensions([str(d) for d in raw], f"{where} 'indicators'")
    out: dict[str, dict[str, float]] = {}
    for dim, weights in raw.items():
        if not isinstance(weights, Mapping) or not weights:
            raise ConfigError(f"{where}: indicator weights of dimension {dim!r} must be a non-empty mapping {{indicator: weight}}.")
        try:
            manual_weights(dict(weights), what=f"indicator weights of dimension {dim!r}")
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
        out[str(dim)] = {str(k): float(v) for k, v in weights.items()}
    try:
        hierarchical_weights({"indicators": out})
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return out


def _unknown_keys(data: Mapping[str, Any], allowed: set[str], where: str, layout: str) -> None:
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        hints = []
        for k in unknown:
            near = difflib.get_close_matches(k, sorted(allowed), n=1)
            hints.append(f"{k!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        raise ConfigError(f"{where}: unknown key(s) {', '.join(hints)} in {layout} weights; allowed: {', '.join(sorted(allowed))}.")


def weights_from_mapping(data: Mapping[str, Any], *, name: str = "weights", source: Path | None = None) -> WeightsConfig:
    """Validate a parsed weights mapping (manual or AHP layout).

    Parameters
    ----------
    data : mapping
        Parsed YAML content (see the module docstring for both layouts).
    name : str
        Name used when the mapping has no ``name`` key.
    source : pathlib.Path, optional
        File the mapping came from (for messages).

    Returns
    -------
    WeightsConfig

    Raises
    ------
    crmkit.errors.ConfigError
        Unknown keys or dimensions, negative or non-numeric weights, an
        invalid matrix, or an AHP consistency ratio ≥ 0.10 without
        ``allow_inconsistent: true``.
    """
    where = f"weights file {source}" if source else f"weights {name!r}"
    if not isinstance(data, Mapping) or not data:
        raise ConfigError(f"{where} must be a YAML mapping with 'dimensions' (manual weights) or 'matrix'/'judgements' (AHP).")
    method = str(data.get("method") or ("ahp" if ("matrix" in data or "judgements" in data) else "manual")).lower()
    label = str(data.get("name") or name)
    description = str(data.get("description") or "")
    if method == "manual":
        _unknown_keys(data, _MANUAL_KEYS, where, "manual")
        dims = data.get("dimensions")
        if not isinstance(dims, Mapping) or not dims:
            raise ConfigError(f"{where}: 'dimensions' must map dimension names to weights, e.g. {{satisfaction: 2, churn: 1}}.")
        _check_dimensions([str(d) for d in dims], where)
        try:
            dimensions = manual_weights({str(k): v for k, v in dims.items()}, what="dimension weights")
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
        return WeightsConfig(label, "manual", dimensions, _indicator_weights(data.get("indicators"), where), source, description)
    if method != "ahp":
        raise ConfigError(f"{where}: method {method!r} is not known; use 'manual' (the default) or 'ahp'.")
    _unknown_keys(data, _AHP_KEYS, where, "AHP")
    allow = data.get("allow_inconsistent", False)
    if not isinstance(allow, bool):
        raise ConfigError(f"{where}: allow_inconsistent must be true or false, got {allow!r}.")
    labels = data.get("labels", data.get("criteria"))
    try:
        if "matrix" in data:
            if not isinstance(labels, list) or not labels:
                raise ConfigError("a 'matrix' needs 'labels' naming its dimensions in row order.")
            _check_dimensions([str(x) for x in labels], "AHP labels")
            result = ahp_weights(data["matrix"], labels=[str(x) for x in labels], allow_inconsistent=True)
        elif "judgements" in data:
            judgements = data["judgements"]
            if not isinstance(judgements, Mapping):
                raise ConfigError("'judgements' must map each dimension to {other dimension: value}.")
            result = ahp_weights(judgements, labels=labels, allow_inconsistent=True)
            _check_dimensions(list(result.weights.index), "AHP judgements")
        else:
            raise ConfigError("an AHP weights file needs 'labels' + 'matrix' or 'judgements'.")
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}", failure_cases=exc.failure_cases) from exc
    if not result.consistent and not allow:
        worst = result.inconsistencies.head(3)
        listed = "; ".join(
            f"{r.row} vs {r.column}: judged {r.judgement:.3g}, the other judgements imply {r.implied:.3g}"
            for r in worst.itertuples()
        )
        raise ConfigError(
            f"{where}: AHP judgements are inconsistent: CR = {result.cr:.3f} >= 0.10 "
            f"(lambda_max = {result.lambda_max:.3f}, CI = {result.ci:.3f}, n = {len(result.weights)}). "
            f"Most inconsistent comparisons: {listed}. Revise these judgements, or set "
            "'allow_inconsistent: true' in the file to use the weights anyway.",
            failure_cases=worst,
        )
    dimensions = result.weights.rename(None).astype("float64")
    return WeightsConfig(
        label, "ahp", dimensions, _indicator_weights(data.get("indicators"), where), source, description,
        result, bool(allow and not result.consistent),
    )


def load_weights(spec: str | os.PathLike | Mapping[str, Any] | None = "default", *, base_dir: str | os.PathLike | None = None) -> WeightsConfig:
    """Resolve the ``weights`` run parameter.

    Parameters
    ----------
    spec : str, path or mapping
        A preset name (``"default"``, ``"due_diligence"``, ``"ahp_example"``
        or any ``parameters/weights/<name>.yaml``), the path of a weights
        YAML file (manual weights or an AHP matrix), or an already parsed
        mapping. Empty or None means ``"default"``.
    base_dir : path, optional
        Folder against which a relative path is tried first (e.g. the
        folder of the run's parameter file); then the working directory and
        the project folder.

    Returns
    -------
    WeightsConfig

    Raises
    ------
    crmkit.errors.ConfigError
        Unknown preset, missing or invalid file, inconsistent AHP matrix
        (CR ≥ 0.10) without ``allow_inconsistent: true``.

    Examples
    --------
    >>> w = load_weights("default")
    >>> round(float(w.dimensions.sum()), 6), w.kind
    (1.0, 'manual')
    """
    if isinstance(spec, Mapping):
        return weights_from_mapping(spec)
    text = "default" if spec is None or str(spec).strip() == "" else str(spec)
    path = _resolve_path(text, base_dir)
    data = read_yaml(path, "weights file", expect=None)
    return weights_from_mapping(data, name=path.stem, source=path)


def complete_indicator_weights(
    config: WeightsConfig, indicators_by_dimension: Mapping[str, list[str]], default: float = 1.0
) -> dict[str, Any]:
    """Weights spec with every measured indicator weighted.

    A dimension listed under ``indicators`` names only the indicators it
    wants to weigh differently; the others of that dimension get
    ``default`` (relative) weight, so an indicator added later is never
    silently dropped.

    Parameters
    ----------
    config : WeightsConfig
    indicators_by_dimension : mapping
        Dimension → names of the indicators measured in it.
    default : float, default 1.0

    Returns
    -------
    dict
        ``{"dimensions": ..., "indicators": ...}`` for
        :class:`crmkit.scoring.Scorecard`.
    """
    spec = config.spec()
    for dim, weights in spec["indicators"].items():
        for name in indicators_by_dimension.get(dim, []):
            weights.setdefault(name, float(default))
    return spec
