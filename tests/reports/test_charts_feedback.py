"""Charts and table layouts of the voice-of-the-customer report (Agg backend)."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.formatting import Formatter
from crmkit.reports.charts import feedback as charts
from crmkit.reports.plotting import inert_text

EN, ZH = Formatter("en"), Formatter("zh")


def _summary():
    return pd.DataFrame({"theme": ["a", "b"], "label_en": ["$a_b$", "x$y"], "label_zh": ["物流", "质量"], "mentions": [5, 3],
                         "share": [0.5, 0.3], "positive": [1, 2], "neutral": [1, 0], "negative": [3, 1],
                         "net_sentiment": [-0.4, 0.333]})


def test_theme_sentiment_bars_and_labels():
    fig = charts.theme_sentiment(_summary(), EN)
    ax = fig.axes[0]
    assert ax.get_title() == "Theme mentions by sentiment" and ax.get_xlabel() == "Comments mentioning the theme"
    widths = [p.get_width() for p in ax.patches]
    assert widths == [3, 1, 1, 0, 1, 2]  # negative, neutral, positive per theme
    lefts = [p.get_x() for p in ax.patches]
    assert lefts == [0, 0, 3, 1, 4, 1]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Negative", "Neutral", "Positive"]
    assert charts.theme_sentiment(_summary(), ZH).axes[0].get_title() == "各主题提及次数（按情感）"


def test_dollar_labels_draw_literally():
    fig = charts.theme_sentiment(_summary(), EN)
    inert_text(fig)
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["$a_b$", "x$y"]
    needs = _summary().assign(impact=[-0.2, 0.1])
    fig2 = charts.needs_map(needs, EN)
    inert_text(fig2)
    fig2.canvas.draw()
    assert {t.get_text() for t in fig2.axes[0].texts} == {"$a_b$", "x$y"}


def test_pareto_and_needs_data():
    p = pd.DataFrame({"label_en": ["Slow", "Rude"], "label_zh": ["慢", "差"], "count": [6, 4],
                      "cumulative_share": [0.6, 1.0], "vital_few": [True, False]})
    fig = charts.complaint_pareto(p, ZH)
    ax, ax2 = fig.axes
    assert [b.get_height() for b in ax.patches] == [6, 4]
    assert list(ax2.lines[0].get_ydata()) == [0.6, 1.0]
    assert ax.get_title() == "投诉原因（降序）" and ax2.get_ylabel() == "累计占比"
    needs = _summary().assign(impact=[-0.2, 0.1])
    off = charts.needs_map(needs, EN).axes[0].collections[0].get_offsets()
    assert off[:, 0].tolist() == [0.5, 0.3] and off[:, 1].tolist() == pytest.approx([-20, 10])


def test_heatmap_groups_labelled_with_n():
    freq = pd.DataFrame({"survey_type": ["nps", "nps", "csat", "csat"], "theme": ["a", "b", "a", "b"],
                         "label_en": ["Delivery", "Price", "Delivery", "Price"], "label_zh": ["物流", "价格", "物流", "价格"],
                         "comments": [10, 10, 4, 4], "share": [0.5, 0.1, 0.25, 0.75]})
    fig = charts.theme_heatmap(freq, "survey_type", ZH)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "调查类型" and ax.get_title() == "各调查类型评论中提及各主题的比例"
    assert sorted(t.get_text() for t in ax.get_xticklabels()) == ["推荐意愿 (n=10)", "满意度 (n=4)"]
    assert sorted(t.get_text() for t in ax.texts) == ["10%", "25%", "50%", "75%"]


def test_table_layouts():
    t = charts.theme_table(_summary(), ZH)
    assert t["df"]["theme_label"].tolist() == ["物流", "质量"] and t["labels"]["negative"] == ("Negative", "负面")
    assert t["formats"]["net_sentiment"](-0.4) == "-0.40"
    cmp = {"table": pd.DataFrame({"label_en": ["D"], "label_zh": ["物"], "over_in": ["case"], "case_share": [0.5],
                                  "control_share": [0.1], "difference": [0.4], "odds_ratio": [float("inf")],
                                  "p_value": [0.01], "q_value": [0.02]}), "detractors": 7, "promoters": 9}
    d = charts.detractor_table(cmp, EN)
    assert d["df"]["verdict"].tolist() == ["detractors"] and d["labels"]["case_share"] == ("Detractors (n=7)", "贬损者（n=7）")
    assert d["formats"]["odds_ratio"](float("inf")) == "–" and d["formats"]["odds_ratio"](2.5) == "2.50" and d["formats"]["difference"](0.4) == "+40.0 pp"
    assert [k for k, _, _ in charts.overview_tiles({"comments": 1, "commented": 0.1, "with_theme": 0.2,
                                                    "negative_theme_share": 0.3, "negative_comments": 0.4})][0] == \
        ("Comments analysed", "分析的评论数")
