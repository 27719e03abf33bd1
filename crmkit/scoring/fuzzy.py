"""Fuzzy comprehensive evaluation (模糊综合评价) of questionnaire answers.

The classic single-level model: a factor set U (questionnaire items), a
grade set V (e.g. five levels), a membership matrix R whose row *i* is the
distribution of answers to item *i* over the grades, a weight vector W over
the items, and the evaluation vector B = W ∘ R under a composition operator.
Zadeh, L. A. (1965). Fuzzy sets. *Information and Control* 8, 338-353; the
four operators M(∧,∨), M(·,∨), M(∧,⊕) and M(·,⊕) as in the standard
Chinese textbook treatment (e.g. 汪培庄 1983, 《模糊集合论及其应用》).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError, DataError
from crmkit.scoring._types import WeightsLike
from crmkit.scoring.weights import manual_weights

__all__ = ["OPERATORS", "FuzzyResult", "membership_matrix", "fuzzy_evaluation"]

OPERATORS: dict[str, str] = {
    "M(·,+)": "M(·,+)",
    "M(·,⊕)": "M(·,+)",
    "M(.,+)": "M(·,+)",
    "weighted_average": "M(·,+)",
    "M(∧,∨)": "M(∧,∨)",
    "M(^,v)": "M(∧,∨)",
    "zadeh": "M(∧,∨)",
    "M(·,∨)": "M(·,∨)",
    "M(.,v)": "M(·,∨)",
    "M(∧,⊕)": "M(∧,⊕)",
    "M(^,+)": "M(∧,⊕)",
}
"""Accepted operator names → canonical name."""


def membership_matrix(
    answers: pd.DataFrame,
    levels: int = 5,
    *,
    item: str = "item",
    score: str = "score",
) -> pd.DataFrame:
    """Membership matrix R of questionnaire answers over ``levels`` grades.

    :math:`r_{ik}` = share of the answers to item *i* at grade *k*. A
    fractional answer (e.g. an averaged 3.5) is split linearly between the
    two neighbouring grades (0.5 to grade 3, 0.5 to grade 4), i.e. a
    triangular membership function centred on each grade.

    Parameters
    ----------
    answers : pandas.DataFrame
        Either long, with an item column and a score column (one row per
        answer), or wide, one column per item and one row per respondent.
        Scores run from 1 to ``levels``; NaN answers are ignored.
    levels : int, default 5
        Number of grades (scores 1..levels).
    item, score : str
        Column names in the long layout.

    Returns
    -------
    pandas.DataFrame
        Items × grades (columns 1..levels), each row summing to 1; an item
        without any answer has a row of NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> membership_matrix(pd.DataFrame({"q1": [5, 4, 4, 3]}), levels=5).loc["q1"].tolist()
    [0.0, 0.0, 0.25, 0.5, 0.25]
    """
    if levels < 2:
        raise ConfigError(f"a fuzzy evaluation needs at least 2 grades, got levels={levels}.")
    if not isinstance(answers, pd.DataFrame):
        raise DataError("membership_matrix expects a DataFrame of answers.")
    if item in answers.columns and score in answers.columns:
        long = answers[[item, score]].rename(columns={item: "item", score: "score"})
    else:
        long = answers.melt(var_name="item", value_name="score")
    long = long.assign(score=pd.to_numeric(long["score"], errors="coerce"))
    items = list(dict.fromkeys(long["item"]))
    long = long.dropna(subset=["score"])
    bad = long[(long["score"] < 1) | (long["score"] > levels)]
    if len(bad):
        raise DataError(
            f"membership_matrix: {len(bad)} answer(s) outside 1..{levels}; fix or drop them.",
            failure_cases=bad,
        )
    s = long["score"].to_numpy(dtype="float64")
    low = np.clip(np.floor(s).astype(int), 1, levels - 1)
    frac = s - low
    grades = np.arange(1, levels + 1)
    share = (low[:, None] == grades) * (1.0 - frac)[:, None] + (low[:, None] + 1 == grades) * frac[:, None]
    table = pd.DataFrame(share, columns=grades, index=long["item"].to_numpy())
    sums = table.groupby(level=0, sort=False).sum()
    counts = sums.sum(axis=1)
    matrix = sums.div(counts, axis=0).reindex(items)
    matrix.index.name = "item"
    matrix.columns.name = "grade"
    return matrix


@dataclass(frozen=True)
class FuzzyResult:
    """Result of :func:`fuzzy_evaluation`.

    Attributes
    ----------
    vector : pandas.Series
        Evaluation vector B over the grades (normalised to sum 1 unless
        ``normalize=False``).
    grade : object
        Grade with the largest membership (maximum membership principle).
    score : float
        :math:`\\sum_k b_k g_k` with the grade values (default 0-100).
    membership : pandas.DataFrame
        The membership matrix R used.
    weights : pandas.Series
        Item weights W used (sum 1).
    operator : str
        Composition operator.
    """

    vector: pd.Series
    grade: Any
    score: float
    membership: pd.DataFrame
    weights: pd.Series
    operator: str


def fuzzy_evaluation(
    membership: pd.DataFrame,
    weights: WeightsLike | None = None,
    *,
    operator: str = "M(·,+)",
    grade_values: Sequence[float] | None = None,
    normalize: bool = True,
) -> FuzzyResult:
    """Fuzzy comprehensive evaluation B = W ∘ R.

    With item weights :math:`w_i` (sum 1) and memberships :math:`r_{ik}`:

    * ``M(·,+)`` (weighted average, default): :math:`b_k = \\min(1, \\sum_i w_i r_{ik})`
    * ``M(∧,∨)`` (Zadeh): :math:`b_k = \\max_i \\min(w_i, r_{ik})`
    * ``M(·,∨)``: :math:`b_k = \\max_i w_i r_{ik}`
    * ``M(∧,⊕)``: :math:`b_k = \\min(1, \\sum_i \\min(w_i, r_{ik}))`

    B is then normalised to sum 1. The grade is the one of largest
    membership (maximum membership principle; on a tie the first, i.e.
    lower, grade is taken), and the score is :math:`\\sum_k b_k g_k` with
    grade values :math:`g_k` (default evenly spaced 0..100, so grade 1 of 5
    is 0, grade 3 is 50, grade 5 is 100).

    Parameters
    ----------
    membership : pandas.DataFrame
        Items × grades, e.g. from :func:`membership_matrix`; columns ordered
        from worst to best grade. Rows with NaN (items without answers) are
        dropped and their weight re-normalised over the rest.
    weights : mapping or pandas.Series, optional
        Item → weight; default equal.
    operator : str
        One of :data:`OPERATORS`.
    grade_values : sequence of float, optional
        Value of each grade for the score.
    normalize : bool, default True
        Normalise B to sum 1.

    Returns
    -------
    FuzzyResult

    Examples
    --------
    >>> import pandas as pd
    >>> R = pd.DataFrame([[0.0, 0.2, 0.8], [0.5, 0.5, 0.0]], index=["a", "b"], columns=[1, 2, 3])
    >>> r = fuzzy_evaluation(R, {"a": 0.75, "b": 0.25})
    >>> r.vector.round(6).tolist(), r.grade, round(r.score, 6)
    ([0.125, 0.275, 0.6], 3, 73.75)
    """
    if operator not in OPERATORS:
        raise ConfigError(f"unknown fuzzy operator {operator!r}; use one of {', '.join(OPERATORS)}.")
    op = OPERATORS[operator]
    if not isinstance(membership, pd.DataFrame) or membership.empty:
        raise DataError("fuzzy_evaluation needs a non-empty membership matrix (items × grades).")
    R = membership.astype("float64")
    R.index = R.index.map(str)
    if ((R < 0) | (R > 1)).any().any():
        raise DataError("membership degrees must lie in [0, 1].")
    R = R.dropna(how="any")
    if R.empty:
        raise DataError("fuzzy_evaluation: no item has a complete membership row.")
    if weights is None:
        w = pd.Series(1.0, index=R.index)
    else:
        w = manual_weights(weights, what="item weights")
        missing = [i for i in R.index if i not in w.index]
        if missing:
            raise ConfigError(f"no weight for item(s) {', '.join(missing)}.")
        w = w.reindex(R.index)
    w = manual_weights(w, what="item weights")
    W = w.to_numpy()[:, None]
    r = R.to_numpy()
    if op == "M(·,+)":
        b = np.minimum(1.0, (W * r).sum(axis=0))
    elif op == "M(∧,∨)":
        b = np.minimum(W, r).max(axis=0)
    elif op == "M(·,∨)":
        b = (W * r).max(axis=0)
    else:
        b = np.minimum(1.0, np.minimum(W, r).sum(axis=0))
    if normalize and b.sum() > 0:
        b = b / b.sum()
    k = R.shape[1]
    g = np.linspace(0.0, 100.0, k) if grade_values is None else np.asarray(grade_values, dtype="float64")
    if g.shape != (k,):
        raise ConfigError(f"grade_values needs {k} values (one per grade), got {len(g)}.")
    vector = pd.Series(b, index=R.columns, name="membership")
    top = R.columns[int(np.argmax(b))]
    top = top.item() if hasattr(top, "item") else top
    return FuzzyResult(vector, top, float(b @ g), R, w, op)
