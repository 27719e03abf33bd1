"""The SQL ingest path loads and rejects exactly what the pandas path does.

Every case runs the same ingests on two fresh stores, one through
:meth:`crmkit.store.Store.ingest` and one through
:func:`crmkit.ingest.duck.ingest_large`, and compares what ``Store.load``
returns, the reports, the rejects files and the errors.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.errors import CRMKitError, DataError
from crmkit.ingest.duck import ingest_large
from crmkit.store import Store
from crmkit.contract.tables import TABLE_NAMES

from .helpers import (
    CUSTOMERS_MAPPING,
    CUSTOMERS_ZH,
    EXPECTED_AMOUNTS,
    ORDERS_MAPPING,
    ORDERS_ZH,
    store_snapshot,
    write_csv,
    write_text,
)

WIDE = ("1900-01-01", "2200-12-31")


def _run(path_kind: str, store: Store, step: tuple, rejects: Path):
    source, table, company, mapping, kw = step
    kw = {"rejects_dir": rejects, **kw}
    if path_kind == "pandas":
        return store.ingest(source, table, company, mapping, **kw)
    return ingest_large(store, source, table, company, mapping, **kw)


def _norm_msg(text: str) -> str:
    return re.sub(r"\S*rejects-(pandas|sql)\S*", "<rejects>", text)


def _outcome(path_kind: str, root: Path, steps: list[tuple], check_unchanged: bool = True) -> dict:
    store = Store(root / path_kind / "crm.duckdb")
    out: dict = {"reports": [], "errors": []}
    for i, step in enumerate(steps):
        rejects = root / f"rejects-{path_kind}-{i}"
        before = store_snapshot(store.path) if check_unchanged else None
        try:
            rep = _run(path_kind, store, step, rejects)
        except CRMKitError as e:
            if check_unchanged:
                assert store_snapshot(store.path) == before, "a failed ingest changed the store"
            fc = getattr(e, "failure_cases", None)
            out["errors"].append((type(e).__name__, _norm_msg(str(e)), None if fc is None else fc.reset_index(drop=True)))
            rep = None
        else:
            out["errors"].append(None)
        if rep is not None:
            out["reports"].append(
                (rep.rows_in, rep.rows_loaded, rep.rows_rejected, rep.encoding, rep.sha256, rep.ignored_columns,
                 rep.warnings, rep.problems.reset_index(drop=True), rep.written, rep.mode, rep.source, _norm_msg(str(rep)))
            )
        files = sorted(rejects.glob("*.csv")) if rejects.exists() else []
        out.setdefault("rejects", []).append(
            [pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig") for f in files]
        )
    if store.path.exists() and store.companies():
        loaded = {}
        for company in store.companies():
            data = store.load(company, *WIDE)
            for name in TABLE_NAMES:
                loaded[(company, name)] = getattr(data, name)
        out["loaded"] = loaded
        log = store.ingest_log()
        out["log"] = log[["company", "table", "source", "sha256", "mode", "rows_in", "rows_loaded", "rows_rejected",
                          "crmkit_version", "mapping"]] if len(log) else log
    else:
        out["loaded"] = None
    return out


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return df.reset_index(drop=True)
    return df.sort_values(list(df.columns), kind="stable", na_position="first").reset_index(drop=True)


def assert_same(tmp_path: Path, steps: list[tuple], check_unchanged: bool = True) -> dict:
    """Run *steps* through both paths and assert identical outcomes; return the SQL outcome."""
    a = _outcome("pandas", tmp_path, steps, check_unchanged)
    b = _outcome("sql", tmp_path, steps, check_unchanged)
    assert len(a["errors"]) == len(b["errors"])
    for ea, eb in zip(a["errors"], b["errors"]):
        if ea is None or eb is None:
            assert ea == eb, (ea, eb)
            continue
        assert ea[:2] == eb[:2]
        if ea[2] is not None:
            # the same problem rows; pandera lists the rows of a table-level check in its own order
            fa, fb = (_sorted(x.astype({"row": "int64"}).astype(str)) for x in (ea[2], eb[2]))
            pd.testing.assert_frame_equal(fa, fb, check_dtype=False)
    assert len(a["reports"]) == len(b["reports"])
    for ra, rb in zip(a["reports"], b["reports"]):
        assert ra[:7] == rb[:7]
        pd.testing.assert_frame_equal(ra[7], rb[7], check_dtype=False)
        assert ra[8:] == rb[8:]
    for fa, fb in zip(a["rejects"], b["rejects"]):
        assert len(fa) == len(fb)
        for x, y in zip(fa, fb):
            pd.testing.assert_frame_equal(x, y)
    if a["loaded"] is None:
        assert b["loaded"] is None
    else:
        assert a["loaded"].keys() == b["loaded"].keys()
        for key in a["loaded"]:
            x, y = a["loaded"][key], b["loaded"][key]
            assert list(x.columns) == list(y.columns), key
            pd.testing.assert_frame_equal(_sorted(x), _sorted(y), check_dtype=True, obj=str(key))
        pd.testing.assert_frame_equal(a["log"].reset_index(drop=True), b["log"].reset_index(drop=True))
    return b


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "customers": write_csv(CUSTOMERS_ZH, tmp_path / "customers.csv"),
        "customers_map": write_text(tmp_path / "customers.yaml", CUSTOMERS_MAPPING),
        "orders": write_csv(ORDERS_ZH, tmp_path / "orders.csv", "gbk"),
        "orders_map": write_text(tmp_path / "orders.yaml", ORDERS_MAPPING),
    }


def _customers(files) -> tuple:
    return (files["customers"], "customers", "acme", files["customers_map"], {})


def _orders(src, files, mapping=None, **kw) -> tuple:
    return (src, "orders", "acme", mapping or files["orders_map"], kw)


# -- round trips ----------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_with_chinese_headers_in_each_encoding(tmp_path, files, encoding):
    src = write_csv(ORDERS_ZH, tmp_path / f"orders-{encoding}.csv", encoding)
    out = assert_same(tmp_path, [_customers(files), _orders(src, files)])
    orders = out["loaded"][("acme", "orders")]
    assert dict(zip(orders["order_id"], orders["amount"])) == EXPECTED_AMOUNTS


def test_explicit_gbk_mapping_and_semicolons(tmp_path, files):
    src = tmp_path / "orders_semicolon.csv"
    src.write_bytes(ORDERS_ZH.to_csv(index=False, sep=";").encode("gbk"))
    mapping = write_text(tmp_path / "gbk.yaml", ORDERS_MAPPING.replace("encoding: auto", "encoding: gbk"))
    assert_same(tmp_path, [_customers(files), _orders(src, files, mapping)])


def test_parquet_text_and_typed_columns(tmp_path, files):
    text = tmp_path / "orders.parquet"
    ORDERS_ZH.to_parquet(text)
    typed = pd.DataFrame(
        {
            "order_id": ["T1", "T2", "T3", "T4"],
            "customer_id": ["C001", "C002", "C003", "C004"],
            "order_date": pd.to_datetime(["2025-01-03 10:00", "2025-02-01 00:00", None, "2025-03-01 00:00"]),
            "amount": [10.5, -3.0, 7.0, float("nan")],
            "quantity": pd.array([1, 2, None, 4], dtype="Int64"),
            "discount": [0.0, 1.5, None, 2.0],
            "is_return": [False, True, False, False],
            "points_redeemed": [1.0, 2.5, 3.0, None],
        },
        index=[10, 11, 12, 13],
    )
    typed_path = tmp_path / "typed.parquet"
    typed.to_parquet(typed_path)
    assert_same(
        tmp_path,
        [_customers(files), _orders(text, files), (typed_path, "orders", "acme", None, {"mode": "append", "max_reject_rate": 1.0})],
    )


def test_amount_scale_for_cents(tmp_path, files):
    src = write_csv(ORDERS_ZH.assign(实付金额=["123450", "9900", "200000", "1550", "-2000"]), tmp_path / "cents.csv")
    mapping = write_text(tmp_path / "cents.yaml", ORDERS_MAPPING + "amount_scale: 0.01\n")
    assert_same(tmp_path, [_customers(files), _orders(src, files, mapping)])


def test_decimal_comma_needs_explicit_option(tmp_path, files):
    src = write_csv(ORDERS_ZH.assign(实付金额=["1 234,50", "99", "2.000,00", "15,5", "-20"]), tmp_path / "eu.csv")
    out = assert_same(
        tmp_path,
        [
            _customers(files),
            _orders(src, files, write_text(tmp_path / "eu.yaml", ORDERS_MAPPING)),
            _orders(src, files, write_text(tmp_path / "eu2.yaml", ORDERS_MAPPING + 'decimal: ","\n')),
        ],
    )
    assert out["errors"][1][0] == "DataError" and "cannot read '1 234,50' as an amount" in out["errors"][1][1]


def test_append_deduplicates_on_primary_key(tmp_path, files):
    more = pd.DataFrame({"订单编号": ["O5", "O6"], "客户ID": ["C004", "C001"], "下单时间": ["2025/3/2", "2025/3/9"],
                         "实付金额": ["-25", "10"], "渠道": ["线上", "线上"], "是否退货": ["是", "否"]})
    src = write_csv(more, tmp_path / "more.csv")
    assert_same(tmp_path, [_customers(files), _orders(files["orders"], files), _orders(src, files, mode="append")])


def test_rejects_file_rows_and_reasons(tmp_path, files):
    big = pd.concat([ORDERS_ZH.iloc[:4]] * 30, ignore_index=True)
    big["订单编号"] = [f"O{i}" for i in range(len(big))]
    big.loc[7, "下单时间"] = "2025-02-30"
    big.loc[9, "实付金额"] = "(12.50)"
    big.loc[11, "客户ID"] = "C999"
    src = write_csv(big, tmp_path / "orders_many.csv")
    out = assert_same(tmp_path, [_customers(files), _orders(src, files, max_reject_rate=0.05)])
    rejects = out["rejects"][1][0]
    assert rejects["source_row"].tolist() == ["9", "11", "13"]
    assert "2025-02-30" in rejects["problems"][0]


def test_date_format_and_value_maps(tmp_path, files):
    df = ORDERS_ZH.assign(下单时间=["03/01/2025", "05/01/2025 14:05", "2025-02-01", "1/3/2025", "31/02/2025"])
    mapping = write_text(tmp_path / "fmt.yaml", ORDERS_MAPPING + "date_format: '%d/%m/%Y'\n")
    src = write_csv(df, tmp_path / "fmt.csv")
    assert_same(tmp_path, [_customers(files), _orders(src, files, mapping, max_reject_rate=1.0)])


def test_source_rows_follow_the_file_when_read_in_parallel(tmp_path, files):
    """A CSV large enough for DuckDB to read in parallel keeps its row numbers (rejects, first duplicate kept)."""
    n = 300_000
    ids = [f"O{i}" for i in range(n)]
    later = [150_001, 299_998]  # data rows repeating an earlier order id
    for i in later:
        ids[i] = ids[i - 150_000]
    frame = pd.DataFrame({"订单编号": ids, "客户ID": "C001", "下单时间": "2025-01-03 10:00", "实付金额": "12.50",
                          "渠道": "线上", "是否退货": "否", "备注": "x" * 40})
    src = write_csv(frame, tmp_path / "many.csv")
    store = Store(tmp_path / "s.duckdb")
    ingest_large(store, files["customers"], "customers", "acme", files["customers_map"])
    rep = ingest_large(store, src, "orders", "acme", files["orders_map"], rejects_dir=tmp_path / "rejects")
    rejects = pd.read_csv(rep.rejects_file, dtype=str, encoding="utf-8-sig")
    assert rejects["source_row"].astype(int).tolist() == [i + 2 for i in later]
    assert rejects["订单编号"].tolist() == [ids[i] for i in later]
    kept = store.load("acme", *WIDE).orders
    assert len(kept) == n - len(later) and kept["order_id"].is_unique


_DAY = "orders.order_date: day-first (DD/MM/YYYY), decided from row {}"
_MONTH = "orders.order_date: month-first (MM/DD/YYYY), decided from row {}"


@pytest.mark.parametrize(
    "dates, extra, expected, note",
    [
        (["03/04/2025", "05/06/2025 14:05", "2025-01-07", "23/04/2025", "01/02/2025"], "",
         ["2025-04-03", "2025-06-05 14:05", "2025-01-07", "2025-04-23", "2025-02-01"], _DAY.format("5 '23/04/2025'")),
        (["03/04/2025", "05/06/2025 14:05", "2025-01-07", "04/23/2025", "01/02/2025"], "",
         ["2025-03-04", "2025-05-06 14:05", "2025-01-07", "2025-04-23", "2025-01-02"], _MONTH.format("5 '04/23/2025'")),
        # ISO and other year-first values keep their order in a day-first column
        (["2025-03-04", "2025-04-03 10:00", "2025/3/4", "23/04/2025", "03/04/2025"], "",
         ["2025-03-04", "2025-04-03 10:00", "2025-03-04", "2025-04-23", "2025-04-03"], _DAY.format("5 '23/04/2025'")),
        (["03/04/2025", "05/01/2025 14:05", "2025-01-07", "04/23/2025", "01/02/2025"], "date_format: '%d/%m/%Y'\n",
         ["2025-04-03", "2025-01-05 14:05", "2025-01-07", None, "2025-02-01"], None),
        (["03/04/2025", "05/01/2025 14:05", "2025-01-07", "04/23/2025", "01/02/2025"], "date_format: '%Y/%m/%d'\n",
         ["2025-03-04", "2025-05-01 14:05", "2025-01-07", "2025-04-23", "2025-01-02"], _MONTH.format("5 '04/23/2025'")),
    ],
    ids=["day-first", "month-first", "iso-untouched", "explicit-format", "year-first-format"],
)
def test_day_month_order_is_decided_once_for_the_column(tmp_path, files, dates, extra, expected, note):
    src = write_csv(ORDERS_ZH.assign(下单时间=dates), tmp_path / "dm.csv")
    mapping = write_text(tmp_path / "dm.yaml", ORDERS_MAPPING + extra)
    out = assert_same(tmp_path, [_customers(files), _orders(src, files, mapping, max_reject_rate=1.0)])
    got = out["loaded"][("acme", "orders")].set_index("order_id")["order_date"]
    want = {f"O{i + 1}": pd.Timestamp(x) for i, x in enumerate(expected) if x}
    assert got.to_dict() == want  # with '%d/%m/%Y', '04/23/2025' is no date: that row is rejected
    assert out["reports"][1][6] == ([note] if note else [])


@pytest.mark.parametrize(
    "dates, message",
    [
        (["03/04/2025", "05/06/2025", "2025-01-07", "03/04/2025", "01/02/2025"],
         "dates such as '03/04/2025' (row {0}) and '05/06/2025' (row {1}) read both"),
        (["03/04/2025", "13/06/2025", "2025-01-07", "04/23/2025", "01/02/2025"],
         "conflicting date conventions in one column: row {1} '13/06/2025' can only be day-first (DD/MM/YYYY) "
         "but row {3} '04/23/2025' can only be month-first (MM/DD/YYYY)"),
    ],
    ids=["ambiguous", "conflicting"],
)
def test_ambiguous_or_conflicting_dates_are_refused_the_same_way(tmp_path, files, dates, message):
    csv = write_csv(ORDERS_ZH.assign(下单时间=dates), tmp_path / "dm.csv")
    parquet = tmp_path / "dm.parquet"
    ORDERS_ZH.assign(下单时间=dates).to_parquet(parquet, index=False)
    out = assert_same(tmp_path, [_customers(files), _orders(csv, files), _orders(parquet, files)])
    # source rows: the CSV header is row 1, Parquet rows count from 1
    for err, src, first in zip(out["errors"][1:], (csv, parquet), (2, 1)):
        assert err[0] == "DataError" and message.format(*range(first, first + 5)) in err[1]
        assert f"{src}: table 'orders', column 'order_date' (header '下单时间')" in err[1]


def test_repeated_headers_are_refused_the_same_way(tmp_path, files):
    import pyarrow as pa
    import pyarrow.parquet as pq

    body = ORDERS_ZH.assign(x=ORDERS_ZH["实付金额"]).to_csv(index=False).split("\n", 1)[1]
    literal = tmp_path / "literal.csv"
    literal.write_text("订单编号,客户ID,下单时间,实付金额,渠道,是否退货,实付金额\n" + body, encoding="utf-8")
    spaced = tmp_path / "spaced.csv"
    spaced.write_text("订单编号,客户ID,下单时间,实付金额,渠道,是否退货, 实付金额\n" + body, encoding="gbk")
    parquet = tmp_path / "dup.parquet"
    table = pa.Table.from_pandas(ORDERS_ZH.assign(x=ORDERS_ZH["实付金额"]), preserve_index=False)
    pq.write_table(table.rename_columns([*ORDERS_ZH.columns, "实付金额"]), parquet)
    renamed = write_csv(ORDERS_ZH.assign(amount=["1", "2", "3", "4", "-5"]), tmp_path / "renamed.csv")
    out = assert_same(tmp_path, [_customers(files), *(_orders(p, files) for p in (literal, spaced, parquet, renamed))])
    for err, src in zip(out["errors"][1:4], (literal, spaced, parquet)):
        assert err[0] == "DataError" and f"{src}: repeated column header '实付金额' in columns 4, 7" in err[1]
    assert "two columns would become canonical column 'amount': header '实付金额'" in out["errors"][4][1]


# -- bad inputs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"下单时间": ["2025/1/3", "yesterday", "2025/2/1", "2025/3/1", "2025/3/2"]},
        {"实付金额": ["12", "abc", "1", "2", "3"]},
        {"是否退货": ["否"] * 5},
        {"订单编号": ["O1", "O2", "O2", "O4", "O5"]},
        {"订单编号": ["O1", "O1", "O1", "O4", "O5"]},
        {"客户ID": ["C001", "C999", "C002", "C003", "C004"]},
        {"下单时间": ["2025/1/3", "2099/1/1", "2025/2/1", "2025/3/1", "2025/3/2"]},
        {"订单编号": ["O1", "", " ", "O4", "O5"], "下单时间": ["", "2025/1/3", "n/a", "2025/3/1", "2025/3/2"]},
    ],
    ids=["bad-date", "bad-amount", "negative", "duplicate", "triplicate", "unknown-customer", "future", "empty-required"],
)
def test_bad_rows_are_refused_the_same_way(tmp_path, files, change):
    src = write_csv(ORDERS_ZH.assign(**change), tmp_path / "o.csv")
    out = assert_same(tmp_path, [_customers(files), _orders(src, files)])
    assert out["errors"][1] is not None and out["errors"][1][0] == "DataError"


def test_orders_before_customers_say_load_customers_first(tmp_path, files):
    out = assert_same(tmp_path, [_orders(files["orders"], files)])
    assert "load the customers table first" in out["errors"][0][1]


@pytest.mark.parametrize("content", [b"", "订单编号,客户ID,下单时间,实付金额\n".encode(), b"  \n\n"])
def test_empty_files(tmp_path, files, content):
    src = tmp_path / "empty.csv"
    src.write_bytes(content)
    assert_same(tmp_path, [_customers(files), _orders(src, files)])


def test_mapping_and_file_errors(tmp_path, files):
    missing_col = write_text(tmp_path / "m1.yaml", ORDERS_MAPPING.replace("  amount: 实付金额\n", ""))
    src_no_amount = write_csv(ORDERS_ZH.drop(columns=["实付金额"]), tmp_path / "o.csv")
    wrong_header = write_text(tmp_path / "m2.yaml", ORDERS_MAPPING.replace("amount: 实付金额", "amount: 金额"))
    json = tmp_path / "orders.json"
    json.write_text("[]")
    out = assert_same(
        tmp_path,
        [
            _customers(files),
            _orders(src_no_amount, files, missing_col),
            _orders(files["orders"], files, wrong_header),
            _orders(tmp_path / "nope.csv", files),
            _orders(json, files),
            (files["orders"], "order", "acme", None, {}),
        ],
    )
    assert [e[0] for e in out["errors"][1:]] == ["DataError", "MappingError", "DataError", "DataError", "DataError"]


def test_wrong_declared_encoding(tmp_path, files):
    mapping = write_text(tmp_path / "utf8.yaml", ORDERS_MAPPING.replace("encoding: auto", "encoding: utf-8"))
    out = assert_same(tmp_path, [_customers(files), _orders(files["orders"], files, mapping)])
    assert "cannot decode line" in out["errors"][1][1]


def test_surveys_tickets_costs_and_churn(tmp_path, files):
    surveys = pd.DataFrame({"response_id": ["r1", "r2", "r3", "r4"], "responded_at": ["2025-01-01", "2025-01-02", "2025-01-02", "2025-01-03"],
                            "survey_type": ["nps", "csat", "NPS", "csat"], "score": ["11", "4", "10", "4"],
                            "scale_max": ["", "", "", "3"], "driver_price": ["4", "-1", "", "2"]})
    tickets = pd.DataFrame({"ticket_id": ["t1", "t2", "t3"], "opened_at": ["2025-01-02 10:00", "2025-01-02", "2025-01-03"],
                            "channel": ["Phone", "email", "fax"], "first_response_at": ["2025-01-02 09:00", "2025-01-02", ""],
                            "resolved_at": ["", "2025-01-01", "2025-01-04"], "is_complaint": ["Y", "N", "maybe"]})
    costs = pd.DataFrame({"period_start": ["2025-01", "2025-01", "2025-01", "", ""], "category": ["staff", "staff", "marketing", "", ""],
                          "amount": ["100", "200", "-5", "1", "1"]})
    churn = pd.DataFrame({"customer_id": ["C001", "C001", "C999", "C002"], "churned_at": ["2025-01-01", "2025-01-01", "2025-01-01", "2025-02-01"],
                          "reason": ["price", "price", "x", "y"]})
    steps = [_customers(files)]
    for name, df in [("surveys", surveys), ("tickets", tickets), ("costs", costs), ("churn_events", churn)]:
        steps.append((write_csv(df, tmp_path / f"{name}.csv"), name, "acme", None, {"max_reject_rate": 0.9}))
    assert_same(tmp_path, steps)


def test_failure_cases_are_exposed(tmp_path, files):
    src = write_csv(ORDERS_ZH.assign(订单编号=["O1", "O1", "O1", "O4", "O5"]), tmp_path / "o.csv")
    store = Store(tmp_path / "s.duckdb")
    ingest_large(store, files["customers"], "customers", "acme", files["customers_map"])
    with pytest.raises(DataError, match="duplicate") as info:
        ingest_large(store, src, "orders", "acme", files["orders_map"])
    fc = info.value.failure_cases
    assert sorted(fc.loc[fc["rule"] == "field_uniqueness", "row"].astype(int)) == [1, 2]


def test_progress_callback_and_silence(tmp_path, files, capsys):
    seen = []
    store = Store(tmp_path / "s.duckdb")
    rep = ingest_large(store, files["customers"], "customers", "acme", files["customers_map"],
                       progress=lambda stage, info: seen.append(stage))
    assert rep.written and rep.rows_loaded == 4
    assert seen == ["read", "stage", "validate", "write", "done"]
    assert capsys.readouterr().out == ""


# -- property: random small frames ----------------------------------------------------

_IDS = ["O1", "O2", "O3", " O4", "O5", "", "nan"]
_CUSTOMERS = ["C001", "C002", "C003 ", "C004", "C999", ""]
_DATES = ["2025/1/3", "2025-01-05 14:05", "2025年2月1日", "2025-3-1", "2025/03/02 08:00:01", "2025-02-30", "2099-01-01",
          "yesterday", "", "45717", "2025.4.5", "20250106", "Jan 7 2025", "2025-01-08T09:10:11", "  2025/1/9  ", "NULL",
          "03/04/2025", "23/04/2025", "04/23/2025 10:00", "5.5.25", "13/13/2025"]
_AMOUNTS = ["1", "-20", "￥1,234.50", "¥ 99", "(12.50)", "1 234,50", "12,5", "2.000,00", "abc", "", "1e3", "3%", "USD 7.25",
            "-￥88.00", "1,23", ".5", "7.", "+3", "—"]
_BOOLS = ["是", "否", "Y", "n", "1", "0", "true", "FALSE", "maybe", "", "√", "×"]
_CHANNELS = ["线上", "门店", "应用", "Online", "STORE", "fax", "", "电话"]
_QTY = ["1", "2", "1.5", "-1", "", "x", "3.0"]


@st.composite
def _frames(draw):
    n = draw(st.integers(1, 12))
    cols = {
        "订单编号": st.sampled_from(_IDS), "客户ID": st.sampled_from(_CUSTOMERS), "下单时间": st.sampled_from(_DATES),
        "实付金额": st.sampled_from(_AMOUNTS), "是否退货": st.sampled_from(_BOOLS), "渠道": st.sampled_from(_CHANNELS),
        "数量": st.sampled_from(_QTY),
    }
    return pd.DataFrame({k: draw(st.lists(v, min_size=n, max_size=n)) for k, v in cols.items()})


_PROP_MAPPING = ORDERS_MAPPING.replace("  is_return: 是否退货\n", "  is_return: 是否退货\n  quantity: 数量\n")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=_frames(), fmt=st.sampled_from(["utf-8", "gbk", "parquet"]), decimal=st.sampled_from([".", ","]),
       date_format=st.sampled_from([None, "%Y/%m/%d", "%d/%m/%Y"]))
def test_property_same_rows_values_and_reasons(tmp_path_factory, frame, fmt, decimal, date_format):
    tmp = tmp_path_factory.mktemp("prop")
    customers = write_csv(CUSTOMERS_ZH, tmp / "customers.csv")
    cmap = write_text(tmp / "customers.yaml", CUSTOMERS_MAPPING)
    extra = (f'decimal: "{decimal}"\n' if decimal == "," else "") + (f"date_format: '{date_format}'\n" if date_format else "")
    omap = write_text(tmp / "orders.yaml", _PROP_MAPPING + extra)
    if fmt == "parquet":
        src = tmp / "orders.parquet"
        frame.to_parquet(src, index=False)
    else:
        if fmt == "gbk":  # GBK has the full-width yuan sign only, as Chinese Windows exports write it
            frame = frame.replace("¥", "￥", regex=True)
        src = write_csv(frame, tmp / "orders.csv", fmt)
    steps = [(customers, "customers", "acme", cmap, {}), (src, "orders", "acme", omap, {"max_reject_rate": 1.0})]
    assert_same(tmp, steps, check_unchanged=False)
