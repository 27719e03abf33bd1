"""Management maturity questionnaire (管理成熟度) and its scoring.

The questionnaire is data (``crmkit/resources/maturity_questionnaire.yaml``):
13 dimensions × 4 items, each with an English and a Simplified Chinese
question and anchored descriptions of levels 1, 3 and 5 on a 1-5 maturity
scale (levels 2 and 4 lie between the anchors).
Answers live in the canonical ``assessment`` table (``dimension, item,
score, weight, evidence, assessor, assessed_at``); :func:`write_template`
writes a fillable template, :func:`dimension_scores` turns answers into
0-100 dimension scores with gaps to target, and
:func:`fuzzy_dimension_evaluation` gives a fuzzy comprehensive evaluation
(模糊综合评价) per dimension.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmkit import resources
from crmkit.errors import ConfigError, DataError
from crmkit.yamlio import read_yaml
from crmkit.scoring.fuzzy import fuzzy_evaluation, membership_matrix

__all__ = [
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "LEVELS",
    "ASSESSMENT_COLUMNS",
    "ITEMS_PER_DIMENSION",
    "QUESTIONNAIRE_FILE",
    "questionnaire",
    "write_template",
    "read_assessment",
    "latest_assessment",
    "dimension_scores",
    "fuzzy_dimension_evaluation",
    "round_comparison",
    "overall_score",
]

DIMENSIONS: tuple[str, ...] = (
    "team",
    "technology",
    "process",
    "data",
    "culture",
    "strategy",
    "compliance",
    "security",
    "csr",
    "cross_cultural",
    "crisis",
    "innovation",
    "improvement",
)
"""Dimension codes in report order."""

DIMENSION_LABELS: dict[str, dict[str, str]] = {
    "team": {"en": "Team", "zh": "团队建设"},
    "technology": {"en": "Technology and CRM system", "zh": "技术与CRM系统"},
    "process": {"en": "Process", "zh": "流程管理"},
    "data": {"en": "Data management and analysis capability", "zh": "数据管理与分析能力"},
    "culture": {"en": "Culture", "zh": "企业文化"},
    "strategy": {"en": "Strategy", "zh": "战略"},
    "compliance": {"en": "Compliance and privacy", "zh": "合规与隐私保护"},
    "security": {"en": "Information security", "zh": "信息安全"},
    "csr": {"en": "Corporate social responsibility", "zh": "企业社会责任"},
    "cross_cultural": {"en": "Cross-cultural management", "zh": "跨文化管理"},
    "crisis": {"en": "Crisis management", "zh": "危机管理"},
    "innovation": {"en": "Innovation", "zh": "创新"},
    "improvement": {"en": "Continuous improvement", "zh": "持续改进"},
}
"""Dimension code → {"en": label, "zh": label}."""

LEVELS: dict[int, dict[str, str]] = {
    1: {"en": "Initial: ad hoc, person-dependent", "zh": "初始级：临时、依赖个人"},
    2: {"en": "Developing: partly repeatable", "zh": "发展级：部分可重复"},
    3: {"en": "Defined: documented and applied in main areas", "zh": "规范级：已成文并在主要领域执行"},
    4: {"en": "Managed: measured and controlled", "zh": "管理级：可衡量、受控"},
    5: {"en": "Optimising: continuously improved, best practice", "zh": "优化级：持续改进、业内最佳实践"},
}
"""Generic meaning of the five maturity levels (items give specific anchors)."""

ITEMS_PER_DIMENSION = 4
"""Questionnaire items per dimension."""

ASSESSMENT_COLUMNS: tuple[str, ...] = ("dimension", "item", "score", "weight", "evidence", "assessor", "assessed_at")
"""Columns of the canonical ``assessment`` table."""

QUESTIONNAIRE_FILE = "maturity_questionnaire.yaml"
"""The shipped questionnaire text (``crmkit/resources/maturity_questionnaire.yaml``)."""

_TEXT_KEYS: tuple[str, ...] = ("question", "level_1", "level_3", "level_5")


def _read_items(source: Path) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Questionnaire text per dimension: per item question (en, zh), then anchors of levels 1, 3 and 5 (en, zh).

    Read from the YAML file *source* and checked: exactly the
    :data:`DIMENSIONS` in order, four items each, and a non-empty English and
    Chinese text for the question and every anchor.
    """
    doc = read_yaml(source, "maturity questionnaire")
    dimensions = doc.get("dimensions")
    if not isinstance(dimensions, dict) or list(dimensions) != list(DIMENSIONS):
        found = list(dimensions) if isinstance(dimensions, dict) else dimensions
        raise ConfigError(f"maturity questionnaire {source}: 'dimensions' must list {', '.join(DIMENSIONS)} "
                          f"in this order, not {found!r}.")
    out = {}
    for dimension, items in dimensions.items():
        if not isinstance(items, list) or len(items) != ITEMS_PER_DIMENSION:
            raise ConfigError(f"maturity questionnaire {source}: dimension {dimension!r} must have "
                              f"{ITEMS_PER_DIMENSION} items.")
        texts = []
        for k, item in enumerate(items, start=1):
            where = f"maturity questionnaire {source}: item {dimension}_{k}"
            if not isinstance(item, dict) or set(item) != set(_TEXT_KEYS):
                raise ConfigError(f"{where} must have exactly the keys {', '.join(_TEXT_KEYS)}.")
            row = []
            for key in _TEXT_KEYS:
                pair = item[key]
                for language in ("en", "zh"):
                    text = pair.get(language) if isinstance(pair, dict) else None
                    if not isinstance(text, str) or not text.strip():
                        raise ConfigError(f"{where}: {key}.{language} must be a non-empty text.")
                    row.append(text)
            texts.append(tuple(row))
        out[dimension] = tuple(texts)
    return out


@lru_cache(maxsize=1)
def _items() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The shipped questionnaire text (read once)."""
    return _read_items(resources.path(QUESTIONNAIRE_FILE))


_TEXT_COLUMNS: tuple[str, ...] = (
    "question_en", "question_zh", "level_1_en", "level_1_zh", "level_3_en", "level_3_zh", "level_5_en", "level_5_zh",
)


def questionnaire(source: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The maturity questionnaire, one row per item.

    Parameters
    ----------
    source : path-like, optional
        A questionnaire YAML file laid out as the shipped
        ``crmkit/resources/maturity_questionnaire.yaml`` (default), e.g. a
        reworded copy; it is checked and a :class:`~crmkit.errors.ConfigError`
        names what is wrong.

    Returns
    -------
    pandas.DataFrame
        52 rows (13 dimensions × 4 items, in :data:`DIMENSIONS` order) with
        columns ``dimension, dimension_en, dimension_zh, item, question_en,
        question_zh, level_1_en, level_1_zh, level_3_en, level_3_zh,
        level_5_en, level_5_zh``. Item codes are ``<dimension>_1`` …
        ``<dimension>_4``.

    Examples
    --------
    >>> q = questionnaire()
    >>> q.shape[0], q.loc[0, "item"], q.loc[0, "dimension_zh"]
    (52, 'team_1', '团队建设')
    """
    items = _items() if source is None else _read_items(Path(source))
    rows = []
    for dimension in DIMENSIONS:
        for k, texts in enumerate(items[dimension], start=1):
            rows.append(
                {
                    "dimension": dimension,
                    "dimension_en": DIMENSION_LABELS[dimension]["en"],
                    "dimension_zh": DIMENSION_LABELS[dimension]["zh"],
                    "item": f"{dimension}_{k}",
                    **dict(zip(_TEXT_COLUMNS, texts, strict=True)),
                }
            )
    return pd.DataFrame(rows)


def write_template(
    path: str | os.PathLike[str],
    *,
    assessor: str | None = None,
    assessed_at: Any = None,
) -> Path:
    """Write a fillable assessment template (CSV or Excel by suffix).

    Columns: the canonical ``assessment`` table (:data:`ASSESSMENT_COLUMNS`,
    ``score`` left empty, ``weight`` 1) followed by the dimension labels,
    questions and level anchors in English and Chinese. ``.csv`` is written
    as UTF-8 with a byte-order mark so that Excel shows the Chinese text;
    ``.xlsx`` gets an ``assessment`` sheet and a ``levels`` sheet with the
    generic level descriptions. The file is written to a temporary name
    and renamed, so a partial template never appears.

    Parameters
    ----------
    path : path-like
        Target file ending in ``.csv`` or ``.xlsx``.
    assessor : str, optional
        Pre-filled assessor.
    assessed_at : date-like, optional
        Pre-filled assessment date.

    Returns
    -------
    pathlib.Path
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ConfigError(f"template {target} must end in .csv or .xlsx, not {target.suffix!r}.")
    q = questionnaire()
    frame = pd.DataFrame(
        {
            "dimension": q["dimension"],
            "item": q["item"],
            "score": pd.Series([np.nan] * len(q), dtype="float64"),
            "weight": 1.0,
            "evidence": "",
            "assessor": assessor or "",
            "assessed_at": "" if assessed_at is None else pd.Timestamp(assessed_at).date().isoformat(),
        }
    )
    frame = pd.concat([frame, q.drop(columns=["dimension", "item"])], axis=1)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=suffix)
    os.close(fd)
    try:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            levels = pd.DataFrame(
                [{"level": k, "level_en": v["en"], "level_zh": v["zh"]} for k, v in LEVELS.items()]
            )
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                frame.to_excel(writer, sheet_name="assessment", index=False)
                levels.to_excel(writer, sheet_name="levels", index=False)
                sheet = writer.sheets["assessment"]
                sheet.freeze_panes = "C2"
                for letter, width in (("A", 16), ("B", 18), ("E", 30)):
                    sheet.column_dimensions[letter].width = width
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _coerce_types(frame: pd.DataFrame) -> None:
    """Make ``score`` and ``weight`` float and ``assessed_at`` datetime, in place (unreadable values: NaN, NaT)."""
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype("float64")
    frame["weight"] = pd.to_numeric(frame["weight"], errors="coerce").astype("float64")
    frame["assessed_at"] = pd.to_datetime(frame["assessed_at"], errors="coerce")


def read_assessment(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a filled template (CSV or ``.xlsx``) into the ``assessment`` layout.

    Parameters
    ----------
    path : path-like
        A file written by :func:`write_template` and filled in (extra text
        columns are ignored; CSV with or without a byte-order mark).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ASSESSMENT_COLUMNS`; ``score`` and ``weight`` numeric,
        ``assessed_at`` datetime. Unanswered rows are kept with NaN score.
    """
    source = Path(path)
    suffix = source.suffix.lower()
    try:
        if suffix == ".csv":
            raw = pd.read_csv(source, encoding="utf-8-sig", dtype={"evidence": str, "assessor": str})
        elif suffix in (".xlsx", ".xlsm"):
            raw = pd.read_excel(source, sheet_name="assessment", engine="openpyxl")
        else:
            raise ConfigError(f"assessment file {source} must end in .csv or .xlsx.")
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read assessment file {source}: {exc}") from exc
    missing = [c for c in ("dimension", "item", "score") if c not in raw.columns]
    if missing:
        raise DataError(f"assessment file {source} lacks column(s) {', '.join(missing)}; start from write_template().")
    out = raw.reindex(columns=list(ASSESSMENT_COLUMNS)).copy()
    _coerce_types(out)
    for column in ("dimension", "item", "evidence", "assessor"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def latest_assessment(assessment: pd.DataFrame, as_of: Any = None) -> pd.DataFrame:
    """Latest answered assessment of every item, up to ``as_of``.

    Rows without a score are ignored (unanswered). For each item the rows
    with its latest ``assessed_at`` on or before ``as_of`` are kept (several
    rows at that time, e.g. several assessors, are all kept); undated rows
    count only when the item has no dated row.

    Parameters
    ----------
    assessment : pandas.DataFrame
        The ``assessment`` table.
    as_of : date-like, optional
        Ignore assessments after this time (default: none ignored).

    Returns
    -------
    pandas.DataFrame
    """
    if not isinstance(assessment, pd.DataFrame):
        raise DataError("assessment must be a DataFrame with dimension, item and score columns.")
    missing = [c for c in ("dimension", "item", "score") if c not in assessment.columns]
    if missing:
        raise DataError(f"assessment table lacks column(s) {', '.join(missing)}.")
    frame = assessment.copy()
    for column in ASSESSMENT_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    _coerce_types(frame)
    frame = frame[frame["score"].notna()]
    bad = frame[(frame["score"] < 1) | (frame["score"] > 5)]
    if len(bad):
        raise DataError(
            f"assessment: {len(bad)} score(s) outside 1-5 (items {', '.join(map(str, bad['item'].head(5)))}); "
            "use the 1-5 maturity scale.",
            failure_cases=bad,
        )
    negative = frame[frame["weight"] < 0]
    if len(negative):
        raise DataError("assessment: weights must not be negative.", failure_cases=negative)
    if as_of is not None:
        cutoff = pd.Timestamp(as_of)
        frame = frame[frame["assessed_at"].isna() | (frame["assessed_at"] <= cutoff)]
    frame = frame.assign(_order=np.arange(len(frame)))
    dated = frame[frame["assessed_at"].notna()]
    latest = dated.groupby("item")["assessed_at"].transform("max")
    keep_dated = dated[dated["assessed_at"] == latest]
    undated = frame[frame["assessed_at"].isna() & ~frame["item"].isin(dated["item"])]
    out = pd.concat([keep_dated, undated]).sort_values("_order").drop(columns="_order")
    return out.reset_index(drop=True)


def _dimension_order(dimensions: pd.Series) -> list[str]:
    extra = [d for d in dict.fromkeys(dimensions) if d not in DIMENSIONS]
    return [*DIMENSIONS, *extra]


def dimension_scores(
    assessment: pd.DataFrame,
    targets: float | Mapping[str, float] | None = None,
    *,
    as_of: Any = None,
) -> pd.DataFrame:
    """Maturity score per dimension: weighted mean 1-5 → 0-100, gap to target.

    .. math::

        \\bar s_d = \\frac{\\sum_i w_i s_i}{\\sum_i w_i}, \\qquad
        \\text{score}_d = 100 \\cdot \\frac{\\bar s_d - 1}{4}, \\qquad
        \\text{gap}_d = \\text{target}_d - \\text{score}_d

    over the latest answer of each item of dimension *d* (see
    :func:`latest_assessment`; several answers of one item at its latest
    time are averaged first), with item weights :math:`w_i` (missing
    weight = 1; items of weight 0 are left out). A positive gap is the
    shortfall in points; negative means the target is exceeded.

    Parameters
    ----------
    assessment : pandas.DataFrame
        The ``assessment`` table.
    targets : float or mapping, optional
        Target on the 0-100 scale, for all dimensions or per dimension.
    as_of : date-like, optional
        Use only assessments on or before this time.

    Returns
    -------
    pandas.DataFrame
        Indexed by dimension (the 13 of :data:`DIMENSIONS` first, then any
        other dimension found): ``label_en, label_zh, mean, score, n_items,
        target, gap, evidence`` (list of evidence texts), ``assessed_at``
        (latest date used). Dimensions without answers have NaN scores.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"dimension": ["team", "team"], "item": ["team_1", "team_2"],
    ...                   "score": [3, 5], "weight": [1, 3]})
    >>> dimension_scores(a, targets=80).loc["team", ["mean", "score", "gap"]].tolist()
    [4.5, 87.5, -7.5]
    """
    latest = latest_assessment(assessment, as_of)
    latest = latest.assign(weight=latest["weight"].fillna(1.0))
    per_item = latest.groupby(["dimension", "item"], sort=False).agg(
        score=("score", "mean"),
        weight=("weight", "mean"),
        assessed_at=("assessed_at", "max"),
    ).reset_index()
    rows = []
    for dimension in _dimension_order(latest["dimension"]):
        items = per_item[(per_item["dimension"] == dimension) & (per_item["weight"] > 0)]
        if len(items):
            mean = float(np.average(items["score"], weights=items["weight"]))
        else:
            mean = float("nan")
        score = 100.0 * (mean - 1.0) / 4.0
        if targets is None:
            target = float("nan")
        elif isinstance(targets, Mapping):
            target = float(targets.get(dimension, np.nan))
        else:
            target = float(targets)
        evidence = [
            str(e).strip()
            for e in latest.loc[latest["dimension"] == dimension, "evidence"]
            if e is not None and not (isinstance(e, float) and np.isnan(e)) and str(e).strip()
        ]
        labels = DIMENSION_LABELS.get(dimension, {"en": dimension, "zh": dimension})
        rows.append(
            {
                "dimension": dimension,
                "label_en": labels["en"],
                "label_zh": labels["zh"],
                "mean": mean,
                "score": score,
                "n_items": int(len(items)),
                "target": target,
                "gap": target - score,
                "evidence": evidence,
                "assessed_at": items["assessed_at"].max() if len(items) else pd.NaT,
            }
        )
    return pd.DataFrame(rows).set_index("dimension")


def fuzzy_dimension_evaluation(
    assessment: pd.DataFrame,
    *,
    as_of: Any = None,
    operator: str = "M(·,+)",
) -> pd.DataFrame:
    """Fuzzy comprehensive evaluation of each maturity dimension.

    For each dimension the factors are its items, the grades the five
    maturity levels; the membership of an item is the share of its latest
    answers at each level (a fractional score is split between the two
    neighbouring levels), the item weights are the ``weight`` column, and
    B = W ∘ R (see :func:`crmkit.scoring.fuzzy_evaluation`, default
    weighted-average operator M(·,+)).

    Parameters
    ----------
    assessment : pandas.DataFrame
        The ``assessment`` table.
    as_of : date-like, optional
        Use only assessments on or before this time.
    operator : str
        Fuzzy composition operator.

    Returns
    -------
    pandas.DataFrame
        Indexed by the assessed dimensions (in :data:`DIMENSIONS` order):
        ``level_1`` … ``level_5`` (membership vector B), ``grade`` (level
        of maximum membership), ``score`` (Σ b_k · (k − 1)/4 · 100, on the
        same 0-100 scale as :func:`dimension_scores`), ``n_items``.
    """
    latest = latest_assessment(assessment, as_of)
    latest = latest.assign(weight=latest["weight"].fillna(1.0))
    rows = []
    for dimension in _dimension_order(latest["dimension"]):
        part = latest[(latest["dimension"] == dimension) & (latest["weight"] > 0)]
        if part.empty:
            continue
        R = membership_matrix(part, levels=5, item="item", score="score")
        weights = part.groupby("item", sort=False)["weight"].mean()
        result = fuzzy_evaluation(R, weights, operator=operator)
        rows.append(
            {
                "dimension": dimension,
                **{f"level_{k}": float(result.vector[k]) for k in range(1, 6)},
                "grade": int(result.grade),
                "score": result.score,
                "n_items": int(R.shape[0]),
            }
        )
    columns = ["level_1", "level_2", "level_3", "level_4", "level_5", "grade", "score", "n_items"]
    if not rows:
        return pd.DataFrame(columns=columns).rename_axis("dimension")
    return pd.DataFrame(rows).set_index("dimension")[columns]


def round_comparison(
    assessment: pd.DataFrame,
    targets: float | Mapping[str, float] | None = None,
    *,
    as_of: Any = None,
) -> pd.DataFrame:
    """Dimension scores of the latest assessment round vs the round before.

    The current round is the latest answer of every item up to ``as_of``
    (see :func:`dimension_scores`); it starts at the earliest date among
    those answers. The previous round is the state of the questionnaire
    the day before that start, i.e. the latest earlier answer of each item.

    Parameters
    ----------
    assessment : pandas.DataFrame
        The ``assessment`` table.
    targets : float or mapping, optional
        Target on the 0-100 scale, for all dimensions or per dimension.
    as_of : date-like, optional
        Use only assessments on or before this time (e.g. the window end).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`dimension_scores` plus ``previous`` (score of
        the previous round, NaN when none), ``change`` (score − previous)
        and ``previous_assessed_at``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"dimension": ["team"] * 2, "item": ["team_1"] * 2, "score": [2, 4],
    ...                   "assessed_at": ["2024-06-30", "2025-06-30"]})
    >>> round_comparison(a).loc["team", ["previous", "score", "change"]].tolist()
    [25.0, 75.0, 50.0]
    """
    current = dimension_scores(assessment, targets, as_of=as_of)
    latest = latest_assessment(assessment, as_of)
    dated = latest["assessed_at"].dropna()
    previous = pd.Series(np.nan, index=current.index)
    previous_at = pd.Series(pd.NaT, index=current.index, dtype="datetime64[ns]")
    if len(dated):
        cutoff = dated.min() - pd.Timedelta(days=1)
        earlier = latest_assessment(assessment, cutoff)
        if len(earlier):
            before = dimension_scores(earlier, targets)
            previous = before["score"].reindex(current.index)
            previous_at = pd.to_datetime(before["assessed_at"]).reindex(current.index)
    out = current.copy()
    out["previous"] = previous.astype("float64")
    out["change"] = out["score"] - out["previous"]
    out["previous_assessed_at"] = previous_at
    return out


def overall_score(scores: pd.DataFrame | pd.Series, weights: Mapping[str, float] | None = None) -> float:
    """Overall maturity index 0-100: weighted mean of the assessed dimension scores.

    Parameters
    ----------
    scores : pandas.DataFrame or pandas.Series
        Output of :func:`dimension_scores` (its ``score`` column) or a
        Series dimension → score; NaN (unassessed) dimensions are left out.
    weights : mapping, optional
        Dimension → weight; default equal.

    Returns
    -------
    float
        NaN when no dimension was assessed.

    Examples
    --------
    >>> import pandas as pd
    >>> overall_score(pd.Series({"team": 50.0, "data": 100.0, "csr": float("nan")}))
    75.0
    """
    s = scores["score"] if isinstance(scores, pd.DataFrame) else scores
    s = s.astype("float64").dropna()
    if s.empty:
        return float("nan")
    w = pd.Series(1.0, index=s.index) if weights is None else pd.Series(weights, dtype="float64").reindex(s.index).fillna(0.0)
    if w.sum() <= 0:
        return float("nan")
    return float((s * w).sum() / w.sum())
