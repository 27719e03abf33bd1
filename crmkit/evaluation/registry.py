"""The metric registry: one declaration per headline metric.

Every headline metric a report saves is declared once, in the shipped file
``crmkit/resources/metrics.yaml``: its dimension, unit, direction (which
way is better, or none), bilingual label and definition, and whether the
default targets file scores it.  :class:`crmkit.evaluation.metrics.MetricSet`
fills a saved metric's unit, direction, dimension and labels from here, the
targets loader checks its targets against it, and KPI tiles take their
labels and units from it.

Examples
--------
>>> m = metric("churn_rate")
>>> m.unit, m.direction, m.dimension, m.scored
('ratio', 'lower', 'churn', True)
>>> m.label_zh
'期间流失率'
>>> try:
...     metric("nsp")
... except UnknownMetricError as e:
...     print(str(e).split(";")[0])
unknown metric 'nsp' (did you mean 'nps'?)
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from crmkit import resources
from crmkit.errors import ConfigError
from crmkit.formatting import Bilingual
from crmkit.i18n import DIMENSIONS
from crmkit.yamlio import read_yaml

__all__ = ["Metric", "Registry", "UnknownMetricError", "UNITS", "REGISTRY_PATH", "registry", "metric",
           "load_registry", "reference_markdown"]

UNITS = ("ratio", "score", "count", "currency", "days", "hours", "minutes", "months", "multiple", "per_1000", "index")
"""Units a metric can be saved in (ratios in [0, 1], shown as percentages)."""

REGISTRY_PATH = resources.path("metrics.yaml")
"""The shipped registry file."""

DECLARE_HINT = "declare it in crmkit/resources/metrics.yaml"


class UnknownMetricError(ConfigError, KeyError):
    """A metric name that the registry does not declare (the message suggests close names)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class Metric(BaseModel):
    """Declaration of one headline metric.

    Attributes
    ----------
    name : str
        Key under which reports save the metric.
    dimension : str
        Evaluation dimension (a key of :data:`crmkit.i18n.DIMENSIONS`).
    unit : str
        One of :data:`UNITS`, as the value is saved.
    direction : {"higher", "lower", None}
        Which raw values are better; None when neither is (descriptive).
    label_en, label_zh : str
        Label in the reports and the scorecard.
    definition_en, definition_zh : str
        One sentence: what the metric measures and how.
    scored : bool
        True when the default targets file (``parameters/targets.yaml``) scores it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    dimension: str
    unit: Literal[UNITS]  # type: ignore[valid-type]
    direction: Literal["higher", "lower"] | None
    label_en: str = Field(min_length=1)
    label_zh: str = Field(min_length=1)
    definition_en: str = Field(min_length=10)
    definition_zh: str = Field(min_length=4)
    scored: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> "Metric":
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"unknown dimension {self.dimension!r}; use one of {', '.join(DIMENSIONS)}")
        if self.scored and self.direction is None:
            raise ValueError("a scored metric needs a direction (higher or lower)")
        for lang, text in (("definition_en", self.definition_en), ("definition_zh", self.definition_zh)):
            if not text.rstrip().endswith((".", "。", "）", ")")):
                raise ValueError(f"{lang} must be one full sentence ending with a full stop")
        return self

    @property
    def label(self) -> Bilingual:
        """``Bilingual(label_en, label_zh)``."""
        return Bilingual(self.label_en, self.label_zh)

    @property
    def definition(self) -> Bilingual:
        """``Bilingual(definition_en, definition_zh)``."""
        return Bilingual(self.definition_en, self.definition_zh)


class _RegistryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    metrics: dict[str, dict]


class Registry(Mapping[str, Metric]):
    """Read-only mapping name -> :class:`Metric`, in file order.

    ``registry[name]`` raises :class:`UnknownMetricError` naming the metric,
    the closest declared names and the fix.
    """

    def __init__(self, metrics: Mapping[str, Metric], source: Path | None = None):
        self._metrics = dict(metrics)
        self.source = source

    def __getitem__(self, name: str) -> Metric:
        try:
            return self._metrics[name]
        except (KeyError, TypeError):
            raise UnknownMetricError(self.unknown_message(name)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._metrics

    def get(self, name: str, default: Metric | None = None) -> Metric | None:
        return self._metrics.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._metrics)

    def __len__(self) -> int:
        return len(self._metrics)

    def __repr__(self) -> str:
        return f"Registry({len(self)} metrics from {self.source})"

    def suggest(self, name: object, n: int = 3) -> list[str]:
        """Declared names closest to *name* (``difflib`` ratio of at least 0.6)."""
        return difflib.get_close_matches(str(name), list(self._metrics), n=n, cutoff=0.6)

    def unknown_message(self, name: object) -> str:
        close = self.suggest(name)
        hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
        return f"unknown metric {name!r}{hint}; {DECLARE_HINT} with its dimension, unit, direction, labels and definition"

    def scored(self) -> list[str]:
        """Names of the metrics the default targets score."""
        return [k for k, m in self._metrics.items() if m.scored]

    def by_dimension(self) -> dict[str, list[Metric]]:
        """Metrics grouped by dimension, dimensions in :data:`crmkit.i18n.DIMENSIONS` order."""
        out: dict[str, list[Metric]] = {d: [] for d in DIMENSIONS}
        for m in self._metrics.values():
            out[m.dimension].append(m)
        return {d: ms for d, ms in out.items() if ms}


def load_registry(path: str | os.PathLike | None = None) -> Registry:
    """Read and validate a registry file (safe YAML + pydantic).

    Parameters
    ----------
    path : path, optional
        Default :data:`REGISTRY_PATH` (the shipped ``crmkit/resources/metrics.yaml``).

    Raises
    ------
    crmkit.errors.ConfigError
        Invalid YAML, unknown keys, a unit, direction or dimension not
        allowed, a scored metric without direction, a missing label or
        definition; the message names the file and the metric.
    """
    p = Path(path) if path not in (None, "") else REGISTRY_PATH
    data = read_yaml(p, "metric registry", expect="a mapping with a 'metrics' section")
    try:
        parsed = _RegistryFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"metric registry {p}: " + _errors(exc) + ".") from None
    out: dict[str, Metric] = {}
    problems: list[str] = []
    for name, entry in parsed.metrics.items():
        if not isinstance(entry, dict):
            problems.append(f"{name}: must be a mapping of dimension, unit, direction, labels and definitions")
            continue
        try:
            out[name] = Metric.model_validate({"name": name, **entry})
        except ValidationError as exc:
            problems.append(_errors(exc, prefix=name))
    if problems:
        raise ConfigError(f"metric registry {p}: " + "; ".join(problems) + ".")
    return Registry(out, p.resolve())


def _errors(exc: ValidationError, prefix: str = "") -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in ((prefix,) if prefix else ()) + tuple(err["loc"]))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (allowed: " + ", ".join(f for f in Metric.model_fields if f != "name") + ")"
        elif err["type"] == "missing":
            msg = "required key missing"
        lines.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(lines)


@functools.lru_cache(maxsize=1)
def _default() -> Registry:
    return load_registry(REGISTRY_PATH)


def registry() -> Registry:
    """The shipped registry (read once per process)."""
    return _default()


def metric(name: str) -> Metric:
    """Declaration of *name* in the shipped registry.

    Raises
    ------
    UnknownMetricError
        When *name* is not declared (message with close matches and the fix).
    """
    return registry()[name]


_DIRECTION_TEXT = {"higher": ("higher is better", "越高越好"), "lower": ("lower is better", "越低越好"),
                   None: ("descriptive", "描述性")}


def reference_markdown(reg: Registry | None = None, *, heading_level: int = 2) -> str:
    """The registry as Markdown: one table per dimension.

    Columns: metric name, English and Chinese label, unit, direction,
    whether the default targets score it, and the definition in both
    languages.  ``|`` in texts is escaped so every row stays one row.

    Examples
    --------
    >>> text = reference_markdown()
    >>> text.splitlines()[0]
    '## Data quality (数据质量)'
    >>> "| `churn_rate` | Period churn rate | 期间流失率 | ratio | lower is better | yes |" in text
    True
    """
    reg = registry() if reg is None else reg
    hashes = "#" * heading_level

    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    parts: list[str] = []
    for dim, metrics in reg.by_dimension().items():
        en, zh = DIMENSIONS[dim]
        parts.append(f"{hashes} {en} ({zh})\n")
        parts.append("| Metric | Label | 标签 | Unit | Direction | Scored | Definition |")
        parts.append("|---|---|---|---|---|---|---|")
        for m in metrics:
            direction = _DIRECTION_TEXT[m.direction][0]
            definition = f"{cell(m.definition_en)}<br>{cell(m.definition_zh)}"
            parts.append(f"| `{m.name}` | {cell(m.label_en)} | {cell(m.label_zh)} | {m.unit} | {direction} | "
                         f"{'yes' if m.scored else 'no'} | {definition} |")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
