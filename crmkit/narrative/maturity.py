"""Readings of the management-maturity report (10_maturity), in English and Simplified Chinese.

The functions take the dimension scores of
:func:`crmkit.indicators.maturity.round_comparison` (assessed dimensions
only), the fuzzy evaluation of
:func:`crmkit.indicators.maturity.fuzzy_dimension_evaluation` and the latest
answers, and return :class:`~crmkit.formatting.Bilingual` sentences.  A score
of 0-100 corresponds to the mean level ``1 + 4 × score / 100`` on the 1-5
maturity scale.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmkit.formatting import Bilingual, Formatter
from crmkit.indicators import maturity

__all__ = ["GAP_LABELS", "FUZZY_LEVELS", "FUZZY_LABELS", "EVIDENCE_LABELS", "label", "mean_level", "no_assessment",
           "headline_tiles", "overview", "profile", "gap_table", "gaps", "fuzzy", "evidence_rows", "evidence"]

GAP_LABELS: dict[str, tuple[str, str]] = {
    "dimension_label": ("Dimension", "维度"), "n_items": ("Items", "条目数"), "level": ("Mean level (1-5)", "平均等级（1-5）"),
    "score": ("Score", "得分"), "target": ("Target", "目标"), "gap": ("Gap (points)", "差距（分）"),
    "previous": ("Previous round", "上一轮"), "change": ("Change", "变化"),
}
FUZZY_LEVELS: list[str] = [f"level_{k}" for k in range(1, 6)]
FUZZY_LABELS: dict[str, tuple[str, str]] = {
    "dimension_label": ("Dimension", "维度"), **{f"level_{k}": (f"Level {k}", f"{k} 级") for k in range(1, 6)},
    "grade_label": ("Grade (maximum membership)", "评价等级（最大隶属度）"), "score": ("Fuzzy score", "模糊得分"),
}
EVIDENCE_LABELS: dict[str, tuple[str, str]] = {
    "dimension_label": ("Dimension", "维度"), "question": ("Question", "问题"), "score": ("Level (1-5)", "等级（1-5）"),
    "evidence": ("Evidence", "依据"), "date": ("Assessed", "评估日期"),
}


def _signed(v: Any) -> str:
    return "–" if pd.isna(v) else f"{v:+.1f}"


def gap_formats() -> dict:
    """Units of the gap table."""
    return {"n_items": "count", "level": lambda v: f"{v:.2f}", "score": "score", "target": "score", "gap": _signed,
            "previous": "score", "change": _signed}


__all__.append("gap_formats")


def label(dimension: str) -> tuple[str, str]:
    """(en, zh) label of a maturity dimension; an unknown code is shown as written."""
    lab = maturity.DIMENSION_LABELS.get(dimension, {})
    return lab.get("en", dimension), lab.get("zh", dimension)


def mean_level(score: float) -> float:
    """Mean level on the 1-5 scale of a 0-100 score: ``1 + 4 × score / 100``.

    Examples
    --------
    >>> mean_level(62.5)
    3.5
    """
    return 1 + 4 * score / 100


def no_assessment() -> Bilingual:
    """Why the maturity report has nothing to evaluate, and how to supply the questionnaire."""
    return Bilingual(
        "The 'assessment' questionnaire was not supplied for this company, so management maturity is not evaluated. "
        "Fill in the template from `crmkit template assessment` and ingest it as the 'assessment' table.",
        "该公司未提供“assessment”管理成熟度问卷，本报告不评价管理成熟度。可用 `crmkit template assessment` 生成模板，填写后作为 assessment 表导入。",
    )


def headline_tiles(assessed: pd.DataFrame, index: float, previous_index: float) -> list[tuple[tuple[str, str], Any, str]]:
    """KPI tiles: maturity index, dimensions assessed, items answered, latest date, change vs the previous round."""
    latest = assessed["assessed_at"].max()
    return [
        (("Maturity index", "管理成熟度指数"), index, "score"),
        (("Dimensions assessed", "已评估维度"), f"{len(assessed)} / {len(maturity.DIMENSIONS)}", "text"),
        (("Items answered", "已回答条目"), int(assessed["n_items"].sum()), "count"),
        (("Latest assessment", "最近评估日期"), f"{latest:%Y-%m-%d}" if pd.notna(latest) else "–", "text"),
        (("Change vs previous round", "较上一轮变化"), index - previous_index if np.isfinite(previous_index) else float("nan"), "score"),
    ]


def overview(assessed: pd.DataFrame, index: float) -> Bilingual:
    """Maturity index, the nearest generic level, and the most and least mature dimension."""
    level = mean_level(index)
    names = maturity.LEVELS[int(np.clip(round(level), 1, 5))]
    best, worst = assessed["score"].idxmax(), assessed["score"].idxmin()
    (b_en, b_zh), (w_en, w_zh) = label(best), label(worst)
    b, w = assessed.loc[best, "score"], assessed.loc[worst, "score"]
    return Bilingual(
        f"Across the {len(assessed)} assessed dimensions the maturity index is {index:.1f} of 100, i.e. an average level of "
        f"{level:.1f} of 5, closest to '{names['en'].split(':')[0]}'. The most mature dimension is {b_en} ({b:.0f}), the least "
        f"mature {w_en} ({w:.0f}).",
        f"在已评估的 {len(assessed)} 个维度上，管理成熟度指数为 {index:.1f}/100，相当于平均 {level:.1f}/5 级，"
        f"最接近“{names['zh'].split('：')[0]}”。成熟度最高的维度是{b_zh}（{b:.0f} 分），最低的是{w_zh}（{w:.0f} 分）。",
    )


def profile(assessed: pd.DataFrame) -> Bilingual:
    """How many dimensions reach their target, and what the radar chart shows."""
    above = int((assessed["gap"] <= 0).sum())
    previous = bool(assessed["previous"].notna().any())
    return Bilingual(
        f"{above} of {len(assessed)} dimensions reach their target; the shaded area shows the current round"
        + (" and the dashed line the previous one." if previous else "."),
        f"{len(assessed)} 个维度中有 {above} 个达到目标；阴影为本轮得分" + ("，虚线为上一轮。" if previous else "。"),
    )


def gap_table(assessed: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """The gap table: dimensions with their label and mean level, largest gap first."""
    return assessed.assign(dimension_label=[fmt.t(*label(d)) for d in assessed.index],
                           level=mean_level(assessed["score"])).sort_values("gap", ascending=False)


def gaps(assessed: pd.DataFrame) -> Bilingual:
    """The three largest shortfalls and the dimensions that rose or fell since the previous round."""
    ranked = assessed.sort_values("gap", ascending=False)
    short = ranked[ranked["gap"] > 0].head(3)
    moved = assessed.dropna(subset=["change"])
    up = moved[moved["change"] > 0].sort_values("change", ascending=False)
    down = moved[moved["change"] < 0].sort_values("change")
    if len(short):
        en = "The largest shortfalls are " + ", ".join(f"{label(d)[0]} ({g:.0f} points below target)" for d, g in short["gap"].items()) + ". "
        zh = "差距最大的维度是" + "、".join(f"{label(d)[1]}（低于目标 {g:.0f} 分）" for d, g in short["gap"].items()) + "。"
    else:
        en, zh = "Every assessed dimension meets its target. ", "所有已评估维度均达到目标。"
    if not len(moved):
        return Bilingual(en + "There is no earlier assessment round to compare with.", zh + "没有更早的评估轮次可供比较。")
    en += f"Since the previous round {len(up)} dimensions improved and {len(down)} declined"
    zh += f"与上一轮相比，{len(up)} 个维度提升、{len(down)} 个维度下降"
    if len(up):
        en += f"; the largest rise is {label(up.index[0])[0]} (+{up['change'].iloc[0]:.1f})"
        zh += f"；提升最多的是{label(up.index[0])[1]}（+{up['change'].iloc[0]:.1f}）"
    if len(down):
        en += f", the largest fall {label(down.index[0])[0]} ({down['change'].iloc[0]:.1f})"
        zh += f"，下降最多的是{label(down.index[0])[1]}（{down['change'].iloc[0]:.1f}）"
    return Bilingual(en + ".", zh + "。")


def fuzzy(evaluation: pd.DataFrame, assessed: pd.DataFrame) -> Bilingual:
    """How clear-cut the fuzzy grades are and how close the fuzzy scores come to the weighted-mean scores."""
    agree = (evaluation["score"] - assessed["score"].reindex(evaluation.index)).abs().max()
    mixed = evaluation[evaluation[FUZZY_LEVELS].max(axis=1) <= 0.5]
    en = ("Each row is the evaluation vector B = W∘R over the five maturity levels (weighted average operator M(·,+)); the grade is "
          "the level with the largest membership. ")
    zh = "每行为五个成熟度等级上的评价向量 B = W∘R（加权平均算子 M(·,+)），评价等级取隶属度最大的等级。"
    if len(mixed):
        en += (f"{len(mixed)} dimension(s) have no level holding more than half of the membership "
               f"({', '.join(label(d)[0] for d in mixed.index)}): practice differs between their items, so the grade should be "
               "read together with the item scores. ")
        zh += (f"{len(mixed)} 个维度没有隶属度过半的等级（{'、'.join(label(d)[1] for d in mixed.index)}），说明各条目做法差异较大，"
               "评价等级应结合条目得分解读。")
    else:
        en += "Every dimension has a level holding more than half of the membership, so the grades are clear-cut. "
        zh += "每个维度都有隶属度过半的等级，评价结论明确。"
    return Bilingual(en + f"The fuzzy scores agree with the weighted-mean scores within {agree:.1f} points.",
                     zh + f"模糊得分与加权平均得分的差异不超过 {agree:.1f} 分。")


def fuzzy_rows(evaluation: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """The fuzzy-evaluation table with dimension and grade labels in the report language."""
    return evaluation.assign(dimension_label=[fmt.t(*label(d)) for d in evaluation.index],
                             grade_label=[fmt.t(maturity.LEVELS[g]["en"], maturity.LEVELS[g]["zh"]) for g in evaluation["grade"]])


__all__.append("fuzzy_rows")


def evidence_rows(latest: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """The latest answers in questionnaire order with the question in the report language and the evidence trimmed."""
    questions = maturity.questionnaire().set_index("item")
    order = {d: i for i, d in enumerate(maturity.DIMENSIONS)}
    ev = latest.assign(
        dimension_label=[fmt.t(*label(d)) for d in latest["dimension"]],
        question=[fmt.t(questions.loc[i, "question_en"], questions.loc[i, "question_zh"]) if i in questions.index else i
                  for i in latest["item"]],
        evidence=latest["evidence"].fillna("").astype(str).str.strip(),
        date=latest["assessed_at"],
    )
    return ev.assign(_order=ev["dimension"].map(order).fillna(len(order))).sort_values(["_order", "item"])


def evidence(rows: pd.DataFrame) -> Bilingual:
    """How many answers give evidence."""
    with_text = int((rows["evidence"] != "").sum())
    return Bilingual(
        f"{with_text} of {len(rows)} answers give evidence. Evidence is quoted as the assessors wrote it; "
        "a score without evidence should be confirmed before it is relied on.",
        f"{len(rows)} 条回答中有 {with_text} 条附有依据。依据按评估人原文列出；没有依据的评分在使用前应予核实。",
    )
