"""Trend against the previous period's ``scorecard.json``.

:func:`load_previous_scorecard` finds the scorecard of the period before
(:func:`crmkit.period.previous_period`) and :func:`indicator_trend` gives
the change of every indicator, raw and in score points.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmkit.period import previous_period
from crmkit.scoring import Scorecard

__all__ = ["previous_period", "load_previous_scorecard", "indicator_trend"]


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
