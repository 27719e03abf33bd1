"""Readings and tables of the composite evaluation (``99_summary``).

Sentence functions return :class:`~crmkit.formatting.Bilingual`; table
functions return the keyword arguments of ``Report.table`` (``rp.table(**t)``)
with the cells written in the language of the formatter they are given.
They take a :class:`crmkit.evaluation.composite.SummaryRun` and compute
nothing themselves.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from crmkit.evaluation import composite
from crmkit.evaluation.summary import LIGHT_TEXT, STATUS_TEXT, previous_period
from crmkit.formatting import Bilingual, Formatter
from crmkit.i18n import DIMENSIONS

__all__ = [
    "dimension_label", "share_text", "completeness_heading", "completeness_summary", "completeness_items",
    "grade_text", "no_metrics", "nothing_scored", "kpis", "composite_reading", "dimension_table",
    "dimension_reading", "scorecard_table", "lights_reading", "missing_table", "missing_reading",
    "descriptive_table", "weight_table", "indicator_weight_table", "weights_reading", "no_sensitivity",
    "sensitivity_table", "sensitivity_reading", "no_peers", "peers_reading", "no_trend", "trend_table",
    "trend_reading", "indicator_table", "strengths_reading", "no_actions", "actions_table", "actions_reading",
    "no_alerts", "scorecard_saved",
]

GRADE_WORDS = {"A": ("strong", "优秀"), "B": ("good", "良好"), "C": ("fair", "一般"), "D": ("weak", "较弱")}
"""Words for the grades of the composite index."""

NORMALISATION_NAMES = {"target": ("min-max to target", "按目标极差标准化"), "zscore": ("z-score", "Z 分数标准化"),
                       "percentile": ("percentile rank", "百分位排名")}
"""Names of the normalisations drawn by the sensitivity analysis."""


def dimension_label(d: Any) -> tuple[str, str]:
    """(English, Chinese) name of a dimension key (the key itself when unknown)."""
    return DIMENSIONS.get(d, (d, d))


def _dl(d: Any, fmt: Formatter) -> str:
    return fmt.t(*dimension_label(d))


def _formatters(currency: str = "CNY") -> tuple[Formatter, Formatter]:
    return Formatter("en", currency), Formatter("zh", currency)


def _fmtv(run: composite.SummaryRun, fmt: Formatter, name: str, value: Any) -> str:
    return fmt.fmt(value, run.unit(name))


# --------------------------------------------------------------------------- completeness
def share_text(share: float) -> str:
    """A weight share as a percentage with up to three significant digits.

    Examples
    --------
    >>> share_text(0.12), share_text(0.11999999999999997), share_text(0.045), share_text(1 / 3)
    ('12%', '12%', '4.5%', '33.3%')
    """
    return f"{100 * share:.3g}%"


def completeness_heading() -> Bilingual:
    """Heading of the warning shown first when the evaluation is provisional."""
    return Bilingual("Provisional evaluation: incomplete reports", "暂定评价：报告不完整")


def completeness_summary(comp: composite.Completeness, *, weight: tuple[str, str] = ("weight", "权重"),
                         index: tuple[str, str] = ("composite index", "综合指数")) -> Bilingual:
    """Why the composite is provisional, the weight share missing and whether the grade is withheld.

    *weight* and *index* name the weighting and the index (the due-diligence
    report passes its own).  Call only when ``comp.provisional``.
    """
    k, m = len(comp.issues), len(comp.missing)
    share, thr = share_text(comp.missing_share), share_text(comp.threshold)
    en = f"The {index[0]} is provisional: "
    zh = f"{index[1]}为暂定结果："
    parts_en, parts_zh = [], []
    if k:
        parts_en.append(f"{k} dimension report(s) delivered no usable metrics")
        parts_zh.append(f"{k} 份维度报告未提供可用指标")
    if m:
        parts_en.append(f"{m} weighted dimension(s) carrying {share} of the {weight[0]} are missing")
        parts_zh.append(f"缺少 {m} 个有权重的维度，合计占{weight[1]}的 {share}")
    en += " and ".join(parts_en) + ". "
    zh += "，".join(parts_zh) + "。"
    if comp.grade_withheld:
        en += (f"No grade is given, because the missing dimensions carry more than {thr} of the {weight[0]}: had they "
               "been measured, the index could differ by more than a grade band. The index is shown for information "
               "only; fix and rerun the reports listed below to obtain a grade.")
        zh += (f"由于缺失维度占{weight[1]}超过 {thr}，本期不予评级：若这些维度得以测量，指数的变化可能超过一个等级区间。"
               "以下指数仅供参考；请修复并重新运行下列报告以获得评级。")
    elif m:
        en += (f"The grade is kept because the missing dimensions carry at most {thr} of the {weight[0]}, so it can be "
               "off by one band at most; rerun the reports listed below to confirm it.")
        zh += f"由于缺失维度占{weight[1]}不超过 {thr}，保留等级，但可能偏差一个等级区间；请重新运行下列报告予以确认。"
    else:
        en += "Every weighted dimension is still scored, but without the indicators of the reports listed below."
        zh += "各有权重的维度仍有计分，但不含下列报告的指标。"
    return Bilingual(en, zh)


def completeness_items(comp: composite.Completeness, *, weight: tuple[str, str] = ("weight", "权重")) -> list[Bilingual]:
    """One line per incomplete report (with the error) and per missing dimension (with its weight share)."""
    out = []
    for issue in comp.issues:
        dim = comp.dimension_of(issue.notebook)
        if dim is None:
            out.append(Bilingual(f"{issue.reason_en}. Its indicators are left out of the composite.",
                                 f"{issue.reason_zh}。其指标未计入综合指数。"))
            continue
        d_en, d_zh = dimension_label(dim.dimension)
        en = f"{issue.reason_en}. {d_en} ({share_text(dim.weight)} of the {weight[0]}) is missing from the composite"
        zh = f"{issue.reason_zh}。综合指数缺少{d_zh}维度（占{weight[1]}的 {share_text(dim.weight)}）"
        if dim.n_scored:
            en += f"; only its indicators saved by other reports ({dim.n_scored}) still enter it."
            zh += f"；仅余其他报告保存的 {dim.n_scored} 项指标计分。"
        else:
            en, zh = en + ".", zh + "。"
        out.append(Bilingual(en, zh))
    for dim in comp.missing:
        if dim.status != "unscorable":
            continue
        d_en, d_zh = dimension_label(dim.dimension)
        out.append(Bilingual(f"{d_en} ({share_text(dim.weight)} of the {weight[0]}) is missing: {dim.reason_en}.",
                             f"缺少{d_zh}维度（占{weight[1]}的 {share_text(dim.weight)}）：{dim.reason_zh}。"))
    return out


def grade_text(grade: Any, withheld: bool) -> Bilingual:
    """A grade for a tile or a sentence: the letter, ``withheld`` or ``–``."""
    if withheld:
        return Bilingual("withheld", "不予评级")
    return Bilingual(grade, grade) if isinstance(grade, str) and grade else Bilingual("–", "–")


# --------------------------------------------------------------------------- composite index
def no_metrics(metrics_dir: str, report: tuple[str, str] = ("summary", "汇总")) -> Bilingual:
    """Warning that no headline metrics were found (run the dimension reports first)."""
    return Bilingual(
        f"No headline metrics were found in {metrics_dir or 'the output folder'}: run the dimension reports of this "
        f"company-period first (crmkit run), then this {report[0]}.",
        f"在 {metrics_dir or '输出目录'} 中未找到核心指标：请先运行该公司本期的各维度报告（crmkit run），再运行本{report[1]}。",
    )


def nothing_scored() -> Bilingual:
    """Warning that none of the saved metrics could be scored."""
    return Bilingual("None of the saved metrics could be scored (no targets, no values or too few observations).",
                     "已保存的指标均无法计分（无目标、无数值或样本不足）。")


def kpis(run: composite.SummaryRun, fmt: Formatter) -> list[tuple[tuple[str, str], Any, str]]:
    """KPI tiles of the composite: index, grade, interval, rank, change, indicators scored.

    A provisional composite says so in its label; a withheld grade shows
    ``withheld``, never a letter.
    """
    iv, band, change = run.interval, run.rank_band, run.change
    index = (("Composite index (0-100), provisional", "综合指数（0-100，暂定）") if run.provisional
             else ("Composite index (0-100)", "综合指数（0-100）"))
    grade = ("Grade (provisional)", "等级（暂定）") if run.provisional and not run.grade_withheld else ("Grade", "等级")
    return [
        (index, run.card.composite_, "score"),
        (grade, fmt.t(*grade_text(run.grade, run.grade_withheld)), "text"),
        (("90% interval (sensitivity)", "90% 区间（敏感性分析）"), f"{iv[0]:.1f} – {iv[1]:.1f}" if iv else "–", "text"),
        (("Rank among companies", "同期公司排名"),
         f"{band[0]} / {band[3]} ({fmt.t('band', '区间')} {band[1]}–{band[2]})" if band else "–", "text"),
        (("Change vs previous period", "较上期变化"), f"{change:+.1f}" if math.isfinite(change) else "–", "text"),
        (("Indicators scored", "计分指标数"), f"{run.n_scored} / {len(run.table)}", "text"),
    ]


def composite_reading(run: composite.SummaryRun) -> Bilingual:
    """The composite, its grade, its interval under weight uncertainty and its rank band.

    A provisional composite says so; when the grade is withheld no grade is
    named and nothing is said about its robustness.
    """
    card, iv, band, comp = run.card, run.interval, run.rank_band, run.completeness
    g_en, g_zh = GRADE_WORDS.get(run.grade, ("", ""))
    n_dims = int((card.dimension_scores_["n_scored"] > 0).sum())
    basis_en = f"from {run.n_scored} scored indicators in {n_dims} dimensions"
    basis_zh = f"基于 {n_dims} 个维度的 {run.n_scored} 项计分指标"
    if run.grade_withheld:
        share, thr = share_text(comp.missing_share), share_text(comp.threshold)
        en = (f"{run.company} scores {card.composite_:.1f} of 100 in {run.period}, a provisional index {basis_en}. "
              f"No grade is given: the missing dimensions carry {share} of the weight, more than {thr}. ")
        zh = (f"{run.company} 在 {run.period} 的综合得分为 {card.composite_:.1f}/100（暂定），{basis_zh}。"
              f"缺失维度占权重的 {share}，超过 {thr}，因此不予评级。")
    else:
        en = (f"{run.company} scores {card.composite_:.1f} of 100 in {run.period}, grade {run.grade} ({g_en}; A ≥ 85, "
              f"B ≥ 70, C ≥ 55, D below), {basis_en}. ")
        zh = (f"{run.company} 在 {run.period} 的综合得分为 {card.composite_:.1f}/100，等级 {run.grade}（{g_zh}；A ≥ 85，"
              f"B ≥ 70，C ≥ 55，以下为 D），{basis_zh}。")
        if run.provisional:
            en += "Both are provisional (see the top of this report). "
            zh += "二者均为暂定结果（见本报告开头）。"
    if iv:
        en += f"Varying the weights moves the index between {iv[0]:.1f} and {iv[1]:.1f} (90% of draws)"
        zh += f"改变权重后，指数在 {iv[0]:.1f} 至 {iv[1]:.1f} 之间（90% 的模拟）"
        if run.grade_withheld:
            en, zh = en + ". ", zh + "。"
        elif run.provisional:
            en += (", so the grade is robust to the weighting, though not to the missing reports. " if run.grade_robust
                   else ", so the grade is not certain. ")
            zh += "，等级对权重设定稳健，但不能排除缺失报告的影响。" if run.grade_robust else "，等级结论存在不确定性。"
        else:
            en += ", so the grade is robust. " if run.grade_robust else ", so the grade is not certain. "
            zh += "，等级结论稳健。" if run.grade_robust else "，等级结论存在不确定性。"
    if band:
        en += f"Among the {band[3]} companies of this period it ranks {band[0]} (rank band {band[1]}–{band[2]})."
        zh += f"在本期 {band[3]} 家公司中排名第 {band[0]}（排名区间 {band[1]}–{band[2]}）。"
    else:
        en += "No other company of this period has results, so no rank is given."
        zh += "本期没有其他公司的结果，因此不给出排名。"
    return Bilingual(en, zh)


# --------------------------------------------------------------------------- dimensions
def dimension_table(card: Any, fmt: Formatter, *, weight: tuple[str, str] = ("Weight (configured)", "权重（设定）"),
                    indicators: bool = True) -> dict[str, Any]:
    """Table of the dimension scores: score, grade, weights, indicators scored (and in total)."""
    dims = card.dimension_scores_
    cols = ["label", "score", "grade", "weight", "weight_used", "n_scored"] + (["n_indicators"] if indicators else [])
    frame = dims.assign(label=[_dl(d, fmt) for d in dims.index]).reset_index()[cols]
    return {"df": frame,
            "formats": {"score": "score", "weight": "ratio", "weight_used": "ratio", "n_scored": "count",
                        "n_indicators": "count", "grade": lambda g: g if isinstance(g, str) else "–"},
            "labels": {"label": ("Dimension", "维度"), "score": ("Score", "得分"), "grade": ("Grade", "等级"),
                       "weight": weight, "weight_used": ("Weight used", "实际权重"),
                       "n_scored": ("Indicators scored", "计分指标"), "n_indicators": ("Indicators", "指标数")}}


def dimension_reading(card: Any) -> Bilingual:
    """Strongest and weakest dimension, and the weighted dimensions left out for lack of scores."""
    shown = composite.scored_dimensions(card)
    best, worst = shown.index[-1], shown.index[0]
    dropped = composite.dropped_dimensions(card)
    (b_en, b_zh), (w_en, w_zh) = dimension_label(best), dimension_label(worst)
    bs, ws = shown.loc[best, "score"], shown.loc[worst, "score"]
    en = f"The strongest dimension is {b_en} ({bs:.0f}), the weakest {w_en} ({ws:.0f}). "
    zh = f"得分最高的维度是{b_zh}（{bs:.0f} 分），最低的是{w_zh}（{ws:.0f} 分）。"
    if dropped:
        en += (f"{len(dropped)} dimension(s) without any scored indicator "
               f"({', '.join(dimension_label(d)[0] for d in dropped)}) are left out and the other weights scaled up.")
        zh += f"{len(dropped)} 个维度没有可计分指标（{'、'.join(dimension_label(d)[1] for d in dropped)}），已剔除并按比例放大其余权重。"
    else:
        en += "Every weighted dimension has at least one scored indicator."
        zh += "每个有权重的维度都至少有一项计分指标。"
    return Bilingual(en, zh)


# --------------------------------------------------------------------------- scorecard
def scorecard_table(run: composite.SummaryRun, fmt: Formatter) -> dict[str, Any]:
    """Every measured indicator: value, interval, n, target, score, weight in the index, light, status."""
    sc = composite.scorecard_rows(run.table)
    names = list(sc["indicator"])
    v = lambda n, x: _fmtv(run, fmt, n, x)  # noqa: E731
    sc = sc.assign(
        dim=[_dl(d, fmt) if isinstance(d, str) else "–" for d in sc["dimension"]],
        label=[fmt.t(*run.label(n)) for n in names],
        shown=[v(n, x) for n, x in zip(names, sc["value"])],
        interval=["" if not (math.isfinite(lo) and math.isfinite(hi)) else f"{v(n, lo)} – {v(n, hi)}"
                  for n, lo, hi in zip(names, sc["ci_low"], sc["ci_high"])],
        goal=[v(n, t) for n, t in zip(names, sc["target"])],
        lamp=[fmt.t(*LIGHT_TEXT.get(li, ("–", "–"))) for li in sc["light"]],
        note=[fmt.t(*STATUS_TEXT.get(s, (s, s))) for s in sc["status"]],
    )
    return {"df": sc[["dim", "label", "shown", "interval", "n", "goal", "score", "weight_used", "lamp", "note"]],
            "formats": {"n": "count", "score": "score", "weight_used": "ratio"},
            "labels": {"dim": ("Dimension", "维度"), "label": ("Indicator", "指标"), "shown": ("Value", "数值"),
                       "interval": ("95% interval", "95% 区间"), "n": ("n", "样本量"), "goal": ("Target", "目标"),
                       "score": ("Score", "得分"), "weight_used": ("Weight in index", "指数权重"),
                       "lamp": ("Light", "信号灯"), "note": ("Status", "状态")},
            "max_rows": 200}


def lights_reading(run: composite.SummaryRun) -> Bilingual:
    """Counts of green, amber and red indicators, how a score is made, and the indicators with too few observations."""
    c = composite.light_counts(run.table)
    low_n = list(run.table.index[run.table["status"] == "low_n"])
    en = (f"Of the {run.n_scored} scored indicators {c['green']} are green (score ≥ 80), {c['amber']} amber (50-80) and "
          f"{c['red']} red (below 50). A score is 100 at the target and 0 at the floor of targets.yaml, linear in between.")
    zh = (f"{run.n_scored} 项计分指标中，绿灯（≥ 80 分）{c['green']} 项，黄灯（50-80 分）{c['amber']} 项，"
          f"红灯（低于 50 分）{c['red']} 项。达到目标值得 100 分，处于下限值得 0 分，其间线性计分。")
    if low_n:
        en += (f" {len(low_n)} indicator(s) rest on fewer than {run.min_n} observations and are shown but not scored: "
               + ", ".join(run.label(n)[0] for n in low_n) + ".")
        zh += f"{len(low_n)} 项指标样本少于 {run.min_n}，仅展示不计分：" + "、".join(run.label(n)[1] for n in low_n) + "。"
    return Bilingual(en, zh)


def missing_table(run: composite.SummaryRun, fmt: Formatter) -> dict[str, Any]:
    """Indicators with a target that were not measured, with the reason."""
    m = composite.missing_indicators(run.card)
    frame = m.assign(dim=[_dl(d, fmt) if isinstance(d, str) else "–" for d in m["dimension"]],
                     label=[fmt.t(*run.label(n)) for n in m["indicator"]],
                     why=[fmt.t(*STATUS_TEXT.get(s, (s, s))) for s in m["status"]])
    return {"df": frame[["dim", "indicator", "label", "why"]], "max_rows": 100,
            "labels": {"dim": ("Dimension", "维度"), "indicator": ("Name", "名称"), "label": ("Indicator", "指标"),
                       "why": ("Reason", "原因")}}


def missing_reading(run: composite.SummaryRun) -> Bilingual:
    """How missing indicators are handled and how many figures are descriptive only."""
    k, d = len(composite.missing_indicators(run.card)), len(run.descriptive)
    if k:
        why_en, why_zh = (("their report failed or was not run (see the top of this report), or the data they need was "
                           "not supplied", "其所属报告运行失败或未运行（见本报告开头），或未提供所需数据")
                          if run.completeness.issues else ("for example a table that was not supplied", "例如未提供相应数据表"))
        en = (f"{k} indicator(s) with a target were not available for this company-period ({why_en}); they are "
              "left out and the weights of the others in their dimension scaled up, as the OECD/JRC Handbook "
              "recommends for missing data.")
        zh = f"有 {k} 项设有目标的指标在本期不可得（{why_zh}）；按 OECD/JRC 手册对缺失数据的建议，将其剔除并按比例放大同维度其余指标的权重。"
    else:
        en, zh = "Every indicator with a target was measured.", "所有设有目标的指标均已测得。"
    return Bilingual(en + f" {d} further figure(s) are descriptive (size or context, not performance) and not scored.",
                     zh + f"另有 {d} 项为描述性数据（规模或背景，而非绩效），不计分。")


def descriptive_table(run: composite.SummaryRun, fmt: Formatter) -> dict[str, Any]:
    """The descriptive (unscored) figures with their values."""
    d = run.descriptive
    frame = d.assign(label=[fmt.t(*run.label(n)) for n in d["name"]],
                     shown=[fmt.fmt(v, u) for v, u in zip(d["value"], d["unit"])],
                     dim=[_dl(x, fmt) for x in d["dimension"]])
    return {"df": frame[["dim", "label", "shown"]], "max_rows": 100,
            "labels": {"dim": ("Dimension", "维度"), "label": ("Descriptive figure", "描述性数据"), "shown": ("Value", "数值")}}


# --------------------------------------------------------------------------- weights
def weight_table(run: composite.SummaryRun, fmt: Formatter) -> dict[str, Any]:
    """Configured weight of each dimension and the weight used after re-weighting."""
    wd = composite.dimension_weights(run.weights, run.card, run.has_scores)
    wd = wd.assign(label=[_dl(d, fmt) for d in wd["dimension"]])
    return {"df": wd[["label", "weight", "used"]], "formats": {"weight": "ratio", "used": "ratio"},
            "labels": {"label": ("Dimension", "维度"), "weight": ("Weight", "权重"),
                       "used": ("Used after re-weighting", "重新分配后实际权重")}}


def indicator_weight_table(run: composite.SummaryRun, fmt: Formatter) -> dict[str, Any]:
    """Indicator weights within dimensions set by the weights file."""
    iw = composite.indicator_weights(run.weights)
    frame = iw.assign(dim=[_dl(d, fmt) for d in iw["dimension"]], label=[fmt.t(*run.label(n)) for n in iw["indicator"]])
    return {"df": frame[["dim", "label", "weight"]], "formats": {"weight": lambda v: f"{v:g}"},
            "labels": {"dim": ("Dimension", "维度"), "label": ("Indicator", "指标"),
                       "weight": ("Relative weight (others 1)", "相对权重（其余为 1）")},
            "caption": ("Indicator weights within dimensions", "维度内指标权重")}


def weights_reading(wcfg: Any) -> Bilingual:
    """Where the weights come from: the AHP matrix with its consistency, or set by hand."""
    source = wcfg.source.name if wcfg.source else wcfg.name
    if wcfg.kind == "ahp":
        a = wcfg.ahp
        return Bilingual(
            f"Weights '{wcfg.name}' ({source}) come from an AHP pairwise comparison matrix of {len(a.weights)} "
            f"dimensions: principal eigenvector, λmax = {a.lambda_max:.3f}, CI = {a.ci:.3f}, consistency ratio "
            f"CR = {a.cr:.3f} "
            + ("(below 0.10: acceptably consistent)." if a.consistent else
               "(0.10 or more: the judgements are inconsistent and were accepted only because the file sets "
               "allow_inconsistent)."),
            f"权重“{wcfg.name}”（{source}）由 {len(a.weights)} 个维度的 AHP 两两比较矩阵求得：主特征向量，"
            f"λmax = {a.lambda_max:.3f}，CI = {a.ci:.3f}，一致性比率 CR = {a.cr:.3f}"
            + ("（低于 0.10，一致性可接受）。" if a.consistent else "（不低于 0.10，判断不一致，仅因文件设置 allow_inconsistent 而采用）。"),
        )
    return Bilingual(
        f"Weights '{wcfg.name}' ({source}) are set by hand" + (f": {wcfg.description}" if wcfg.description else ".")
        + " Within a dimension indicators weigh equally unless listed otherwise.",
        f"权重“{wcfg.name}”（{source}）为人工设定。" + "维度内各指标除另有设定外等权。",
    )


# --------------------------------------------------------------------------- sensitivity
def no_sensitivity() -> Bilingual:
    return Bilingual("No scored indicators, so no sensitivity analysis.", "没有计分指标，无法进行敏感性分析。")


def sensitivity_table(run: composite.SummaryRun) -> dict[str, Any]:
    """Index with its 90% interval and rank with its band, per company."""
    ss = composite.sensitivity_table(run.sens, run.sens_index)
    return {"df": ss.reset_index(names="company")[["company", "index", "low", "high", "rank", "rank_low", "rank_high"]],
            "formats": {"index": "score", "low": "score", "high": "score", "rank": "count", "rank_low": "count",
                        "rank_high": "count"},
            "labels": {"company": ("Company", "公司"), "index": ("Index", "指数"), "low": ("5%", "5%"),
                       "high": ("95%", "95%"), "rank": ("Rank", "排名"), "rank_low": ("Best rank (5%)", "最好排名（5%）"),
                       "rank_high": ("Worst rank (95%)", "最差排名（95%）")}}


def sensitivity_reading(run: composite.SummaryRun) -> Bilingual:
    """How the Monte Carlo draws were made and how stable the rank is."""
    ss = composite.sensitivity_table(run.sens, run.sens_index)
    st = run.sens.settings
    names = [NORMALISATION_NAMES.get(n, (n, n)) for n in st["normalisations"]]
    en = (f"{st['n_draws']:,} draws (seed {st['seed']}): dimension and indicator weights drawn from Dirichlet "
          f"distributions centred on the chosen weights (concentration {st['concentration']:g}). The index interval "
          "keeps the targets' min-max normalisation; the ranks also draw the normalisation from: "
          f"{', '.join(n[0] for n in names)}. ")
    zh = (f"共模拟 {st['n_draws']:,} 次（随机种子 {st['seed']}）：维度与指标权重按以所选权重为中心的狄利克雷分布抽取"
          f"（集中度 {st['concentration']:g}）。指数区间沿用按目标值的极差标准化；排名还从以下标准化方法中随机选取："
          f"{'、'.join(n[1] for n in names)}。")
    if len(ss) > 1:
        r = ss.loc[run.company]
        lo, hi = int(r["rank_low"]), int(r["rank_high"])
        en += (f"With {len(ss)} companies, {run.company}'s rank stays between {lo} and {hi} in 90% of the draws"
               + (" — the ranking is robust." if lo == hi else " — the ranking depends on the weighting."))
        zh += (f"在 {len(ss)} 家公司中，{run.company} 的排名在 90% 的模拟中位于 {lo} 至 {hi} 之间"
               + ("，排名稳健。" if lo == hi else "，排名受权重设定影响。"))
    else:
        en += ("No other company of this period has saved metrics under the output folder, so only the index interval "
               "is given and no rank band.")
        zh += "输出目录中没有本期其他公司的指标，因此只给出指数区间，不给出排名区间。"
    return Bilingual(en, zh)


# --------------------------------------------------------------------------- peers and trend
def no_peers(period: str) -> Bilingual:
    return Bilingual(f"No other company of {period} has results under the output folder, so there is no comparison.",
                     f"输出目录中没有 {period} 其他公司的结果，因此无法比较。")


def peers_reading(run: composite.SummaryRun) -> Bilingual:
    """The dimensions where the company is furthest ahead of and behind the other companies' mean."""
    grid = composite.peer_grid(run.cards)
    diff = composite.peer_gaps(grid, run.company)
    (a_en, a_zh), (b_en, b_zh) = dimension_label(diff.index[-1]), dimension_label(diff.index[0])
    return Bilingual(
        f"Compared with the average of the other {len(grid) - 1} companies, {run.company} is furthest ahead in {a_en} "
        f"({diff.iloc[-1]:+.0f} points) and furthest behind in {b_en} ({diff.iloc[0]:+.0f} points).",
        f"与其他 {len(grid) - 1} 家公司的平均水平相比，{run.company} 领先最多的是{a_zh}（{diff.iloc[-1]:+.0f} 分），"
        f"落后最多的是{b_zh}（{diff.iloc[0]:+.0f} 分）。",
    )


def no_trend(run: composite.SummaryRun) -> Bilingual:
    prev = previous_period(run.period)
    return Bilingual(f"No scorecard of the previous period ({prev}) was found for {run.company}, so there is no trend yet.",
                     f"未找到 {run.company} 上期（{prev}）的计分卡，暂无趋势。")


def trend_table(run: composite.SummaryRun, fmt: Formatter) -> dict[str, Any] | None:
    """The largest changes of indicator scores since the previous period (None when nothing moved)."""
    top = composite.largest_moves(run.trend)
    if top.empty:
        return None
    prev = previous_period(run.period)
    names = list(top["indicator"])
    frame = top.assign(label=[fmt.t(*run.label(n)) for n in names],
                       before=[_fmtv(run, fmt, n, v) for n, v in zip(names, top["previous"])],
                       after=[_fmtv(run, fmt, n, v) for n, v in zip(names, top["value"])])
    return {"df": frame[["label", "before", "after", "previous_score", "score", "score_change"]],
            "formats": {"previous_score": "score", "score": "score", "score_change": lambda v: f"{v:+.1f}"},
            "labels": {"label": ("Indicator", "指标"), "before": (prev, prev), "after": (run.period, run.period),
                       "previous_score": ("Score before", "上期得分"), "score": ("Score now", "本期得分"),
                       "score_change": ("Change", "变化")},
            "caption": ("Largest changes of indicator scores", "指标得分变化最大的项目")}


def trend_reading(run: composite.SummaryRun) -> Bilingual:
    """Change of the composite since the previous period and how many indicators moved away from target."""
    prev = previous_period(run.period)
    pc = run.previous["composite"]
    worse, n = int(run.trend["worse"].sum()), len(run.trend)
    c = run.card.composite_
    g_en, g_zh = grade_text(run.grade, run.grade_withheld)
    p_en, p_zh = grade_text(pc.get("grade"), bool((run.previous.get("completeness") or {}).get("grade_withheld")))
    return Bilingual(
        f"The composite moved from {pc['value']:.1f} ({p_en}) in {prev} to {c:.1f} ({g_en}), {run.change:+.1f} "
        f"points; {worse} of {n} indicators measured in both periods moved away from their target.",
        f"综合指数由 {prev} 的 {pc['value']:.1f}（{p_zh}）变为 {c:.1f}（{g_zh}），变化 {run.change:+.1f} 分；"
        f"两期均有数据的 {n} 项指标中有 {worse} 项偏离目标。",
    )


# --------------------------------------------------------------------------- strengths, actions, alerts
def indicator_table(run: composite.SummaryRun, frame: pd.DataFrame, caption: tuple[str, str],
                    fmt: Formatter) -> dict[str, Any]:
    """Strengths or weaknesses: value, target, score and the index points to gain at target."""
    f = frame.reset_index().rename(columns={"index": "indicator"})
    names = list(f["indicator"])
    f = f.assign(label=[fmt.t(*run.label(n)) for n in names], dim=[_dl(d, fmt) for d in f["dimension"]],
                 shown=[_fmtv(run, fmt, n, v) for n, v in zip(names, f["value"])],
                 goal=[_fmtv(run, fmt, n, t) for n, t in zip(names, f["target"])])
    return {"df": f[["label", "dim", "shown", "goal", "score", "gain"]],
            "formats": {"score": "score", "gain": lambda v: f"{v:.1f}"},
            "labels": {"label": ("Indicator", "指标"), "dim": ("Dimension", "维度"), "shown": ("Value", "数值"),
                       "goal": ("Target", "目标"), "score": ("Score", "得分"),
                       "gain": ("Index points to gain at target", "达标可提升指数分")},
            "caption": caption}


def strengths_reading(run: composite.SummaryRun, currency: str = "CNY") -> Bilingual:
    """The three strengths and weaknesses and the index points the weaknesses would add at target."""
    en_f, zh_f = _formatters(currency)
    v = lambda f, n, x: _fmtv(run, f, n, x)  # noqa: E731
    st, wk = run.strengths, run.weaknesses
    gain = float(wk["gain"].sum())
    en = ("Strengths: " + "; ".join(f"{run.label(n)[0]} {v(en_f, n, r['value'])} (score {r['score']:.0f})"
                                    for n, r in st.iterrows()) + ". "
          + "Weaknesses: " + "; ".join(f"{run.label(n)[0]} {v(en_f, n, r['value'])} vs target {v(en_f, n, r['target'])} "
                                       f"(score {r['score']:.0f})" for n, r in wk.iterrows())
          + f". Bringing the three weaknesses to target would add {gain:.1f} points to the index.")
    zh = ("优势：" + "；".join(f"{run.label(n)[1]} {v(zh_f, n, r['value'])}（{r['score']:.0f} 分）" for n, r in st.iterrows())
          + "。不足：" + "；".join(f"{run.label(n)[1]} {v(zh_f, n, r['value'])}，目标 {v(zh_f, n, r['target'])}"
                                 f"（{r['score']:.0f} 分）" for n, r in wk.iterrows())
          + f"。三项不足全部达标可使综合指数提高 {gain:.1f} 分。")
    return Bilingual(en, zh)


def no_actions(run: composite.SummaryRun) -> Bilingual:
    """Why there is no recommended action."""
    if not run.has_scores:
        return Bilingual("No scored indicators, so no recommended actions.", "没有计分指标，因此没有改进建议。")
    return Bilingual("No action rule applies: every scored indicator is close to its target.",
                     "没有触发改进规则：各计分指标均接近目标。")


def actions_table(run: composite.SummaryRun, fmt: Formatter) -> dict[str, Any]:
    """The recommended actions by priority, with what they are about and the index points at stake."""
    a = run.actions

    def about(s: str) -> str:
        if s in run.labels:
            return fmt.t(*run.labels[s])
        return _dl(s, fmt) if s in DIMENSIONS else fmt.t("Composite index", "综合指数")

    frame = a.assign(what=[fmt.t(e, z) for e, z in zip(a["en"], a["zh"])], about=[about(s) for s in a["subject"]])
    return {"df": frame[["priority", "about", "what", "gain"]],
            "formats": {"priority": "count", "gain": lambda v: "–" if pd.isna(v) else f"{v:.1f}"},
            "labels": {"priority": ("Priority", "优先级"), "about": ("About", "针对"), "what": ("Recommended action", "建议措施"),
                       "gain": ("Index points at stake", "涉及指数分")}}


def actions_reading(run: composite.SummaryRun) -> Bilingual:
    """Where the actions come from and how they are ordered."""
    src = run.rules.source.name if run.rules.source else "actions.yaml"
    return Bilingual(
        f"{len(run.actions)} action(s) from the rule table {src}, ordered by priority (1 = most urgent) and by the "
        "index points at stake. The rules are documented in the table and can be adapted to the organisation.",
        f"以上 {len(run.actions)} 条建议来自规则表 {src}，按优先级（1 为最紧急）及涉及的指数分排序；规则可按企业情况调整。",
    )


def no_alerts(run: composite.SummaryRun) -> Bilingual:
    """Why there is no alert: no previous scorecard, or nothing moved beyond its threshold."""
    if not run.previous:
        return Bilingual("Alerts compare with the previous period, whose scorecard was not found.",
                         "预警需与上期比较，但未找到上期计分卡。")
    return Bilingual("No alert: no watched indicator moved beyond its threshold since the previous period.",
                     "无预警：与上期相比，没有受监控指标超出阈值。")


def scorecard_saved(path: str | Path, interactive: bool) -> Bilingual:
    """Note of where the scorecard was saved."""
    name = Path(path).name
    return Bilingual(f"The scorecard was saved as {name}" + (" in a temporary folder (interactive run)." if interactive else "."),
                     f"计分卡已保存为 {name}" + ("（交互运行，保存在临时目录）。" if interactive else "。"))
