"""Headline metrics that each report saves for the summary to score.

A notebook collects its headline figures in a :class:`MetricSet` and saves
them as ``NN_name.metrics.json`` beside the executed notebook; the summary
notebook reads every such file of a company-period (:func:`load_all`).
Unit, direction, dimension and labels of every metric come from the metric
registry (:mod:`crmkit.evaluation.registry`, ``crmkit/resources/metrics.yaml``).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from crmkit.estimate import MIN_N, Estimate
from crmkit.files import write_atomic
from crmkit.evaluation.registry import UNITS, Registry, UnknownMetricError
from crmkit.evaluation.registry import registry as _registry

__all__ = ["Metric", "MetricSet", "load_all", "UNITS", "FINAL_STAGE", "is_final"]

FINAL_STAGE = "90"
"""Notebooks numbered 90-99 (98 due diligence, 99 summary) read the others' metrics: they run last."""


def is_final(name: str) -> bool:
    """True for notebooks of the final stage, numbered 90-99 (``98_due_diligence``, ``99_summary``).

    Their metrics are derived from the other notebooks', so they run last
    and are never read back into the scorecard.

    Examples
    --------
    >>> is_final("99_summary"), is_final("06_service"), is_final("notes")
    (True, False, False)
    """
    return name[:2].isdigit() and name[:2] >= FINAL_STAGE


_UNSET: Any = object()


def _clean(x: Any) -> Any:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return x
    return None if math.isnan(f) or math.isinf(f) else f


@dataclass
class Metric:
    """One headline figure.

    ``unit`` is one of :data:`UNITS`; ratios are stored in [0, 1] and shown
    as percentages.  ``direction`` is ``"higher"``, ``"lower"`` or ``None``
    (descriptive, not scored).
    """

    name: str
    value: float | None
    unit: str
    dimension: str
    n: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    direction: str | None = "higher"
    label_en: str = ""
    label_zh: str = ""
    flagged: bool = False
    notebook: str = ""
    by_construction: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("value", "ci_low", "ci_high"):
            d[k] = _clean(d[k])
        if d["by_construction"] is None:
            del d["by_construction"]
        return d


class MetricSet:
    """Collector of :class:`Metric` records for one notebook.

    Examples
    --------
    >>> ms = MetricSet("satisfaction", notebook="02_satisfaction")
    >>> ms.add("nps", Estimate(30.0, 8.5, 13.4, 46.6, 100))
    >>> ms.add_all({"csat": 0.82, "survey_responses": 100})
    >>> row = ms.frame().iloc[0]
    >>> float(row["value"]), row["unit"], row["direction"], row["label_zh"], int(row["n"])
    (30.0, 'score', 'higher', '净推荐值', 100)
    """

    def __init__(self, dimension: str, notebook: str = "", min_n: int = MIN_N, *, registry: Registry | None = None):
        self.dimension = dimension
        self.notebook = notebook
        self.min_n = min_n
        self.registry = _registry() if registry is None else registry
        self.metrics: list[Metric] = []

    def add(
        self,
        name: str,
        value: Estimate | float | int | None,
        *,
        n: int | None = None,
        unit: str | None = None,
        direction: str | None = _UNSET,
        label_en: str | None = None,
        label_zh: str | None = None,
        dimension: str | None = None,
        by_construction: str | None = None,
    ) -> None:
        """Record metric *name*; an :class:`Estimate` brings its n and interval.

        *by_construction* (a short reason) marks a value that the data make
        true by definition this period (e.g. every active customer is new, so
        the active share is 100 %): it is saved and shown, but never scored.

        Unit, direction, dimension and labels come from the metric registry.
        The keywords ``unit``, ``direction``, ``label_en``, ``label_zh`` and
        ``dimension`` are still accepted but must equal the registry's
        declaration (they will be removed).  Returns nothing, so a notebook
        cell ending in ``add(...)`` prints nothing.

        Raises
        ------
        crmkit.evaluation.registry.UnknownMetricError
            *name* is not declared in ``crmkit/resources/metrics.yaml``.
        ValueError
            A keyword disagrees with the registry (both values named), or the
            metric was recorded twice.
        """
        try:
            decl = self.registry[name]
        except UnknownMetricError:
            raise UnknownMetricError(
                f"{self.notebook or self.dimension}: {self.registry.unknown_message(name)}"
            ) from None
        given = {"unit": unit, "direction": direction, "label_en": label_en, "label_zh": label_zh, "dimension": dimension}
        for key, old in given.items():
            if old is _UNSET or (old is None and key != "direction"):
                continue
            declared = getattr(decl, key)
            if old != declared:
                raise ValueError(
                    f"metric {name!r}: {key}={old!r} given, but the registry declares {key}={declared!r}; "
                    f"drop the keyword (the registry's value is used) or change the declaration in crmkit/resources/metrics.yaml"
                )
        if any(m.name == name for m in self.metrics):
            raise ValueError(f"metric {name!r} recorded twice")
        ci_low = ci_high = None
        if isinstance(value, Estimate):
            n = value.n if n is None else n
            ci_low, ci_high = _clean(value.ci_low), _clean(value.ci_high)
            value = value.value
        flagged = n is not None and n < self.min_n
        m = Metric(
            name, _clean(value), decl.unit, decl.dimension, None if n is None else int(n),
            ci_low, ci_high, decl.direction, decl.label_en, decl.label_zh, bool(flagged), self.notebook,
            by_construction or None,
        )
        self.metrics.append(m)

    def add_all(self, values: Mapping[str, Estimate | float | int | None], *, n: Mapping[str, int] | None = None,
                by_construction: Mapping[str, str] | None = None) -> None:
        """Record several metrics at once: ``{name: value_or_estimate}``, optional ``n={name: n}``.

        ``by_construction={name: reason}`` marks values that are true by
        definition this period (see :meth:`add`).

        Every name is checked against the registry before any is recorded,
        so a typo leaves the set unchanged.
        """
        unknown = [k for k in values if k not in self.registry]
        if unknown:
            raise UnknownMetricError(
                f"{self.notebook or self.dimension}: " + "; ".join(self.registry.unknown_message(k) for k in unknown)
            )
        for name, value in values.items():
            self.add(name, value, n=(n or {}).get(name), by_construction=(by_construction or {}).get(name))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([m.to_dict() for m in self.metrics])

    def save(self, output_dir: str | os.PathLike) -> Path | None:
        """Write ``<notebook>.metrics.json`` atomically into *output_dir*."""
        if not output_dir:
            return None
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{self.notebook or self.dimension}.metrics.json"
        payload = {"notebook": self.notebook, "dimension": self.dimension, "metrics": [m.to_dict() for m in self.metrics]}
        return write_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False))


def load_all(output_dir: str | os.PathLike, exclude: Iterable[str] = ()) -> pd.DataFrame:
    """All metrics saved in *output_dir* as one frame (empty if none)."""
    rows: list[dict] = []
    for p in sorted(Path(output_dir).glob("*.metrics.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        if data.get("notebook") in set(exclude):
            continue
        rows.extend(data.get("metrics", []))
    cols = list(Metric.__dataclass_fields__)
    return pd.DataFrame(rows, columns=cols)
