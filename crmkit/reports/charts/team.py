"""Charts and table layouts of the service-team sections.

Chart functions draw frames of :mod:`crmkit.indicators.team` and return the
figure (show it with :func:`crmkit.reports.plotting.show`); table functions
return the keywords of :meth:`crmkit.reports.display.Report.table`
(``df, formats, labels``) for ``rp.table(**layout)``.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmkit.formatting import Formatter

__all__ = ["workload_tiles", "agent_workload", "satisfaction_quarters", "agent_table", "outlier_table", "team_kpi_table",
           "satisfaction_table"]


def _figure(ax, size) -> tuple[Figure, Any]:
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    return plt.subplots(figsize=size)


def _small(flags, fmt: Formatter, min_n: int) -> list[str]:
    return [fmt.t(f"n < {min_n}", f"样本 < {min_n}") if f else "" for f in flags]


def workload_tiles(spread: Mapping[str, Any], outliers: pd.DataFrame) -> list[tuple[tuple[str, str], Any, str]]:
    """KPI tiles of :func:`crmkit.indicators.team.workload_spread` and the outlier count for ``rp.kpis``."""
    two = lambda v: "–" if v is None or v != v else f"{v:.2f}"  # noqa: E731
    return [
        (("Agents", "坐席数"), spread["agents"], "count"),
        (("Tickets per agent (mean)", "人均工单"), spread["mean"], "number"),
        (("Workload CV", "工作量变异系数"), two(spread["cv"]), "text"),
        (("Workload Gini", "工作量基尼系数"), two(spread["gini"]), "text"),
        (("Outlying results", "异常结果数"), len(outliers), "count"),
    ]


def agent_workload(agents: pd.DataFrame, outliers: pd.DataFrame, spread: Mapping[str, Any], fmt: Formatter,
                   ax=None) -> Figure:
    """Bars of tickets per agent (red: the agent has an outlying KPI) with the mean as a dashed line."""
    fig, ax = _figure(ax, (8, 3.8))
    flagged = set(outliers["agent"])
    ax.bar(agents["agent"], agents["tickets"], color=["#c2405a" if a in flagged else "#1f5f8b" for a in agents["agent"]])
    ax.axhline(spread["mean"], color="#e07b39", linestyle="--", linewidth=1, label=fmt.t("mean", "平均"))
    ax.set(ylabel=fmt.t("Tickets handled", "处理工单数"), xlabel="",
           title=fmt.t("Tickets per agent (red: an outlying KPI)", "各坐席工单量（红色：存在异常指标）"))
    ax.tick_params(axis="x", rotation=90, labelsize=7)
    ax.legend(fontsize=8)
    return fig


_SERIES = (("employee_top2", "Employees satisfied (top 2 boxes)", "员工满意（前两档）", "#7a5fa8"),
           ("customer_csat", "Customers satisfied (CSAT surveys)", "客户满意（CSAT 调查）", "#1f5f8b"),
           ("ticket_csat", "Ticket CSAT", "工单满意度", "#3a9e6f"))


def satisfaction_quarters(comparison: pd.DataFrame, fmt: Formatter, ax=None) -> Figure:
    """Lines of employee, customer and ticket satisfaction per quarter (:func:`~crmkit.indicators.team.satisfaction_comparison`)."""
    fig, ax = _figure(ax, (7.5, 3.8))
    q = comparison["quarter"].dt.to_period("Q").astype(str)
    for col, en, zh, colour in _SERIES:
        if comparison[col].notna().any():
            ax.plot(q, comparison[col], marker="o", color=colour, label=fmt.t(en, zh))
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(xlabel=fmt.t("Quarter", "季度"), ylabel=fmt.t("Share satisfied", "满意比例"),
           title=fmt.t("Employee beside customer satisfaction", "员工满意度与客户满意度对照"))
    ax.legend(fontsize=8)
    return fig


def agent_table(agents: pd.DataFrame, fmt: Formatter, min_n: int) -> dict[str, Any]:
    """Per-agent KPIs (:func:`crmkit.indicators.team.agent_kpis`) with a note on agents below *min_n* tickets."""
    df = agents.drop(columns=["fcr_n", "handle_n", "reopen_n"]).assign(small_n=_small(agents["small_n"], fmt, min_n))
    return {"df": df,
            "formats": {"tickets": "count", "workload_share": "ratio", "fcr_rate": "ratio", "median_handle_minutes": "minutes",
                        "csat": "ratio", "rated": "count", "reopen_rate": "ratio", "complaints": "count"},
            "labels": {"agent": ("Agent", "坐席"), "tickets": ("Tickets", "工单"), "workload_share": ("Share", "占比"),
                       "fcr_rate": ("FCR", "首次解决率"), "median_handle_minutes": ("Median handle time", "处理时长中位数"),
                       "csat": ("Ticket CSAT", "工单满意度"), "rated": ("Rated", "评价数"), "reopen_rate": ("Reopened", "重开率"),
                       "complaints": ("Complaints", "投诉"), "small_n": ("Note", "备注")}}


def outlier_table(outliers: pd.DataFrame, kpi_labels: Mapping[str, tuple[str, str, str]], fmt: Formatter,
                  min_n: int) -> dict[str, Any]:
    """Outlying agent results (:func:`~crmkit.indicators.team.agent_outliers`); *kpi_labels* is ``team.KPI_LABELS``."""
    verdict = {"better": ("better", "更好"), "worse": ("worse", "更差"), "high": ("high", "偏高"), "low": ("low", "偏低")}
    unit = lambda k: kpi_labels.get(k, ("", "", "number"))[2]  # noqa: E731
    df = outliers.assign(
        kpi_label=[fmt.t(*kpi_labels[k][:2]) if k in kpi_labels else k for k in outliers["kpi"]],
        verdict=[fmt.t(*verdict[a]) if a in verdict else a for a in outliers["assessment"]],
        small=_small(outliers["small_n"], fmt, min_n),
        value_s=[fmt.fmt(v, unit(k)) for k, v in zip(outliers["kpi"], outliers["value"])],
        median_s=[fmt.fmt(v, unit(k)) for k, v in zip(outliers["kpi"], outliers["team_median"])])
    return {"df": df[["agent", "kpi_label", "value_s", "median_s", "robust_z", "n", "verdict", "small"]],
            "formats": {"robust_z": lambda v: f"{v:+.1f}", "n": "count"},
            "labels": {"agent": ("Agent", "坐席"), "kpi_label": ("KPI", "指标"), "value_s": ("Value", "数值"),
                       "median_s": ("Team median", "团队中位数"), "robust_z": ("Robust z", "稳健 z 值"), "n": ("n", "样本量"),
                       "verdict": ("Compared with team", "相对团队"), "small": ("Note", "备注")}}


def team_kpi_table(kpis: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """Team KPIs with 95 % intervals, targets and status (:func:`crmkit.indicators.team.team_kpis`)."""
    digits = lambda u: 2 if u == "number" else None  # noqa: E731
    status = [("–" if m is None or m != m else (fmt.t("met", "达标") if m else fmt.t("missed", "未达标")))
              + (fmt.t(" (n below minimum)", "（样本不足）") if f else "") for m, f in zip(kpis["met"], kpis["flagged"])]
    df = kpis.assign(
        label=[fmt.t(e, z) for e, z in zip(kpis["label_en"], kpis["label_zh"])],
        shown=[fmt.fmt(e, u, digits(u)) for e, u in zip(kpis["estimate"], kpis["unit"])],
        target_s=[("≥ " if d == "higher" else "≤ ") + fmt.fmt(t, u, digits(u))
                  for t, d, u in zip(kpis["target"], kpis["direction"], kpis["unit"])],
        status=status)
    return {"df": df[["label", "shown", "target_s", "n", "status"]], "formats": {"n": "count"},
            "labels": {"label": ("KPI", "指标"), "shown": ("Value (95% interval)", "数值（95% 区间）"),
                       "target_s": ("Target", "目标"), "n": ("n", "样本量"), "status": ("Status", "状态")}}


def satisfaction_table(comparison: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    """Employee, customer and ticket satisfaction per quarter."""
    return {"df": comparison.assign(quarter=comparison["quarter"].dt.to_period("Q").astype(str)),
            "formats": {"employee_top2": "ratio", "employee_mean": "number", "employee_n": "count", "customer_csat": "ratio",
                        "customer_n": "count", "ticket_csat": "ratio", "ticket_n": "count"},
            "labels": {"quarter": ("Quarter", "季度"), "employee_top2": ("Employees satisfied", "员工满意比例"),
                       "employee_mean": ("Employee mean (1-5)", "员工均分（1-5）"), "employee_n": ("n", "样本"),
                       "customer_csat": ("Customer CSAT", "客户满意度"), "customer_n": ("n", "样本"),
                       "ticket_csat": ("Ticket CSAT", "工单满意度"), "ticket_n": ("n", "样本")}}
