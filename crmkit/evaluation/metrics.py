"""Headline metrics that each report saves for the summary to score.

A notebook collects its headline figures in a :class:`MetricSet` and saves
them as ``NN_name.metrics.json`` beside the executed notebook; the summary
notebook reads every such file of a company-period (:func:`load_all`).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from crmkit.estimate import MIN_N, Estimate

__all__ = ["Metric", "MetricSet", "load_all", "UNITS"]

UNITS = ("ratio", "score", "count", "currency", "days", "hours", "minutes", "months", "multiple", "per_1000", "index")


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

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("value", "ci_low", "ci_high"):
            d[k] = _clean(d[k])
        return d


class MetricSet:
    """Collector of :class:`Metric` records for one notebook.

    Examples
    --------
    >>> ms = MetricSet("satisfaction", notebook="02_satisfaction")
    >>> ms.add("nps", Estimate(30.0, 8.5, 13.4, 46.6, 100), unit="score",
    ...            label_en="Net Promoter Score", label_zh="净推荐值")
    >>> float(ms.frame().loc[0, "value"])
    30.0
    """

    def __init__(self, dimension: str, notebook: str = "", min_n: int = MIN_N):
        self.dimension = dimension
        self.notebook = notebook
        self.min_n = min_n
        self.metrics: list[Metric] = []

    def add(
        self,
        name: str,
        value: Estimate | float | int | None,
        *,
        unit: str,
        direction: str | None = "higher",
        n: int | None = None,
        label_en: str = "",
        label_zh: str = "",
        dimension: str | None = None,
    ) -> None:
        """Record a metric; an :class:`Estimate` brings its n and interval.

        Returns nothing, so a notebook cell ending in ``add(...)`` prints nothing.
        """
        if unit not in UNITS:
            raise ValueError(f"unit {unit!r} not in {UNITS}")
        if direction not in ("higher", "lower", None):
            raise ValueError(f"direction must be 'higher', 'lower' or None, not {direction!r}")
        if any(m.name == name for m in self.metrics):
            raise ValueError(f"metric {name!r} recorded twice")
        ci_low = ci_high = None
        if isinstance(value, Estimate):
            n = value.n if n is None else n
            ci_low, ci_high = _clean(value.ci_low), _clean(value.ci_high)
            value = value.value
        flagged = n is not None and n < self.min_n
        m = Metric(
            name, _clean(value), unit, dimension or self.dimension, None if n is None else int(n),
            ci_low, ci_high, direction, label_en, label_zh, bool(flagged), self.notebook,
        )
        self.metrics.append(m)

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
        fd, tmp = tempfile.mkstemp(dir=out, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1, allow_nan=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        return path


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
