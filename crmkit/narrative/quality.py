"""Readings of the data-quality report (00): coverage, completeness, integrity and the ingest log."""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.formatting import Bilingual, Formatter, is_missing
from crmkit.narrative.common import formatters

__all__ = ["overview", "overview_tiles", "latest_order", "monthly_volume", "completeness_gaps", "references", "ingest",
           "columns"]


def overview(ov: dict, currency: str = "CNY") -> Bilingual:
    """Tables supplied, those missing, and the mean fill rate (``ov`` from :func:`crmkit.quality.quality_overview`).

    Examples
    --------
    >>> overview({"supplied": 2, "tables": 2, "missing": [], "completeness": 0.9}).en
    '2 of 2 canonical tables were supplied, so every report section can be computed. On average 90.0% of the supplied and required fields are filled.'
    """
    en_f, zh_f = formatters(currency)
    n, total, missing, c = ov["supplied"], ov["tables"], ov["missing"], ov["completeness"]
    en = f"{n} of {total} canonical tables were supplied"
    zh = f"共提供 {n}/{total} 张标准数据表"
    if missing:
        en += f"; missing: {', '.join(missing)} (their report sections are skipped)."
        zh += f"；缺少：{'、'.join(missing)}（相关报告章节将跳过）。"
    else:
        en += ", so every report section can be computed."
        zh += "，所有报告章节均可计算。"
    if is_missing(c):
        en += " No field could be checked for completeness."
        zh += " 没有可检查完整性的字段。"
    else:
        en += f" On average {en_f.fmt(c, 'ratio')} of the supplied and required fields are filled."
        zh += f" 已提供字段及必填字段的平均填充率为 {zh_f.fmt(c, 'ratio')}。"
    absent = ov.get("not_supplied") or []
    if absent:
        en += (f" {len(absent)} optional column{'s' if len(absent) != 1 else ''} without any value "
               "(not in the exports) are not counted.")
        zh += f" {len(absent)} 个可选字段没有任何取值（导出文件中未包含），不计入完整性。"
    return Bilingual(en, zh)


def latest_order(last: pd.Timestamp, lag_days: int | None) -> Bilingual:
    """Date of the latest order and how many days it lies before the window end (from :func:`crmkit.quality.latest_order`)."""
    if lag_days is None or is_missing(last):
        return Bilingual("No orders were found.", "未找到订单。")
    return Bilingual(f"The latest order is dated {last:%Y-%m-%d}, {lag_days} days before the end of the window.",
                     f"最近一笔订单日期为 {last:%Y-%m-%d}，距评估期末 {lag_days} 天。")


def monthly_volume(min_rows: int) -> Bilingual:
    """The fewest rows per month of any table inside the window (:func:`crmkit.quality.min_monthly_rows`)."""
    return Bilingual(
        f"Inside the window every supplied table has at least {min_rows:,} rows per month; "
        "gaps or sudden drops here usually mean an incomplete export rather than a real change.",
        f"评估期内各表每月至少 {min_rows:,} 行；若出现断档或骤降，通常是导出不完整而非业务变化。",
    )


def completeness_gaps(gaps: pd.DataFrame, threshold: float = 0.95) -> Bilingual:
    """How many fields are filled below *threshold* and which is the emptiest (*gaps* emptiest first)."""
    en_f, zh_f = formatters("CNY")
    th_en, th_zh = en_f.fmt(threshold, "ratio", 0), zh_f.fmt(threshold, "ratio", 0)
    if not len(gaps):
        return Bilingual(f"0 fields are less than {th_en} filled.", f"共有 0 个字段填充率低于 {th_zh}。")
    w = gaps.iloc[0]
    share_en, share_zh = en_f.fmt(w["completeness"], "ratio", 0), zh_f.fmt(w["completeness"], "ratio", 0)
    return Bilingual(
        f"{len(gaps)} fields are less than {th_en} filled; the emptiest is {w['table']}.{w['column']} ({share_en}).",
        f"共有 {len(gaps)} 个字段填充率低于 {th_zh}；最低的是 {w['table']}.{w['column']}（{share_zh}）。",
    )


def references(refs: pd.DataFrame, weakest: pd.Series) -> Bilingual:
    """References to unknown customers in total and the reference with the lowest match rate."""
    en_f, zh_f = formatters("CNY")
    unmatched = int(refs["unmatched"].sum())
    return Bilingual(
        f"{unmatched:,} references point to customers that are not in the customer table; "
        f"the lowest match rate is {weakest['table']}.{weakest['column']} at {en_f.fmt(weakest['match_rate'], 'ratio')}.",
        f"共有 {unmatched:,} 条记录引用了客户表中不存在的客户；匹配率最低的是 {weakest['table']}.{weakest['column']}"
        f"（{zh_f.fmt(weakest['match_rate'], 'ratio')}）。",
    )


def ingest(log: pd.DataFrame) -> Bilingual:
    """Number of ingests and rows rejected of rows read (an empty log: the data did not come through crmkit)."""
    if not len(log):
        return Bilingual("No ingest log: the data did not come through crmkit ingest.", "无导入日志：数据并非经 crmkit 导入。")
    rejected, read = int(log["rows_rejected"].sum()), int(log["rows_in"].sum())
    return Bilingual(
        f"{len(log)} ingests; {rejected:,} of {read:,} rows were rejected and kept in rejects files with their reasons.",
        f"共导入 {len(log)} 次；{read:,} 行中有 {rejected:,} 行被拒绝，原因记录在拒绝文件中。",
    )


def columns(table: str, fmt: Formatter) -> dict[str, Any]:
    """Formats and bilingual headers of the report's tables: ``rp.table(frame, **columns("coverage", rp))``.

    *table* is one of ``coverage``, ``gaps``, ``duplicates``, ``references``, ``ingest``.
    """
    yes_no = lambda v: fmt.t("yes", "是") if v else fmt.t("no", "否")  # noqa: E731
    required = lambda v: fmt.t("required", "必填") if v else ""  # noqa: E731
    specs = {
        "coverage": ({"rows": "count", "rows_in_window": "count", "supplied": yes_no},
                     {"table": ("Table", "数据表"), "supplied": ("Supplied", "已提供"), "rows": ("Rows (history)", "行数（含历史）"),
                      "rows_in_window": ("Rows in window", "期内行数"), "first": ("First date", "最早日期"),
                      "last": ("Last date", "最晚日期")}),
        "gaps": ({"filled": "count", "rows": "count", "completeness": "ratio", "required": required},
                 {"table": ("Table", "数据表"), "column": ("Column", "字段"), "required": ("", ""), "filled": ("Filled", "已填"),
                  "rows": ("Rows", "行数"), "completeness": ("Completeness", "完整率")}),
        "duplicates": ({"rows": "count", "duplicate_keys": "count", "identical_rows": "count"},
                       {"table": ("Table", "数据表"), "rows": ("Rows", "行数"), "duplicate_keys": ("Duplicate keys", "主键重复"),
                        "identical_rows": ("Identical rows", "完全重复行")}),
        "references": ({"with_id": "count", "matched": "count", "unmatched": "count", "match_rate": "ratio"},
                       {"table": ("Table", "数据表"), "column": ("Column", "字段"), "with_id": ("Rows with id", "含客户ID行数"),
                        "matched": ("Matched", "匹配"), "unmatched": ("Unmatched", "未匹配"), "match_rate": ("Match rate", "匹配率")}),
        "ingest": ({"rows_in": "count", "rows_loaded": "count", "rows_rejected": "count", "rejected_share": "ratio"},
                   {"table": ("Table", "数据表"), "source": ("Source", "来源"), "mode": ("Mode", "方式"), "rows_in": ("Rows read", "读取"),
                    "rows_loaded": ("Loaded", "载入"), "rows_rejected": ("Rejected", "拒绝"),
                    "rejected_share": ("Rejected %", "拒绝比例"), "finished_at": ("Loaded at", "导入时间")}),
    }
    formats, labels = specs[table]
    return {"formats": formats, "labels": labels}


def overview_tiles(ov: dict, customers: int, orders_in_window: int) -> list[tuple]:
    """KPI tiles of the overview (``ov`` from :func:`crmkit.quality.quality_overview`)."""
    return [("tables_supplied", f"{ov['supplied']} / {ov['tables']}"), (("Customers", "客户数"), customers, "count"),
            (("Orders in window", "期内订单"), orders_in_window, "count"), ("column_completeness", ov["completeness"]),
            ("customer_reference_match_rate", ov["reference_match"]), ("ingest_reject_rate", ov["reject_rate"])]
