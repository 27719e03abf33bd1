"""Raw exports: formats, encodings, mappings, manifest and planted dirty rows."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest
import yaml

from crmkit.demo import DIRTY_ROWS

DIRTY_ORDER_IDS = {"HMOX000001", "HMOX000002", "HMOX000003", "HMOX000004", "HMOX000005"}


@pytest.fixture(scope="module")
def manifest(exported):
    return yaml.safe_load(exported.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def root(exported):
    return exported.parent


def _entry(manifest, company, table):
    (e,) = [e for e in manifest["exports"] if e["company"] == company and e["table"] == table]
    return e


def _mapping(root, e):
    return yaml.safe_load((root / e["mapping"]).read_text(encoding="utf-8"))


def test_manifest_lists_every_table(manifest, root, demo):
    entries = manifest["exports"]
    for company, tables in demo.items():
        listed = [e["table"] for e in entries if e["company"] == company]
        assert sorted(listed) == sorted(tables), company
        assert listed.index("customers") < listed.index("orders")
        assert listed[0] == "customers"
    for e in entries:
        assert (root / e["source"]).is_file()
        m = _mapping(root, e)
        assert m["table"] == e["table"]
        assert set(m) <= {"table", "encoding", "sheet", "columns", "values", "amount_scale",
                          "decimal", "date_format"}
        assert m["amount_scale"] in (1, 0.01)
    assert manifest["dirty_rows"] == DIRTY_ROWS


def test_gbk_orders_file(manifest, root):
    e = _entry(manifest, "huamei", "orders")
    raw = (root / e["source"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    assert text.startswith("订单编号,客户ID,下单时间,实付金额")
    assert "￥1," in text and "线上" in text and ",是," in text
    assert _mapping(root, e)["encoding"] == "gbk"


def test_bom_excel_parquet_and_cents(manifest, root):
    e = _entry(manifest, "huamei", "customers")
    assert (root / e["source"]).read_bytes().startswith(b"\xef\xbb\xbf")
    assert _mapping(root, e)["encoding"] == "utf-8-sig"
    book = root / _entry(manifest, "jinghong", "orders")["source"]
    assert book.suffix == ".xlsx"
    assert pd.ExcelFile(book).sheet_names == ["客户", "订单", "工单"]
    for table in ("customers", "orders", "tickets"):
        assert _entry(manifest, "jinghong", table)["source"] == str(book.relative_to(root))
    assert any(e["source"].endswith(".parquet") for e in manifest["exports"])
    cm = _mapping(root, _entry(manifest, "huamei", "costs"))
    assert cm["amount_scale"] == 0.01
    assert any(e["source"].endswith(".csv") and _mapping(root, e)["columns"].get("order_id")
               == "invoice_no" for e in manifest["exports"])


def _read(root, e) -> pd.DataFrame:
    m = _mapping(root, e)
    src = root / e["source"]
    if src.suffix == ".csv":
        return pd.read_csv(src, encoding=m["encoding"], dtype=str, keep_default_na=False)
    if src.suffix == ".xlsx":
        return pd.read_excel(src, sheet_name=m["sheet"], dtype=str, keep_default_na=False)
    return pd.read_parquet(src)


def test_dirty_rows_exactly_as_documented(manifest, root, demo):
    o = demo["huamei"]["orders"]
    raw = _read(root, _entry(manifest, "huamei", "orders"))
    assert len(raw) == len(o) + 7
    assert len(raw) - len(o) < 0.01 * len(o)
    dates = pd.to_datetime(raw["下单时间"], format="%Y-%m-%d %H:%M", errors="coerce")
    assert set(raw.loc[dates.isna(), "订单编号"]) == {"HMOX000001", "HMOX000002"}
    assert raw["订单编号"].duplicated().sum() == 2
    dup = raw[raw["订单编号"].duplicated(keep=False)]
    assert len(dup.drop_duplicates()) == 2, "duplicates are exact copies"
    amount = raw["实付金额"].str.replace("[￥,]", "", regex=True).astype(float)
    neg = raw[(amount < 0) & (raw["是否退货"] == "否")]
    assert list(neg["订单编号"]) == ["HMOX000003"]
    customers = set(demo["huamei"]["customers"]["customer_id"])
    unknown = raw[~raw["客户ID"].isin(customers)]
    assert set(unknown["订单编号"]) == {"HMOX000004", "HMOX000005"}
    # removing the planted rows leaves exactly the clean frame
    clean = raw[~raw["订单编号"].isin(DIRTY_ORDER_IDS)].drop_duplicates()
    assert len(clean) == len(o)
    assert list(clean["订单编号"]) == list(o["order_id"])
    got = clean["实付金额"].str.replace("[￥,]", "", regex=True).astype(float).to_numpy()
    pdt.assert_series_equal(pd.Series(got), o["amount"].reset_index(drop=True),
                            check_names=False)

    s = _read(root, _entry(manifest, "huamei", "surveys"))
    bad = s[s["Score"] > s["ScaleMax"]]
    assert list(bad["ResponseID"]) == ["HMSX000001"]
    assert len(s) == len(demo["huamei"]["surveys"]) + 1

    t = _read(root, _entry(manifest, "huamei", "tickets"))
    opened = pd.to_datetime(t["创建时间"])
    resolved = pd.to_datetime(t["解决时间"].replace("", None))
    assert list(t.loc[resolved < opened, "工单编号"]) == ["HMTX000001"]
    assert len(t) == len(demo["huamei"]["tickets"]) + 1

    # the documented counts match, and no other file carries dirty rows
    total = {(d["company"], d["table"]): 0 for d in DIRTY_ROWS}
    for d in DIRTY_ROWS:
        total[(d["company"], d["table"])] += d["count"]
    assert total == {("huamei", "orders"): 7, ("huamei", "surveys"): 1, ("huamei", "tickets"): 1}
    for e in manifest["exports"]:
        if (e["company"], e["table"]) not in total:
            assert len(_read(root, e)) == len(demo[e["company"]][e["table"]]), e


def test_values_and_dates_round_trip(manifest, root, demo):
    """Applying a mapping to a clean export reproduces the canonical frame."""
    e = _entry(manifest, "jinghong", "customers")
    m = _mapping(root, e)
    raw = _read(root, e)
    want = demo["jinghong"]["customers"]
    inv = {v: k for k, v in m["columns"].items()}
    df = raw.rename(columns=inv)
    for col, vals in m["values"].items():
        df[col] = df[col].map(lambda x, v=vals: v.get(x) if x != "" else None)
        assert df[col].fillna("").tolist() == want[col].fillna("").tolist(), col
    signup = pd.to_datetime(df["signup_date"], format=m["date_format"])
    assert (signup.to_numpy() == want["signup_date"].to_numpy()).all()

    e = _entry(manifest, "huamei", "costs")
    m = _mapping(root, e)
    raw = _read(root, e)
    amount = raw[m["columns"]["amount"]].astype(float) * m["amount_scale"]
    assert amount.sum() == pytest.approx(demo["huamei"]["costs"]["amount"].sum(), rel=1e-9)
    assert set(raw[m["columns"]["category"]]) <= set(m["values"]["category"])


def test_write_is_deterministic(tmp_path, demo, exported):
    from crmkit.demo import write_exports

    sub = {"huamei": {k: demo["huamei"][k] for k in ("customers", "orders")}}
    a = write_exports(sub, tmp_path / "a").parent
    b = write_exports(sub, tmp_path / "b").parent
    for f in sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file()):
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
