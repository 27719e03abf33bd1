"""Ingest round trips and the catalogue of bad inputs.

Every bad input must produce a message naming the problem (file, column,
row where relevant) and leave the store exactly as it was.
"""

from __future__ import annotations


import pandas as pd
import pytest
from click.testing import CliRunner

from crmkit.cli import cli
from crmkit.errors import DataError, MappingError
from crmkit.ingest import prepare
from crmkit.store import Store

from .helpers import EXPECTED_AMOUNTS, ORDERS_MAPPING, ORDERS_ZH, store_snapshot, write_csv, write_text


def _amounts(st: Store) -> dict[str, float]:
    d = st.load("acme", "2025-01-01", "2025-12-31")
    return dict(zip(d.orders["order_id"], d.orders["amount"]))


# -- round trips --------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_round_trip_with_chinese_headers(store, exports, tmp_path, encoding):
    src = write_csv(ORDERS_ZH, tmp_path / f"orders-{encoding}.csv", encoding)
    rep = store.ingest(src, "orders", "acme", exports["orders_map"])
    assert rep.rows_in == 5 and rep.rows_loaded == 5 and rep.rows_rejected == 0
    assert _amounts(store) == EXPECTED_AMOUNTS
    d = store.load("acme", "2025-01-01", "2025-12-31")
    o = d.orders.set_index("order_id")
    assert o.loc["O2", "order_date"] == pd.Timestamp("2025-01-05 14:05")
    assert o.loc["O3", "order_date"] == pd.Timestamp("2025-02-01")
    assert o.loc["O2", "channel"] == "store" and o.loc["O4", "channel"] == "app"
    assert bool(o.loc["O5", "is_return"]) is True and bool(o.loc["O1", "is_return"]) is False
    c = d.customers.set_index("customer_id")
    assert c.loc["C002", "customer_type"] == "enterprise" and c.loc["C004", "customer_type"] == "sme"
    assert c.loc["C002", "signup_date"] == pd.Timestamp("2024-02-05")


def test_semicolon_delimited_csv_is_sniffed(store, exports, tmp_path):
    src = tmp_path / "orders_semicolon.csv"
    src.write_text(ORDERS_ZH.to_csv(index=False, sep=";"), encoding="utf-8")
    store.ingest(src, "orders", "acme", exports["orders_map"])
    assert _amounts(store) == EXPECTED_AMOUNTS


def test_excel_round_trip_sheet_by_name(store, tmp_path):
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"说明": ["cover sheet"]}).to_excel(xw, sheet_name="封面", index=False)
        frame = ORDERS_ZH.copy()
        frame["下单时间"] = [pd.Timestamp("2025-01-03"), pd.Timestamp("2025-01-05 14:05"), pd.Timestamp("2025-02-01"),
                         45717.0, pd.Timestamp("2025-03-02")]  # one Excel serial date (2025-03-01)
        frame.to_excel(xw, sheet_name="订单", index=False)
    mapping = write_text(tmp_path / "orders_xlsx.yaml", ORDERS_MAPPING + "sheet: 订单\n")
    rep = store.ingest(path, "orders", "acme", mapping)
    assert rep.rows_loaded == 5
    d = store.load("acme", "2025-01-01", "2025-12-31").orders.set_index("order_id")
    assert d.loc["O4", "order_date"] == pd.Timestamp("2025-03-01")
    assert _amounts(store) == EXPECTED_AMOUNTS


def test_parquet_round_trip(store, exports, tmp_path):
    path = tmp_path / "orders.parquet"
    ORDERS_ZH.to_parquet(path)
    store.ingest(path, "orders", "acme", exports["orders_map"])
    assert _amounts(store) == EXPECTED_AMOUNTS


def test_amount_scale_for_cents(store, tmp_path):
    df = ORDERS_ZH.assign(实付金额=["123450", "9900", "200000", "1550", "-2000"])
    src = write_csv(df, tmp_path / "cents.csv")
    mapping = write_text(tmp_path / "cents.yaml", ORDERS_MAPPING + "amount_scale: 0.01\n")
    store.ingest(src, "orders", "acme", mapping)
    assert _amounts(store) == pytest.approx(EXPECTED_AMOUNTS)


def test_decimal_comma_needs_explicit_option(store, tmp_path):
    df = ORDERS_ZH.assign(实付金额=["1 234,50", "99", "2.000,00", "15,5", "-20"])
    src = write_csv(df, tmp_path / "eu.csv")
    before = store_snapshot(store.path)
    with pytest.raises(DataError, match=r"cannot read '1 234,50' as an amount.*decimal"):
        store.ingest(src, "orders", "acme", write_text(tmp_path / "eu.yaml", ORDERS_MAPPING))
    assert store_snapshot(store.path) == before
    store.ingest(src, "orders", "acme", write_text(tmp_path / "eu2.yaml", ORDERS_MAPPING + 'decimal: ","\n'))
    assert _amounts(store) == EXPECTED_AMOUNTS


def test_append_deduplicates_on_primary_key(store, exports, tmp_path):
    store.ingest(exports["orders"], "orders", "acme", exports["orders_map"])
    more = pd.DataFrame({"订单编号": ["O5", "O6"], "客户ID": ["C004", "C001"], "下单时间": ["2025/3/2", "2025/3/9"],
                         "实付金额": ["-25", "10"], "渠道": ["线上", "线上"], "是否退货": ["是", "否"]})
    src = write_csv(more, tmp_path / "more.csv")
    rep = store.ingest(src, "orders", "acme", exports["orders_map"], mode="append")
    assert rep.rows_loaded == 2
    amounts = _amounts(store)
    assert len(amounts) == 6 and amounts["O5"] == -25.0 and amounts["O6"] == 10.0 and amounts["O1"] == 1234.5


def test_replace_only_touches_its_company(store, exports):
    store.ingest(exports["customers"], "customers", "other", exports["customers_map"])
    store.ingest(exports["orders"], "orders", "acme", exports["orders_map"])
    store.ingest(exports["orders"], "orders", "acme", exports["orders_map"])
    assert len(store.load("acme", "2025-01-01", "2025-12-31").orders) == 5
    assert store.companies() == ["acme", "other"]


def test_ingest_log_and_fingerprint(store, exports):
    fp0 = store.fingerprint("acme")
    store.ingest(exports["orders"], "orders", "acme", exports["orders_map"])
    log = store.ingest_log("acme")
    assert list(log["table"]) == ["customers", "orders"]
    row = log.iloc[-1]
    assert (row["rows_in"], row["rows_loaded"], row["rows_rejected"]) == (5, 5, 0)
    assert len(row["sha256"]) == 64 and row["crmkit_version"]
    assert store.fingerprint("acme") != fp0


def test_rejected_rows_go_to_rejects_file_with_reason_and_row(store, exports, tmp_path):
    big = pd.concat([ORDERS_ZH.iloc[:4]] * 30, ignore_index=True)
    big["订单编号"] = [f"O{i}" for i in range(len(big))]
    big.loc[7, "下单时间"] = "2025-02-30"  # not a date
    src = write_csv(big, tmp_path / "orders_many.csv")
    rep = store.ingest(src, "orders", "acme", exports["orders_map"], max_reject_rate=0.05)
    assert (rep.rows_in, rep.rows_loaded, rep.rows_rejected) == (120, 119, 1)
    rejects = pd.read_csv(rep.rejects_file, encoding="utf-8-sig", dtype=str)
    assert rejects["source_row"].tolist() == ["9"]  # header is row 1, data row index 7 is row 9
    assert "order_date" in rejects["problems"][0] and "2025-02-30" in rejects["problems"][0]
    assert rejects["订单编号"].tolist() == ["O7"]
    assert "1 ×" in str(rep) and "source rows 9" in str(rep)


# -- bad inputs: clear message, store unchanged -------------------------------

def _refused(st: Store, exc, pattern: str, *args, **kw):
    before = store_snapshot(st.path)
    with pytest.raises(exc, match=pattern) as info:
        st.ingest(*args, **kw)
    assert store_snapshot(st.path) == before, "a failed ingest changed the store"
    return info.value


def test_missing_required_column(store, tmp_path):
    src = write_csv(ORDERS_ZH.drop(columns=["实付金额"]), tmp_path / "o.csv")
    mapping = write_text(tmp_path / "m.yaml", ORDERS_MAPPING.replace("  amount: 实付金额\n", ""))
    e = _refused(store, DataError, r"required column\(s\) amount", src, "orders", "acme", mapping)
    assert "o.csv" in str(e) and "Headers found" in str(e)


def test_mapping_names_header_not_in_file(store, exports, tmp_path):
    mapping = write_text(tmp_path / "m.yaml", ORDERS_MAPPING.replace("amount: 实付金额", "amount: 金额"))
    e = _refused(store, MappingError, r"'金额', which is not in the source", exports["orders"], "orders", "acme", mapping)
    assert "实付金额" in str(e)  # lists the headers that exist


def test_unparseable_date(store, exports, tmp_path):
    src = write_csv(ORDERS_ZH.assign(下单时间=["2025/1/3", "yesterday", "2025/2/1", "2025/3/1", "2025/3/2"]), tmp_path / "o.csv")
    e = _refused(store, DataError, r"order_date: cannot read 'yesterday' as a date.*source rows 3", src, "orders", "acme",
                 exports["orders_map"])
    assert "store was not changed" in str(e)


def test_text_in_amount(store, exports, tmp_path):
    src = write_csv(ORDERS_ZH.assign(实付金额=["12", "abc", "1", "2", "3"]), tmp_path / "o.csv")
    _refused(store, DataError, r"amount: cannot read 'abc' as an amount.*source rows 3", src, "orders", "acme",
             exports["orders_map"])


def test_negative_amount_not_a_return(store, exports, tmp_path):
    src = write_csv(ORDERS_ZH.assign(是否退货=["否"] * 5), tmp_path / "o.csv")
    _refused(store, DataError, r"negative amount on a row that is not marked as a return.*source rows 6", src,
             "orders", "acme", exports["orders_map"])


def test_duplicate_primary_key(store, exports, tmp_path):
    src = write_csv(ORDERS_ZH.assign(订单编号=["O1", "O2", "O2", "O4", "O5"]), tmp_path / "o.csv")
    _refused(store, DataError, r"order_id: duplicate primary key.*source rows 4", src, "orders", "acme",
             exports["orders_map"])


def test_order_for_unknown_customer(store, exports, tmp_path):
    src = write_csv(ORDERS_ZH.assign(客户ID=["C001", "C999", "C002", "C003", "C004"]), tmp_path / "o.csv")
    _refused(store, DataError, r"customer_id not found in customers.*source rows 3", src, "orders", "acme",
             exports["orders_map"])


def test_orders_before_customers_says_load_customers_first(tmp_path, exports):
    st = Store(tmp_path / "fresh.duckdb")
    _refused(st, DataError, r"load the customers table first", exports["orders"], "orders", "acme", exports["orders_map"])


@pytest.mark.parametrize("content", [b"", "订单编号,客户ID,下单时间,实付金额\n".encode()])
def test_empty_file(store, exports, tmp_path, content):
    src = tmp_path / "empty.csv"
    src.write_bytes(content)
    _refused(store, DataError, r"empty\.csv (is empty|has a header but no data rows)", src, "orders", "acme",
             exports["orders_map"])


def test_unknown_table_name(store, exports):
    _refused(store, DataError, r"Unknown table 'order'\. Canonical tables are: customers, orders", exports["orders"],
             "order", "acme")


def test_malformed_mapping_yaml(store, exports, tmp_path):
    bad = write_text(tmp_path / "bad.yaml", "table: orders\ncolumns:\n  order_id: 订单编号\n   amount: [unclosed\n")
    _refused(store, MappingError, r"bad\.yaml is not valid YAML at line \d+", exports["orders"], "orders", "acme", bad)


def test_mapping_with_unknown_key_and_misspelt_column(store, exports, tmp_path):
    m1 = write_text(tmp_path / "m1.yaml", ORDERS_MAPPING + "sheeet: 1\n")
    _refused(store, MappingError, r"m1\.yaml is invalid: sheeet: Extra inputs are not permitted", exports["orders"],
             "orders", "acme", m1)
    m2 = write_text(tmp_path / "m2.yaml", ORDERS_MAPPING.replace("amount: 实付金额", "amout: 实付金额"))
    _refused(store, MappingError, r"columns\.amout is not a column of table 'orders'\. Did you mean 'amount'", exports["orders"],
             "orders", "acme", m2)


def test_file_not_found(store, exports, tmp_path):
    _refused(store, DataError, r"File not found: .*nope\.csv", tmp_path / "nope.csv", "orders", "acme", exports["orders_map"])


def test_unsupported_file_type(store, exports, tmp_path):
    src = tmp_path / "orders.json"
    src.write_text("[]")
    _refused(store, DataError, r"unsupported file type '\.json'", src, "orders", "acme", exports["orders_map"])


def test_survey_score_outside_scale_and_ticket_times_out_of_order(store, tmp_path):
    surveys = pd.DataFrame({"response_id": ["r1", "r2"], "responded_at": ["2025-01-01", "2025-01-02"],
                            "survey_type": ["nps", "csat"], "score": ["11", "4"]})
    _refused(store, DataError, r"score outside 0\.\.scale_max.*source rows 2", write_csv(surveys, tmp_path / "s.csv"),
             "surveys", "acme")
    tickets = pd.DataFrame({"ticket_id": ["t1", "t2"], "opened_at": ["2025-01-02 10:00", "2025-01-02"],
                            "channel": ["phone", "email"], "first_response_at": ["2025-01-02 09:00", "2025-01-02"]})
    _refused(store, DataError, r"timestamps out of order.*source rows 2", write_csv(tickets, tmp_path / "t.csv"),
             "tickets", "acme")


def test_date_in_the_future(store, exports, tmp_path):
    src = write_csv(ORDERS_ZH.assign(下单时间=["2025/1/3", "2099/1/1", "2025/2/1", "2025/3/1", "2025/3/2"]), tmp_path / "o.csv")
    _refused(store, DataError, r"order_date.*future.*source rows 3", src, "orders", "acme", exports["orders_map"])


def test_validate_changes_nothing(store, exports):
    before = store_snapshot(store.path)
    prep = prepare(exports["orders"], "orders", exports["orders_map"], known_customers=store.known_customers("acme"))
    assert prep.report().rows_rejected == 0 and len(prep.clean) == 5
    assert store_snapshot(store.path) == before


def test_pandera_failure_cases_are_exposed(store, exports, tmp_path):
    src = write_csv(ORDERS_ZH.assign(订单编号=["O1", "O1", "O1", "O4", "O5"]), tmp_path / "o.csv")
    e = _refused(store, DataError, "duplicate", src, "orders", "acme", exports["orders_map"])
    fc = e.failure_cases
    assert isinstance(fc, pd.DataFrame) and sorted(fc.loc[fc["rule"] == "field_uniqueness", "row"].astype(int)) == [1, 2]


@pytest.mark.parametrize("engine", ["pandas", "sql"])
def test_both_engines_load_the_same_rows(store, exports, engine):
    rep = store.ingest(exports["orders"], "orders", "acme", exports["orders_map"], engine=engine)
    assert rep.rows_loaded == 5 and rep.written
    assert _amounts(store) == EXPECTED_AMOUNTS
    assert store.ingest_log("acme")["table"].tolist() == ["customers", "orders"]


def test_auto_engine_picks_sql_for_large_files(store, exports, monkeypatch):
    import crmkit.ingest.duck as ingest_sql
    import crmkit.store.database as store_module

    called = []
    real = ingest_sql.ingest_large
    monkeypatch.setattr(ingest_sql, "ingest_large", lambda *a, **k: called.append(a[1]) or real(*a, **k))
    store.ingest(exports["orders"], "orders", "acme", exports["orders_map"])
    assert called == []  # small file: pandas path
    monkeypatch.setattr(store_module, "LARGE_FILE_BYTES", 10)
    store.ingest(exports["orders"], "orders", "acme", exports["orders_map"])
    assert called == [exports["orders"]] and _amounts(store) == EXPECTED_AMOUNTS


# -- dates written day/month: one order per column, decided once --------------------------------

def _orders_dated(tmp_path, dates, name="o.csv"):
    return write_csv(ORDERS_ZH.assign(下单时间=dates), tmp_path / name)


def test_ambiguous_day_month_column_is_refused_with_the_fix(store, tmp_path):
    src = _orders_dated(tmp_path, ["03/04/2025", "05/06/2025", "2025-01-07", "03/04/2025", "01/02/2025"])
    mapping = write_text(tmp_path / "m.yaml", ORDERS_MAPPING)
    e = _refused(store, DataError, "date_format", src, "orders", "acme", mapping)
    msg = str(e)
    assert str(src) in msg and "table 'orders'" in msg and "column 'order_date' (header '下单时间')" in msg
    assert "'03/04/2025' (row 2) and '05/06/2025' (row 3)" in msg
    assert str(mapping) in msg and "'%d/%m/%Y'" in msg and "'%m/%d/%Y'" in msg
    # the same file loads once the mapping says how the dates are written
    rep = store.ingest(src, "orders", "acme", write_text(tmp_path / "m2.yaml", ORDERS_MAPPING + "date_format: '%d/%m/%Y'\n"))
    o = store.load("acme", "2025-01-01", "2025-12-31").orders.set_index("order_id")["order_date"]
    assert o["O1"] == pd.Timestamp("2025-04-03") and o["O2"] == pd.Timestamp("2025-06-05") and rep.warnings == []


@pytest.mark.parametrize(
    "proof, expected, order",
    [("23/04/2025", ["2025-04-03", "2025-06-05 14:05", "2025-01-07", "2025-04-23", "2025-02-01"], "day-first (DD/MM/YYYY)"),
     ("04/23/2025", ["2025-03-04", "2025-05-06 14:05", "2025-01-07", "2025-04-23", "2025-01-02"], "month-first (MM/DD/YYYY)")],
    ids=["day-first", "month-first"],
)
def test_one_proving_row_decides_the_whole_column(store, exports, tmp_path, proof, expected, order):
    src = _orders_dated(tmp_path, ["03/04/2025", "05/06/2025 14:05", "2025-01-07", proof, "01/02/2025"])
    rep = store.ingest(src, "orders", "acme", exports["orders_map"])
    o = store.load("acme", "2025-01-01", "2025-12-31").orders.set_index("order_id")["order_date"]
    assert o[["O1", "O2", "O3", "O4", "O5"]].tolist() == [pd.Timestamp(x) for x in expected]
    note = f"orders.order_date: {order}, decided from row 5 '{proof}'"
    assert rep.warnings == [note] and f"note: {note}" in str(rep)


def test_conflicting_day_month_column_is_refused(store, exports, tmp_path):
    src = _orders_dated(tmp_path, ["03/04/2025", "13/06/2025", "2025-01-07", "04/23/2025", "01/02/2025"])
    e = _refused(store, DataError, "conflicting date conventions", src, "orders", "acme", exports["orders_map"])
    assert "column 'order_date'" in str(e) and "row 3 '13/06/2025'" in str(e) and "row 5 '04/23/2025'" in str(e)


def test_iso_dates_are_never_ambiguous(store, exports, tmp_path):
    iso = _orders_dated(tmp_path, ["2025-03-04", "2025-04-03", "2025/3/4", "2025-01-02 10:00", "2025年3月4日"])
    assert prepare(iso, "orders", exports["orders_map"]).warnings == []  # nothing to decide, nothing refused
    # in a column proven day-first, ISO and other year-first values keep their order
    src = _orders_dated(tmp_path, ["2025-03-04", "2025-04-03", "2025/3/4", "23/04/2025", "03/04/2025"], "mixed.csv")
    store.ingest(src, "orders", "acme", exports["orders_map"])
    o = store.load("acme", "2025-01-01", "2025-12-31").orders.set_index("order_id")["order_date"]
    assert o.tolist() == [pd.Timestamp(x) for x in ("2025-03-04", "2025-04-03", "2025-03-04", "2025-04-23", "2025-04-03")]


def _cli(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_refuses_an_ambiguous_column_with_exit_2(store, exports, tmp_path):
    src = _orders_dated(tmp_path, ["03/04/2025", "05/06/2025", "2025-01-07", "03/04/2025", "01/02/2025"])
    before = store_snapshot(store.path)
    for cmd in ("validate", "ingest"):
        res = _cli(cmd, src, "-t", "orders", "-m", exports["orders_map"], "--store", store.path,
                   *(["-c", "acme"] if cmd == "ingest" else []))
        assert res.exit_code == 2, res.output
        assert "'03/04/2025' (row 2) and '05/06/2025' (row 3)" in res.output and "date_format" in res.output
        assert "Traceback" not in res.output
    assert store_snapshot(store.path) == before
    ok = _orders_dated(tmp_path, ["03/04/2025", "05/06/2025", "2025-01-07", "23/04/2025", "01/02/2025"], "ok.csv")
    res = _cli("validate", ok, "-t", "orders", "-m", exports["orders_map"])
    assert res.exit_code == 0 and "note: orders.order_date: day-first (DD/MM/YYYY), decided from row 5 '23/04/2025'" in res.output


# -- repeated headers ----------------------------------------------------------------------------

def _with_header_row(tmp_path, header: str, name="dup.csv"):
    body = ORDERS_ZH.assign(额外=ORDERS_ZH["实付金额"]).to_csv(index=False).split("\n", 1)[1]
    path = tmp_path / name
    path.write_text(header + "\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("repeat", ["实付金额", " 实付金额 "], ids=["literal", "spaces"])
def test_repeated_header_in_the_file_is_refused(store, exports, tmp_path, repeat):
    src = _with_header_row(tmp_path, f"订单编号,客户ID,下单时间,实付金额,渠道,是否退货,{repeat}")
    e = _refused(store, DataError, r"repeated column header '实付金额' in columns 4, 7", src, "orders", "acme",
                 exports["orders_map"])
    assert str(src) in str(e)
    for cmd in ("validate", "ingest"):
        res = _cli(cmd, src, "-t", "orders", "-c", "acme", "-m", exports["orders_map"], "--store", store.path)
        assert res.exit_code == 2 and "repeated column header '实付金额'" in res.output and "Traceback" not in res.output


def test_repeated_header_in_excel_and_parquet_is_refused(store, exports, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    xlsx = tmp_path / "dup.xlsx"
    frame = ORDERS_ZH.assign(x=ORDERS_ZH["实付金额"])
    frame.to_excel(xlsx, index=False)
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    wb.active.cell(row=1, column=7).value = "实付金额"
    wb.save(xlsx)
    _refused(store, DataError, r"dup\.xlsx \[sheet .*\]: repeated column header '实付金额' in columns 4, 7", xlsx,
             "orders", "acme", exports["orders_map"])
    table = pa.Table.from_pandas(frame, preserve_index=False).rename_columns([*ORDERS_ZH.columns, "实付金额"])
    pq.write_table(table, tmp_path / "dup.parquet")
    _refused(store, DataError, r"dup\.parquet: repeated column header '实付金额' in columns 4, 7", tmp_path / "dup.parquet",
             "orders", "acme", exports["orders_map"])


def test_mapping_rename_onto_an_existing_header_is_refused(store, exports, tmp_path):
    src = write_csv(ORDERS_ZH.assign(amount=["1", "2", "3", "4", "-5"]), tmp_path / "o.csv")
    e = _refused(store, DataError, r"two columns would become canonical column 'amount': header '实付金额'", src,
                 "orders", "acme", exports["orders_map"])
    assert str(src) in str(e) and "header 'amount'" in str(e) and str(exports["orders_map"]) in str(e)
    res = _cli("validate", src, "-t", "orders", "-m", exports["orders_map"])
    assert res.exit_code == 2 and "canonical column 'amount'" in res.output and "Traceback" not in res.output
