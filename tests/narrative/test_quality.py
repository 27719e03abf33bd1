"""Sentences of the data-quality report."""

import pandas as pd

from crmkit.formatting import Formatter
from crmkit.narrative import quality as say


def test_overview_with_missing_tables_and_no_completeness():
    s = say.overview({"supplied": 3, "tables": 5, "missing": ["tickets", "surveys"], "completeness": 0.8766})
    assert s.en == ("3 of 5 canonical tables were supplied; missing: tickets, surveys (their report sections are skipped)."
                    " On average 87.7% of the supplied and required fields are filled.")
    assert s.zh == "共提供 3/5 张标准数据表；缺少：tickets、surveys（相关报告章节将跳过）。 已提供字段及必填字段的平均填充率为 87.7%。"
    s = say.overview({"supplied": 2, "tables": 2, "missing": [], "completeness": 0.9,
                      "not_supplied": ["orders.coupon_code", "orders.discount"]})
    assert s.en.endswith("2 optional columns without any value (not in the exports) are not counted.")
    assert "2 个可选字段没有任何取值" in s.zh
    s = say.overview({"supplied": 0, "tables": 5, "missing": [], "completeness": float("nan")})
    assert "nan" not in s.en and "No field could be checked" in s.en and "没有可检查完整性的字段" in s.zh


def test_latest_order():
    s = say.latest_order(pd.Timestamp("2025-12-29 10:00"), 2)
    assert s.en == "The latest order is dated 2025-12-29, 2 days before the end of the window."
    assert s.zh == "最近一笔订单日期为 2025-12-29，距评估期末 2 天。"
    assert say.latest_order(pd.NaT, None) == ("No orders were found.", "未找到订单。")


def test_monthly_volume_thousands():
    s = say.monthly_volume(12345)
    assert s.en.startswith("Inside the window every supplied table has at least 12,345 rows per month;")
    assert "每月至少 12,345 行" in s.zh


def test_completeness_gaps():
    gaps = pd.DataFrame({"table": ["customers", "orders"], "column": ["region", "channel"], "completeness": [0.124, 0.9]})
    s = say.completeness_gaps(gaps)
    assert s.en == "2 fields are less than 95% filled; the emptiest is customers.region (12%)."
    assert s.zh == "共有 2 个字段填充率低于 95%；最低的是 customers.region（12%）。"
    assert say.completeness_gaps(gaps.iloc[:0]) == ("0 fields are less than 95% filled.", "共有 0 个字段填充率低于 95%。")


def test_references_and_ingest():
    refs = pd.DataFrame({"table": ["orders", "tickets"], "column": ["customer_id"] * 2, "unmatched": [1200, 3],
                         "match_rate": [0.9, 0.995]})
    s = say.references(refs, refs.iloc[0])
    assert s.en == ("1,203 references point to customers that are not in the customer table; "
                    "the lowest match rate is orders.customer_id at 90.0%.")
    assert s.zh.startswith("共有 1,203 条记录") and s.zh.endswith("（90.0%）。")
    log = pd.DataFrame({"rows_in": [1000, 500], "rows_rejected": [10, 0]})
    s = say.ingest(log)
    assert s.en == "2 ingests; 10 of 1,500 rows were rejected and kept in rejects files with their reasons."
    assert s.zh == "共导入 2 次；1,500 行中有 10 行被拒绝，原因记录在拒绝文件中。"
    assert say.ingest(log.iloc[:0]).en.startswith("No ingest log")


def test_columns_follow_the_language():
    zh = say.columns("coverage", Formatter("zh"))
    assert zh["labels"]["rows"] == ("Rows (history)", "行数（含历史）")
    assert zh["formats"]["supplied"](True) == "是" and say.columns("coverage", Formatter("en"))["formats"]["supplied"](False) == "no"
    assert say.columns("gaps", Formatter("en"))["formats"]["required"](True) == "required"


def test_overview_tiles():
    ov = {"supplied": 9, "tables": 12, "completeness": 0.9, "reference_match": 0.99, "reject_rate": 0.01}
    tiles = say.overview_tiles(ov, 3000, 4500)
    assert tiles[0] == ("tables_supplied", "9 / 12") and tiles[1] == (("Customers", "客户数"), 3000, "count")
    assert [t[0] for t in tiles[3:]] == ["column_completeness", "customer_reference_match_rate", "ingest_reject_rate"]
