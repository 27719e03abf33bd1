"""Charts and table layouts of the voice-of-the-customer report.

Chart functions draw the frames of :mod:`crmkit.indicators.feedback` and
return the figure (show it with :func:`crmkit.reports.plotting.show`).  Table
functions return the keywords of :meth:`crmkit.reports.display.Report.table`
(``df, formats, labels``) for ``rp.table(**layout)``.
"""

from __future__ import annotations

import math

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter
from crmkit.narrative.feedback import GROUPINGS, POLARITY, SURVEY_TYPES, code_label

__all__ = ["overview_tiles", "theme_sentiment", "theme_heatmap", "complaint_pareto", "needs_map", "theme_table", "keyword_table",
           "detractor_table", "pareto_table", "needs_table", "example_table"]

_POLARITY_COLOURS = {"negative": "#c2405a", "neutral": "#b0b0b0", "positive": "#3a9e6f"}


def _figure(ax, size) -> tuple[Figure, Any]:
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    return plt.subplots(figsize=size)


def _labels(frame: pd.DataFrame, fmt: Formatter) -> list[str]:
    return [fmt.t(e, z) for e, z in zip(frame["label_en"], frame["label_zh"])]


def _signed(digits: int):
    return lambda v: "–" if v is None or v != v else f"{v:+.{digits}f}"


def _p(v) -> str:
    return "–" if v is None or v != v else f"{v:.3f}"


# -- KPI tiles ---------------------------------------------------------------------
def overview_tiles(ov: dict[str, Any]) -> list[tuple[tuple[str, str], Any, str]]:
    """KPI tiles of :func:`crmkit.indicators.feedback.comment_overview` for ``rp.kpis``."""
    return [
        (("Comments analysed", "分析的评论数"), ov["comments"], "count"),
        (("Responses with a comment", "含评论的答卷比例"), ov["commented"], "ratio"),
        (("Comments with a theme", "可归入主题的评论"), ov["with_theme"], "ratio"),
        (("Negative theme mentions", "负面主题提及占比"), ov["negative_theme_share"], "ratio"),
        (("Negative comments", "负面评论占比"), ov["negative_comments"], "ratio"),
    ]


# -- charts ------------------------------------------------------------------------
def theme_sentiment(summary: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Stacked horizontal bars: mentions per theme split into negative, neutral and positive."""
    fig, ax = _figure(ax, (8, 0.45 * len(summary) + 1.2))
    names = _labels(summary, fmt)
    left = np.zeros(len(summary))
    for pol in ("negative", "neutral", "positive"):
        ax.barh(names, summary[pol], left=left, color=_POLARITY_COLOURS[pol], label=fmt.t(*POLARITY[pol]))
        left += summary[pol].to_numpy(dtype=float)
    ax.invert_yaxis()
    ax.set(xlabel=fmt.t("Comments mentioning the theme", "提及该主题的评论数"), ylabel="",
           title=fmt.t("Theme mentions by sentiment", "各主题提及次数（按情感）"))
    ax.legend(fontsize=8, loc="lower right")
    return fig


def theme_heatmap(freq: pd.DataFrame, by: str, fmt: Formatter, ax=None) -> Figure:
    """Heat map of the share of comments mentioning each theme, per survey type or touchpoint (``by``)."""
    import seaborn as sns

    mapping, en, zh = GROUPINGS[by]
    f = freq.assign(group=[f"{fmt.t(*code_label(mapping, g))} (n={n})" for g, n in zip(freq[by], freq["comments"])],
                    theme_label=_labels(freq, fmt))
    grid = f.pivot(index="theme_label", columns="group", values="share")
    fig, ax = _figure(ax, (1.6 * grid.shape[1] + 3, 0.45 * grid.shape[0] + 1.5))
    sns.heatmap(grid, annot=True, fmt=".0%", cmap="Blues", cbar=False, ax=ax)
    ax.set(xlabel=fmt.t(en, zh), ylabel="",
           title=fmt.t(f"Share of comments mentioning each theme, by {en.lower()}", f"各{zh}评论中提及各主题的比例"))
    return fig


def complaint_pareto(pareto: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Pareto chart: complaints per reason (the vital few in red) and the cumulative share (80 % line)."""
    fig, ax = _figure(ax, (8, 4))
    names = _labels(pareto, fmt)
    ax.bar(names, pareto["count"], color=["#c2405a" if v else "#b0b0b0" for v in pareto["vital_few"]])
    ax2 = ax.twinx()
    ax2.plot(names, pareto["cumulative_share"], color="#1f5f8b", marker="o")
    ax2.axhline(0.8, color="#1f5f8b", linestyle=":", linewidth=1)
    ax2.set_ylim(0, 1.05)
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax2.set_ylabel(fmt.t("Cumulative share", "累计占比"))
    ax2.grid(False)
    ax.set(ylabel=fmt.t("Complaints", "投诉数"), xlabel="", title=fmt.t("Complaint reasons, largest first", "投诉原因（降序）"))
    ax.tick_params(axis="x", rotation=30)
    return fig


def needs_map(needs: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Scatter of needs: share of comments (x) against score impact in points of 0-100 (y), size = mentions."""
    fig, ax = _figure(ax, (7.5, 4.5))
    y = needs["impact"].astype(float) * 100
    ax.scatter(needs["share"], y, s=40 + 4 * needs["mentions"], color="#1f5f8b", alpha=0.7)
    for name, x, yy in zip(_labels(needs, fmt), needs["share"], y):
        ax.annotate(name, (x, yy), fontsize=8, xytext=(4, 4), textcoords="offset points")
    ax.axhline(0, color="#888", linewidth=0.8)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(xlabel=fmt.t("Share of comments mentioning the theme", "提及该主题的评论比例"),
           ylabel=fmt.t("Score impact (points of a 0-100 scale)", "评分影响（0-100 分制）"),
           title=fmt.t("Needs: how often vs how much they move scores", "客户需求：提及频率与评分影响"))
    return fig


# -- tables ------------------------------------------------------------------------
def theme_table(summary: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """Mentions, share and sentiment per theme (:func:`crmkit.indicators.feedback.theme_summary`)."""
    df = summary.assign(theme_label=_labels(summary, fmt))[
        ["theme_label", "mentions", "share", "positive", "neutral", "negative", "net_sentiment"]]
    return {"df": df,
            "formats": {"mentions": "count", "share": "ratio", "positive": "count", "neutral": "count", "negative": "count",
                        "net_sentiment": _signed(2)},
            "labels": {"theme_label": ("Theme", "主题"), "mentions": ("Mentions", "提及数"), "share": ("Share of comments", "占评论比例"),
                       **{p: POLARITY[p] for p in POLARITY}, "net_sentiment": ("Net sentiment (−1..1)", "净情感（−1..1）")}}


def keyword_table(kw: pd.DataFrame, lexicon, fmt: Formatter) -> dict[str, Any]:
    """Top keywords with language and matched theme (:func:`crmkit.indicators.feedback.keywords`)."""
    themes = {t.code: (t.label_en, t.label_zh) for t in lexicon.themes}
    df = kw.assign(theme_label=[fmt.t(*code_label(themes, c)) if c else "–" for c in kw["theme"]],
                   lang=[fmt.t("Chinese", "中文") if x == "zh" else fmt.t("English", "英文") for x in kw["language"]])
    return {"df": df[["keyword", "lang", "comments", "share", "tfidf", "theme_label"]],
            "formats": {"comments": "count", "share": "ratio", "tfidf": lambda v: f"{v:.2f}"},
            "labels": {"keyword": ("Keyword", "关键词"), "lang": ("Language", "语言"), "comments": ("Comments", "评论数"),
                       "share": ("Share of comments", "占评论比例"), "tfidf": ("TF-IDF weight", "TF-IDF 权重"),
                       "theme_label": ("Theme", "主题")}}


def _odds(v) -> str:
    """The odds ratio to two decimals; "–" when undefined or unbounded (a group without the theme)."""
    return f"{v:.2f}" if math.isfinite(v) else "–"


def detractor_table(cmp: dict[str, Any], fmt: Formatter) -> dict[str, Any]:
    """Theme shares of detractors and promoters with Fisher and BH-adjusted p (:func:`~crmkit.indicators.feedback.nps_comparison`)."""
    over, n_det, n_pro = cmp["table"], cmp["detractors"], cmp["promoters"]
    verdict = {"case": ("detractors", "贬损者"), "control": ("promoters", "推荐者")}
    df = over.assign(theme_label=_labels(over, fmt),
                     verdict=[fmt.t(*verdict[o]) if o in verdict else "–" for o in over["over_in"]])
    return {"df": df[["theme_label", "case_share", "control_share", "difference", "odds_ratio", "p_value", "q_value", "verdict"]],
            "formats": {"case_share": "ratio", "control_share": "ratio", "difference": lambda v: f"{100 * v:+.1f} pp",
                        "odds_ratio": _odds, "p_value": _p, "q_value": _p},
            "labels": {"theme_label": ("Theme", "主题"), "case_share": (f"Detractors (n={n_det})", f"贬损者（n={n_det}）"),
                       "control_share": (f"Promoters (n={n_pro})", f"推荐者（n={n_pro}）"), "difference": ("Difference", "差异"),
                       "odds_ratio": ("Odds ratio", "优势比"), "p_value": ("p (Fisher)", "p 值（Fisher）"),
                       "q_value": ("q (BH)", "q 值（BH 校正）"), "verdict": ("Over-represented among", "显著偏多于")}}


def pareto_table(pareto: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """Complaints, share and cumulative share per reason."""
    return {"df": pareto.assign(reason_label=_labels(pareto, fmt))[["reason_label", "count", "share", "cumulative_share"]],
            "formats": {"count": "count", "share": "ratio", "cumulative_share": "ratio"},
            "labels": {"reason_label": ("Reason", "原因"), "count": ("Complaints", "投诉数"), "share": ("Share", "占比"),
                       "cumulative_share": ("Cumulative", "累计占比")}}


def needs_table(needs: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """Needs with scores with and without the theme, impact and ranks (:func:`~crmkit.indicators.feedback.needs_ranking`)."""
    points = lambda v: "–" if v != v else f"{100 * v:.0f}"  # noqa: E731
    cols = ["theme_label", "mentions", "share", "mean_with", "mean_without", "impact", "p_value", "frequency_rank", "impact_rank"]
    return {"df": needs.assign(theme_label=_labels(needs, fmt))[cols],
            "formats": {"mentions": "count", "share": "ratio", "mean_with": points, "mean_without": points,
                        "impact": lambda v: "–" if v != v else f"{100 * v:+.0f}", "p_value": _p,
                        "frequency_rank": "count", "impact_rank": "count"},
            "labels": {"theme_label": ("Theme", "主题"), "mentions": ("Mentions", "提及数"), "share": ("Share", "占比"),
                       "mean_with": ("Score with theme (0-100)", "提及时评分（0-100）"),
                       "mean_without": ("Score without (0-100)", "未提及时评分（0-100）"), "impact": ("Impact", "影响"),
                       "p_value": ("p (Welch)", "p 值（Welch）"), "frequency_rank": ("Rank by frequency", "频率排名"),
                       "impact_rank": ("Rank by impact", "影响排名")}}


def example_table(examples: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """Redacted example comments of one theme (:func:`~crmkit.indicators.feedback.example_comments`)."""
    df = examples.assign(theme_label=_labels(examples, fmt),
                         survey=[fmt.t(*code_label(SURVEY_TYPES, s)) for s in examples["survey_type"]])
    return {"df": df[["theme_label", "survey", "score", "verbatim"]], "formats": {"score": lambda v: f"{v:.0f}"},
            "labels": {"theme_label": ("Theme", "主题"), "survey": ("Survey", "调查"), "score": ("Score", "评分"),
                       "verbatim": ("Comment (redacted)", "评论（已脱敏）")}}
