"""Charts and table layouts of the service-team, market and risk sections (Agg backend)."""

from __future__ import annotations

import matplotlib
import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Formatter
from crmkit.indicators import team
from crmkit.reports.charts import market as market_charts
from crmkit.reports.charts import risk as risk_charts
from crmkit.reports.charts import team as team_charts
from crmkit.reports.plotting import inert_text

EN, ZH = Formatter("en"), Formatter("zh")


def test_agent_workload_bars_colours_and_literal_names():
    agents = pd.DataFrame({"agent": ["$a_b$", "x$y", "Agent 03"], "tickets": [40, 30, 20]})
    outliers = pd.DataFrame({"agent": ["x$y"]})
    fig = team_charts.agent_workload(agents, outliers, {"mean": 30.0}, EN)
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [40, 30, 20]
    assert matplotlib.colors.to_hex(ax.patches[1].get_facecolor()) == "#c2405a"
    assert ax.lines[0].get_ydata()[0] == 30.0 and ax.get_ylabel() == "Tickets handled"
    assert team_charts.agent_workload(agents, outliers, {"mean": 30.0}, ZH).axes[0].get_ylabel() == "处理工单数"
    inert_text(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["$a_b$", "x$y", "Agent 03"]


def test_satisfaction_quarters_lines():
    comp = pd.DataFrame({"quarter": pd.to_datetime(["2025-07-01", "2025-10-01"]), "employee_top2": [0.5, 0.6],
                         "customer_csat": [0.7, 0.8], "ticket_csat": [float("nan")] * 2})
    fig = team_charts.satisfaction_quarters(comp, ZH)
    ax = fig.axes[0]
    assert len(ax.lines) == 2  # no ticket CSAT line without data
    assert list(ax.lines[0].get_ydata()) == [0.5, 0.6] and list(ax.lines[1].get_xdata()) == ["2025Q3", "2025Q4"]
    assert ax.get_title() == "员工满意度与客户满意度对照"


def test_team_tables():
    tk = pd.DataFrame({"label_en": ["FCR", "Workload CV"], "label_zh": ["首次解决率", "工作量变异系数"],
                       "estimate": [Estimate(0.75, n=100), Estimate(0.2, n=5)], "unit": ["ratio", "number"],
                       "target": [0.7, 0.25], "direction": ["higher", "lower"], "n": [100, 5],
                       "met": [True, None], "flagged": [False, True]})
    t = team_charts.team_kpi_table(tk, EN)["df"]
    assert t["target_s"].tolist() == ["≥ 70.0%", "≤ 0.25"] and t["status"].tolist() == ["met", "– (n below minimum)"]
    o = pd.DataFrame({"agent": ["A"], "kpi": ["median_handle_minutes"], "value": [42.0], "team_median": [20.0],
                      "robust_z": [4.1], "n": [12], "assessment": ["worse"], "small_n": [True]})
    ot = team_charts.outlier_table(o, team.KPI_LABELS, ZH, 30)["df"]
    assert ot.iloc[0].tolist() == ["A", "处理时长中位数", "42.0 分钟", "20.0 分钟", 4.1, 12, "更差", "样本 < 30"]
    tiles = team_charts.workload_tiles({"agents": 3, "mean": 10.0, "cv": float("nan"), "gini": 0.123}, o)
    assert tiles[2][1] == "–" and tiles[3][1] == "0.12" and tiles[4][1] == 1


def test_market_charts_and_tables():
    shares = pd.DataFrame({"period": ["2025Q3", "2025Q4"], "share": [0.05, 0.064]})
    ax = market_charts.share_trend(shares, EN).axes[0]
    assert list(ax.lines[0].get_ydata()) == [0.05, 0.064] and ax.get_title() == "Market share by period"
    table = pd.DataFrame({"entity": ["This company", "$a_b$", "x$y"], "is_company": [True, False, False],
                          "nps": [-21.0, 28.0, 12.0], "csat": [0.61, 0.78, float("nan")], "churn_rate": [0.286, 0.22, 0.3],
                          "market_share": [0.064, 0.18, 0.11], "source": ["company data", "s1", "s2"]})
    gaps = pd.DataFrame({"metric": ["nps", "csat", "churn_rate"]})
    fig = market_charts.benchmarks(table, gaps, ZH)
    assert [a.get_title() for a in fig.axes] == ["净推荐值", "客户满意度", "流失率"]
    assert [p.get_width() for p in fig.axes[2].patches] == [0.286, 0.22, 0.3]
    assert len(fig.axes[1].patches) == 2  # the competitor without CSAT is left out
    inert_text(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["This company", "$a_b$", "x$y"]
    c = market_charts.comparison_table(table, ZH)
    assert c["df"]["source"].tolist() == ["公司数据", "s1", "s2"] and "is_company" not in c["df"].columns
    assert c["formats"]["nps"](float("nan")) == "–"


def test_risk_register_html_escapes_and_colours():
    reg = pd.DataFrame({"name_en": ["<b>x</b>"], "name_zh": ["风险"], "severity": ["high"], "evidence_en": ["a & b"],
                        "evidence_zh": ["依据"], "trend": ["worsening"]})
    html = risk_charts.register_html(reg, EN)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "a &amp; b" in html and "<b>" not in html
    assert "background:#f4c7cf" in html and ">High<" in html and ">worsening<" in html
    assert ">恶化<" in risk_charts.register_html(reg, ZH)
    tiles = risk_charts.severity_tiles({"high": 1, "medium": 2, "low": 0, "unknown": 4})
    assert [(label, v) for label, v, _ in tiles] == [(("High", "高"), 1), (("Medium", "中"), 2), (("Low", "低"), 0),
                                                    (("Not rated", "未评级"), 4)]
