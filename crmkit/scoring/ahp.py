"""Analytic hierarchy process (AHP) weights with Saaty's consistency check.

Saaty, T. L. (1977). A scaling method for priorities in hierarchical
structures. *Journal of Mathematical Psychology* 15(3), 234-281; Saaty, T. L.
(1980). *The Analytic Hierarchy Process*. McGraw-Hill. Random indices as in
the OECD/JRC *Handbook on Constructing Composite Indicators* (2008), section 6.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError
from crmkit.yamlio import read_yaml

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "ahp_weights",
    "ahp_matrix",
    "load_ahp_matrix",
]

RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
"""Saaty's random consistency index RI by matrix order n (n = 1..15)."""

CR_THRESHOLD = 0.10
"""Saaty's acceptance threshold: a consistency ratio below 0.10 is acceptable."""

_RECIPROCITY_TOLERANCE = 0.01


@dataclass(frozen=True)
class AHPResult:
    """Result of :func:`ahp_weights`.

    Attributes
    ----------
    weights : pandas.Series
        Principal right eigenvector normalised to sum to 1.
    lambda_max : float
        Principal eigenvalue.
    ci : float
        Consistency index (λmax − n)/(n − 1); 0 for n ≤ 2.
    cr : float
        Consistency ratio CI/RI; 0 for n ≤ 2.
    matrix : pandas.DataFrame
        The validated pairwise comparison matrix.
    inconsistencies : pandas.DataFrame
        Upper-triangle comparisons sorted from most to least inconsistent,
        with the judgement, the value implied by the weights and
        ``|ln(a_ij · w_j / w_i)|``.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    matrix: pd.DataFrame = field(repr=False, default=None)  # type: ignore[assignment]
    inconsistencies: pd.DataFrame = field(repr=False, default=None)  # type: ignore[assignment]

    @property
    def consistent(self) -> bool:
        """True when CR < 0.10."""
        return self.cr < CR_THRESHOLD


def _number(value: Any, where: str) -> float:
    """Parse a judgement: a number or a fraction string such as ``"1/3"``."""
    if isinstance(value, bool):
        raise ConfigError(f"judgement {where} is {value!r}; use a number such as 3 or 1/3.")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip().replace(" ", "")))
        except (ValueError, ZeroDivisionError):
            pass
    raise ConfigError(f"judgement {where} is {value!r}; use a number such as 3 or 1/3.")


def _validated(matrix: Any, labels: Sequence[str] | None) -> pd.DataFrame:
    if isinstance(matrix, Mapping):
        return ahp_matrix(matrix, labels)
    if isinstance(matrix, pd.DataFrame):
        frame = matrix.copy()
        if labels is not None:
            frame.index = frame.columns = [str(x) for x in labels]
        if list(map(str, frame.index)) != list(map(str, frame.columns)):
            raise ConfigError(
                "AHP matrix rows and columns must carry the same labels in the same order, got "
                f"rows {list(frame.index)} and columns {list(frame.columns)}."
            )
        if not all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
            frame = frame.astype(object).map(lambda v: _number(v, "in the AHP matrix"))
    else:
        rows = [[_number(v, f"at row {i + 1}") for v in row] for i, row in enumerate(matrix)]
        if any(len(r) != len(rows) for r in rows):
            raise ConfigError("AHP matrix must be square: every row needs one value per criterion.")
        names = [str(x) for x in labels] if labels is not None else [f"c{i + 1}" for i in range(len(rows))]
        if len(names) != len(rows):
            raise ConfigError(f"{len(names)} labels given for an AHP matrix of {len(rows)} rows.")
        frame = pd.DataFrame(rows, index=names, columns=names)
    frame.index = frame.index.map(str)
    frame.columns = frame.columns.map(str)
    if frame.index.has_duplicates:
        raise ConfigError(f"AHP criteria repeated: {sorted(set(frame.index[frame.index.duplicated()]))}.")
    values = frame.to_numpy(dtype="float64")
    n = values.shape[0]
    if n == 0 or values.shape != (n, n):
        raise ConfigError(f"AHP matrix must be square and non-empty, got shape {values.shape}.")
    if n > max(RANDOM_INDEX):
        raise ConfigError(
            f"AHP matrix has {n} criteria; the random index is tabulated up to {max(RANDOM_INDEX)}. "
            "Group the criteria into a hierarchy of smaller matrices."
        )
    names = list(frame.index)
    bad = [(names[i], names[j]) for i, j in zip(*np.nonzero(~(np.isfinite(values) & (values > 0))))]
    if bad:
        listed = ", ".join(f"{a} vs {b}" for a, b in bad[:5])
        raise ConfigError(f"AHP judgements must be positive finite numbers (1/9..9); check {listed}.")
    off = [names[i] for i in range(n) if abs(values[i, i] - 1.0) > 1e-9]
    if off:
        raise ConfigError(f"AHP matrix diagonal must be 1 (a criterion equals itself); check {', '.join(off)}.")
    product = values * values.T
    broken = [
        (names[i], names[j], values[i, j], values[j, i])
        for i, j in zip(*np.nonzero(np.abs(product - 1.0) > _RECIPROCITY_TOLERANCE))
        if i < j
    ]
    if broken:
        listed = "; ".join(f"{a} vs {b} = {x:g} but {b} vs {a} = {y:g}" for a, b, x, y in broken[:5])
        raise ConfigError(
            f"AHP matrix is not reciprocal (a_ji must equal 1/a_ij): {listed}. "
            "Give each comparison once and let the reciprocal be filled in."
        )
    return pd.DataFrame(values, index=names, columns=names)


def ahp_weights(
    matrix: Any,
    labels: Sequence[str] | None = None,
    *,
    allow_inconsistent: bool = False,
) -> AHPResult:
    """Weights from a pairwise comparison matrix by Saaty's eigenvector method.

    The weights are the principal right eigenvector of the reciprocal matrix
    :math:`A = (a_{ij})`, :math:`A w = \\lambda_{max} w`, normalised to
    :math:`\\sum w = 1`. Consistency index and ratio:

    .. math:: CI = \\frac{\\lambda_{max} - n}{n - 1}, \\qquad CR = \\frac{CI}{RI_n}

    with :data:`RANDOM_INDEX` (RI for n = 3..15: 0.58, 0.90, 1.12, 1.24, 1.32,
    1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59; CR = 0 for n ≤ 2). Saaty
    (1977, 1980); OECD/JRC Handbook (2008), section 6.

    Parameters
    ----------
    matrix : pandas.DataFrame, nested list, or mapping
        Square reciprocal matrix with positive entries; ``a_ij`` says how many
        times criterion *i* is more important than *j* (Saaty's 1-9 scale).
        A labelled DataFrame, a nested list (with ``labels``), or a mapping of
        pairwise judgements accepted by :func:`ahp_matrix`.
    labels : sequence of str, optional
        Criterion names for a nested list (default ``c1, c2, ...``).
    allow_inconsistent : bool, default False
        Return the result even when CR ≥ 0.10.

    Returns
    -------
    AHPResult
        ``weights, lambda_max, ci, cr`` plus the matrix and a ranking of the
        most inconsistent judgements.

    Raises
    ------
    crmkit.errors.ConfigError
        When the matrix is not square, not positive, not reciprocal, larger
        than 15, or inconsistent (CR ≥ 0.10) and ``allow_inconsistent`` is
        False; the message names the CR and the judgements to revisit.

    Examples
    --------
    >>> res = ahp_weights([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]], labels=["a", "b", "c"])
    >>> res.weights.round(4).tolist(), round(res.cr, 6)
    ([0.5714, 0.2857, 0.1429], 0.0)
    """
    frame = _validated(matrix, labels)
    values = frame.to_numpy()
    n = values.shape[0]
    eigenvalues, eigenvectors = np.linalg.eig(values)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(eigenvectors[:, k].real)
    vector = vector / vector.sum()
    if n <= 2:
        lambda_max = float(n)  # a 2x2 reciprocal matrix is always consistent
        ci = cr = 0.0
    else:
        ci = max((lambda_max - n) / (n - 1), 0.0)
        cr = ci / RANDOM_INDEX[n]
    weights = pd.Series(vector, index=frame.index, name="weight")
    inconsistencies = _inconsistencies(frame, vector)
    result = AHPResult(weights, lambda_max, ci, cr, frame, inconsistencies)
    if cr >= CR_THRESHOLD and not allow_inconsistent:
        worst = inconsistencies.head(3)
        listed = "; ".join(
            f"{r.row} vs {r.column}: judged {r.judgement:.3g}, the other judgements imply {r.implied:.3g}"
            for r in worst.itertuples()
        )
        raise ConfigError(
            f"AHP judgements are inconsistent: CR = {cr:.3f} >= {CR_THRESHOLD:.2f} "
            f"(lambda_max = {lambda_max:.3f}, CI = {ci:.3f}, n = {n}). Most inconsistent "
            f"comparisons: {listed}. Revise these judgements, or pass allow_inconsistent=True "
            "to use the weights anyway.",
            failure_cases=worst,
        )
    return result


def _inconsistencies(frame: pd.DataFrame, w: np.ndarray) -> pd.DataFrame:
    """Rank judgements by |ln(a_ij w_j / w_i)| (Saaty 2003, EJOR 145, 85-91)."""
    names = list(frame.index)
    values = frame.to_numpy()
    rows = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            implied = w[i] / w[j]
            rows.append((names[i], names[j], values[i, j], implied, abs(np.log(values[i, j] / implied))))
    table = pd.DataFrame(rows, columns=["row", "column", "judgement", "implied", "deviation"])
    return table.sort_values("deviation", ascending=False, kind="mergesort").reset_index(drop=True)


def ahp_matrix(judgements: Mapping[str, Any], labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Build a reciprocal comparison matrix from pairwise judgements.

    Parameters
    ----------
    judgements : mapping
        ``{row: {column: a_row_column}}``, e.g.
        ``{"churn": {"value": 3, "satisfaction": "1/2"}, "value": {"satisfaction": 1}}``
        meaning churn is 3 times as important as value and half as important as
        satisfaction. Each pair is needed once; the reciprocal is filled in.
        A full matrix (every row listing every criterion, including itself
        with 1) is accepted too. Values may be numbers or fraction strings
        (YAML reads an unquoted ``1/2`` as the string ``"1/2"``).
    labels : sequence of str, optional
        Order of the criteria; default order of first appearance.

    Returns
    -------
    pandas.DataFrame
        Square labelled matrix.

    Raises
    ------
    crmkit.errors.ConfigError
        When a comparison is missing, given twice inconsistently with its
        reciprocal, or not a positive number.
    """
    if not isinstance(judgements, Mapping):
        raise ConfigError("AHP judgements must map each criterion to {other criterion: value}.")
    order: list[str] = []
    for row, cols in judgements.items():
        if str(row) not in order:
            order.append(str(row))
        if not isinstance(cols, Mapping):
            raise ConfigError(f"AHP judgements of {row!r} must be a mapping {{other criterion: value}}, got {cols!r}.")
        for col in cols:
            if str(col) not in order:
                order.append(str(col))
    if labels is not None:
        names = [str(x) for x in labels]
        extra = sorted(set(order) - set(names))
        if extra:
            raise ConfigError(f"AHP judgements name criteria not in labels: {', '.join(extra)}.")
    else:
        names = order
    index = {name: i for i, name in enumerate(names)}
    n = len(names)
    values = np.full((n, n), np.nan)
    np.fill_diagonal(values, 1.0)
    for row, cols in judgements.items():
        for col, raw in cols.items():
            i, j = index[str(row)], index[str(col)]
            value = _number(raw, f"{row} vs {col}")
            if not (np.isfinite(value) and value > 0):
                raise ConfigError(f"judgement {row} vs {col} = {raw!r} must be a positive number.")
            if i == j:
                if abs(value - 1.0) > 1e-9:
                    raise ConfigError(f"judgement {row} vs itself must be 1, got {raw!r}.")
                continue
            for a, b, v in ((i, j, value), (j, i, 1.0 / value)):
                if np.isnan(values[a, b]):
                    values[a, b] = v
                elif abs(values[a, b] * (1.0 / v) - 1.0) > _RECIPROCITY_TOLERANCE:
                    raise ConfigError(
                        f"judgement {names[a]} vs {names[b]} is given twice with conflicting values "
                        f"({values[a, b]:g} and {v:g}); give each pair once."
                    )
    missing = [(names[i], names[j]) for i in range(n) for j in range(i + 1, n) if np.isnan(values[i, j])]
    if missing:
        listed = ", ".join(f"{a} vs {b}" for a, b in missing)
        raise ConfigError(f"AHP judgements missing for: {listed} ({n} criteria need {n * (n - 1) // 2} comparisons).")
    return pd.DataFrame(values, index=names, columns=names)


def load_ahp_matrix(source: str | os.PathLike[str]) -> pd.DataFrame:
    """Load a pairwise comparison matrix from a YAML file (``yaml.safe_load``).

    The file holds either pairwise judgements (see :func:`ahp_matrix`)::

        churn: {value: 3, satisfaction: 1/2}
        value: {satisfaction: 1/4}

    optionally under a ``judgements:`` key with ``labels:`` giving the order,
    or a full matrix::

        labels: [churn, value, satisfaction]
        matrix:
          - [1, 3, 1/2]
          - [1/3, 1, 1/4]
          - [2, 4, 1]

    Parameters
    ----------
    source : path-like
        YAML file.

    Returns
    -------
    pandas.DataFrame
        Validated square matrix; pass it to :func:`ahp_weights`.
    """
    path = Path(source)
    data = read_yaml(path, "AHP matrix file", expect=None)
    if not isinstance(data, Mapping) or not data:
        raise ConfigError(f"AHP matrix file {path} must hold a mapping of judgements or 'labels' + 'matrix'.")
    labels = data.get("labels", data.get("criteria"))
    try:
        if "matrix" in data:
            if labels is None:
                raise ConfigError(f"{path}: a 'matrix' needs 'labels' naming its criteria in order.")
            return _validated(data["matrix"], labels)
        if "judgements" in data:
            return _validated(ahp_matrix(data["judgements"], labels), None)
        return _validated(ahp_matrix(data, labels), None)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}", failure_cases=exc.failure_cases) from exc
