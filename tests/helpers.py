"""Small builders shared by the tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd

CUSTOMERS_ZH = pd.DataFrame(
    {
        "客户ID": ["C001", "C002", "C003", "C004"],
        "注册日期": ["2024/1/3", "2024年2月5日", "2024-03-01 10:00", "2024/4/30"],
        "客户类型": ["个人", "企业", "个人", "中小企业"],
        "性别": ["男", "女", "女", "男"],
        "手机": ["13800000001", "13800000002", "13800000003", "13800000004"],
    }
)
CUSTOMERS_MAPPING = """table: customers
columns:
  customer_id: 客户ID
  signup_date: 注册日期
  customer_type: 客户类型
  gender: 性别
  phone: 手机
values:
  customer_type: {个人: individual, 企业: enterprise, 中小企业: sme}
  gender: {男: male, 女: female}
"""
ORDERS_ZH = pd.DataFrame(
    {
        "订单编号": ["O1", "O2", "O3", "O4", "O5"],
        "客户ID": ["C001", "C001", "C002", "C003", "C004"],
        "下单时间": ["2025/1/3", "2025-01-05 14:05", "2025年2月1日", "2025/3/1", "2025/3/2"],
        "实付金额": ["￥1,234.50", "99", "2,000.00", "15.5", "-20"],
        "渠道": ["线上", "门店", "线上", "应用", "线上"],
        "是否退货": ["否", "否", "否", "否", "是"],
    }
)
ORDERS_MAPPING = """table: orders
encoding: auto
columns:
  order_id: 订单编号
  customer_id: 客户ID
  order_date: 下单时间
  amount: 实付金额
  channel: 渠道
  is_return: 是否退货
values:
  channel: {线上: online, 门店: store, 应用: app}
"""
EXPECTED_AMOUNTS = {"O1": 1234.5, "O2": 99.0, "O3": 2000.0, "O4": 15.5, "O5": -20.0}


def write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    path.write_bytes(df.to_csv(index=False).encode(encoding))
    return path


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def store_snapshot(path: Path) -> dict:
    """Every table's rows (sorted) plus the file hash, to prove a store did not change."""
    if not path.exists():
        return {"exists": False}
    snap = {"exists": True, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "tables": {}}
    con = duckdb.connect(str(path), read_only=True)
    try:
        for (name,) in con.execute("select table_name from information_schema.tables order by 1").fetchall():
            df = con.execute(f'select * from "{name}"').df()
            snap["tables"][name] = df.astype(str).sort_values(list(df.columns)).to_csv(index=False)
    finally:
        con.close()
    return snap


def drawn_texts(fig) -> set[str]:
    """Draw *fig* as a report shows it (every text mathtext-inert) and return all of its texts."""
    from matplotlib.text import Text

    from crmkit.reports.plotting import inert_text

    inert_text(fig)
    fig.canvas.draw()
    return {t.get_text() for t in fig.findobj(Text)}


def assert_clean(sentence, dash: str = "–") -> None:
    """Both texts of a reading (a Bilingual) are free of "nan", "inf" and *dash* (how a missing number is shown)."""
    from crmkit.formatting import Bilingual

    assert isinstance(sentence, Bilingual), sentence
    for text in sentence:
        assert "nan" not in text and "inf" not in text and dash not in text, text


def refusal(load, path: Path) -> str:
    """The message of the ConfigError that ``load(path)`` raises; it must name the file."""
    import pytest

    from crmkit.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        load(path)
    message = str(err.value)
    assert str(path) in message, message
    return message
