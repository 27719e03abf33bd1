"""Comparison with the other companies of the same period.

:func:`peer_metrics` reads the metrics the other companies' reports saved,
:func:`peer_scorecards` scores them with the same targets and weights, and
:func:`rank_sensitivity` runs the seeded Monte Carlo uncertainty and
sensitivity analysis of the composite (index interval and rank band;
OECD/JRC *Handbook on Constructing Composite Indicators*, 2008, section 7;
:func:`crmkit.scoring.sensitivity`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from crmkit.evaluation.scorecard import build_scorecard, read_metrics, split_metrics
from crmkit.evaluation.targets import TargetsConfig
from crmkit.evaluation.weights import WeightsConfig
from crmkit.scoring import Scorecard, SensitivityResult, sensitivity

__all__ = ["SENSITIVITY_SEED", "SENSITIVITY_DRAWS", "SENSITIVITY_INTERVAL", "peer_metrics", "peer_scorecards",
           "rank_sensitivity"]

SENSITIVITY_SEED = 20251231
"""Seed of the Monte Carlo sensitivity analysis (same seed for every company, so results are reproducible)."""

SENSITIVITY_DRAWS = 2000
"""Monte Carlo draws of the sensitivity analysis."""

SENSITIVITY_INTERVAL = 0.90
"""Level of the index interval and rank band."""


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
