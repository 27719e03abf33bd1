"""Large demo exports (millions of orders) written in bounded memory.

:func:`write_large_exports` streams one synthetic retail company (``large``,
prefix ``LG``) with an exact number of customers and orders to Parquet
(pyarrow ``ParquetWriter``) and CSV files with Chinese headers and labels,
plus one mapping YAML per file and a manifest per format, in the style of
:func:`crmkit.demo.write_exports`.  It is what the scale benchmarks ingest.

Model
-----
Customers sign up over the year before ``start`` and the window
``[start, end]`` (growing acquisition).  Each has a Gamma-distributed
purchase rate, an exponential lifetime and a log-normal spend level; the
orders of a unit of customers are allocated to them in proportion to rate ×
active days (a multinomial draw), with order times uniform over each
customer's active span, log-normal amounts around the customer's level, 2 %
returns (negative amounts with ``is_return``), quantities, discounts and
margins.  This is BG/NBD-like heterogeneity at a fraction of the cost of the
behavioural simulator in :mod:`crmkit.demo.generate`.

Determinism
-----------
Customers are simulated in fixed units of :data:`UNIT` customers; every unit
draws from its own generator derived from ``(seed, "large", unit)`` and gets
exactly ``floor(orders * c1 / customers) - floor(orders * c0 / customers)``
orders, where ``[c0, c1)`` are its customer numbers.  The output therefore
does not depend on ``block_customers`` (how many customers are held in memory
at once) nor on how the files are chunked: :func:`iter_large` streamed in
small blocks concatenates to exactly :func:`generate_large`.

Run it as ``python -m crmkit.demo.large --customers 1000000 --orders 10000000
--exports /tmp/large``.
"""

from __future__ import annotations

import argparse
import codecs
import os
import pathlib
import zlib
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

from crmkit.demo.exports import ZH_LABELS

__all__ = ["write_large_exports", "iter_large", "generate_large", "COMPANY", "UNIT", "ORDERS_HEADERS",
           "CUSTOMERS_HEADERS"]

COMPANY = "large"
PREFIX = "LG"
#: Customers per generator unit (the unit of randomness).
UNIT = 1_000

CUSTOMERS_HEADERS: dict[str, str] = {
    "customer_id": "会员编号", "signup_date": "注册日期", "customer_type": "客户类型", "gender": "性别",
    "birth_year": "出生年份", "region": "所在大区", "acquisition_channel": "获客渠道",
    "acquisition_cost": "获客成本", "loyalty_tier": "会员等级",
}
ORDERS_HEADERS: dict[str, str] = {
    "order_id": "订单编号", "customer_id": "客户ID", "order_date": "下单时间", "amount": "实付金额",
    "quantity": "数量", "product_id": "商品编号", "category": "品类", "channel": "渠道",
    "discount": "优惠金额", "coupon_code": "优惠券码", "points_redeemed": "积分抵扣",
    "campaign_id": "活动编号", "is_return": "是否退货", "gross_margin": "毛利",
}
_CUSTOMER_TYPES = (("individual", 0.85), ("sme", 0.12), ("enterprise", 0.03))
_GENDERS = (("female", 0.58), ("male", 0.42))
_REGIONS = (("east", 0.36), ("south", 0.22), ("north", 0.14), ("central", 0.1), ("southwest", 0.1),
            ("northwest", 0.04), ("northeast", 0.04))
_ACQ = (("online_ads", 0.35, 80.0), ("search", 0.2, 60.0), ("referral", 0.15, 20.0), ("store", 0.2, 40.0),
        ("app_store", 0.1, 50.0))
_TIERS = (("basic", 0.6), ("silver", 0.25), ("gold", 0.12), ("platinum", 0.03))
_CHANNELS = (("online", 0.5), ("store", 0.25), ("app", 0.2), ("phone", 0.05))
_CATEGORIES = (("apparel", 0.3), ("beauty", 0.2), ("food", 0.2), ("home", 0.15), ("electronics", 0.15))
_N_PRODUCTS = 500
_ORDER_DATE_FORMAT = "%Y-%m-%d %H:%M"


def _rng(seed: int, unit: int) -> np.random.Generator:
    ss = np.random.SeedSequence([int(seed), zlib.crc32(COMPANY.encode()), int(unit)])
    return np.random.default_rng(ss)


def _pick(rng: np.random.Generator, table, n: int) -> np.ndarray:
    p = np.array([x[1] for x in table], dtype=float)
    return rng.choice(len(table), size=n, p=p / p.sum())


def _codes(table) -> pa.Array:
    return pa.array([x[0] for x in table], pa.string())


def _products(seed: int) -> tuple[pa.Array, np.ndarray]:
    rng = _rng(seed, 0)
    ids = pa.array([f"{PREFIX}P{i + 1:05d}" for i in range(_N_PRODUCTS)], pa.string())
    return ids, _pick(rng, _CATEGORIES, _N_PRODUCTS)


def _ids(prefix: str, first: int, n: int, width: int) -> pa.Array:
    num = pc.cast(pa.array(np.arange(first, first + n, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(num, width, "0"), "")


def _unit(seed: int, u: int, c0: int, c1: int, n_orders: int, o0: int, t0: np.datetime64, days: float,
          start_day: float, products: tuple[pa.Array, np.ndarray]) -> tuple[dict, dict]:
    """Customers ``[c0, c1)`` and their *n_orders* orders, numbered from *o0*."""
    rng = _rng(seed, u + 1)
    n = c1 - c0
    # signup: 15 % in the history year, the rest in the window with growing acquisition
    hist = rng.random(n) < 0.15
    signup = np.where(hist, rng.random(n) * start_day,
                      start_day + (days - start_day) * np.sqrt(rng.random(n)))
    signup = np.minimum(signup, days - 1.0 / 1440)
    ctype = _pick(rng, _CUSTOMER_TYPES, n)
    individual = ctype == 0
    gender = np.where(individual, _pick(rng, _GENDERS, n), -1)
    birth = np.where(individual, np.clip(np.rint(rng.normal(1990, 11, n)), 1940, 2007), np.nan)
    region = _pick(rng, _REGIONS, n)
    acq = _pick(rng, _ACQ, n)
    acq_cost = np.round(np.array([x[2] for x in _ACQ])[acq] * np.exp(rng.normal(0, 0.4, n)), 2)
    tier = _pick(rng, _TIERS, n)
    rate = rng.gamma(0.9, 1.0, n)
    life = rng.exponential(500.0, n)
    level = np.log(150.0) + rng.normal(0, 0.6, n)
    span = np.maximum(np.minimum(signup + life, days) - signup, 0.5)
    w = rate * span
    counts = rng.multinomial(n_orders, w / w.sum()) if n_orders else np.zeros(n, dtype=np.int64)
    cust = np.repeat(np.arange(n), counts)
    t = signup[cust] + rng.random(len(cust)) * span[cust]
    order = np.lexsort((t, cust))
    cust, t = cust[order], t[order]
    m = len(cust)
    amount = np.round(np.exp(level[cust] + rng.normal(0, 0.5, m)), 2)
    is_return = rng.random(m) < 0.02
    amount = np.where(is_return, -amount, amount)
    quantity = 1 + rng.poisson(0.6, m)
    prod = rng.integers(0, _N_PRODUCTS, m)
    channel = _pick(rng, _CHANNELS, m)
    discounted = rng.random(m) < 0.1
    discount = np.where(discounted & ~is_return, np.round(np.abs(amount) * 0.1, 2), 0.0)
    points = np.where(rng.random(m) < 0.05, rng.integers(100, 2000, m), 0)
    margin = np.round(amount * 0.3, 2)

    def ts(x: np.ndarray) -> np.ndarray:
        return t0 + (np.floor(x * 1440.0).astype(np.int64)).astype("timedelta64[m]")

    cid = _ids(PREFIX, c0 + 1, n, 8)
    customers = {
        "customer_id": cid,
        "signup_date": pa.array((t0 + np.floor(signup).astype(np.int64).astype("timedelta64[D]")).astype("datetime64[us]")),
        "customer_type": _codes(_CUSTOMER_TYPES).take(pa.array(ctype)),
        "gender": _codes(_GENDERS).take(pa.array(np.where(gender < 0, 0, gender), mask=gender < 0)),
        "birth_year": pa.array(birth, mask=np.isnan(birth)).cast(pa.int64()),
        "region": _codes(_REGIONS).take(pa.array(region)),
        "acquisition_channel": _codes(_ACQ).take(pa.array(acq)),
        "acquisition_cost": pa.array(acq_cost),
        "loyalty_tier": _codes(_TIERS).take(pa.array(tier)),
    }
    pid, pcat = products
    orders = {
        "order_id": _ids(PREFIX + "O", o0 + 1, m, 9),
        "customer_id": cid.take(pa.array(cust)),
        "order_date": pa.array(ts(t).astype("datetime64[us]")),
        "amount": pa.array(amount),
        "quantity": pa.array(quantity.astype(np.int64)),
        "product_id": pid.take(pa.array(prod)),
        "category": _codes(_CATEGORIES).take(pa.array(pcat[prod])),
        "channel": _codes(_CHANNELS).take(pa.array(channel)),
        "discount": pa.array(discount),
        "coupon_code": pa.nulls(m, pa.string()),
        "points_redeemed": pa.array(points.astype(np.int64)),
        "campaign_id": pa.nulls(m, pa.string()),
        "is_return": pa.array(is_return),
        "gross_margin": pa.array(margin),
    }
    return customers, orders


def iter_large(
    customers: int = 1_000_000,
    orders: int = 10_000_000,
    seed: int = 42,
    *,
    start: str = "2024-01-01",
    end: str = "2025-12-31",
    block_customers: int = 50_000,
) -> Iterator[dict[str, pa.Table]]:
    """Stream the large company in blocks of about *block_customers* customers.

    Parameters
    ----------
    customers, orders : int
        Exact numbers of customers and orders.
    seed : int
        Master seed.
    start, end : str
        Evaluation window (inclusive); one year of history before ``start``.
    block_customers : int
        Customers per yielded block (rounded up to a multiple of
        :data:`UNIT`); it bounds memory and does not change the data.

    Yields
    ------
    dict
        ``{"customers": pyarrow.Table, "orders": pyarrow.Table}`` with
        canonical column names (orders of a block belong to its customers).
    """
    if customers < 1 or orders < 0:
        raise ValueError("customers must be at least 1 and orders non-negative")
    t_start, t_end = pd.Timestamp(start), pd.Timestamp(end)
    if t_end <= t_start:
        raise ValueError(f"end {end} must be after start {start}")
    t0 = t_start - pd.DateOffset(years=1)
    days = float((t_end - t0).days + 1)
    start_day = float((t_start - t0).days)
    t0_64 = np.datetime64(t0.to_datetime64(), "m")
    products = _products(seed)
    units_per_block = max(1, -(-int(block_customers) // UNIT))
    n_units = -(-customers // UNIT)
    for b0 in range(0, n_units, units_per_block):
        parts_c, parts_o = [], []
        for u in range(b0, min(b0 + units_per_block, n_units)):
            c0, c1 = u * UNIT, min((u + 1) * UNIT, customers)
            o0, o1 = orders * c0 // customers, orders * c1 // customers
            c, o = _unit(seed, u, c0, c1, o1 - o0, o0, t0_64, days, start_day, products)
            parts_c.append(pa.table(c))
            parts_o.append(pa.table(o))
        yield {"customers": pa.concat_tables(parts_c), "orders": pa.concat_tables(parts_o)}


def generate_large(customers: int = 100_000, orders: int = 1_000_000, seed: int = 42, **kw) -> dict[str, pd.DataFrame]:
    """All of :func:`iter_large` in memory, as canonical pandas frames."""
    blocks = list(iter_large(customers, orders, seed, **kw))
    return {name: pa.concat_tables([b[name] for b in blocks]).to_pandas() for name in ("customers", "orders")}


# --------------------------------------------------------------------------- export forms


def _labels(col: str) -> dict[str, str]:
    key = {"acquisition_channel": "channel"}.get(col, col)
    return ZH_LABELS[key]


_TRANSLATED = {"customers": ("customer_type", "gender", "region", "acquisition_channel", "loyalty_tier"),
               "orders": ("category", "channel")}
_HEADERS = {"customers": CUSTOMERS_HEADERS, "orders": ORDERS_HEADERS}


def _value_maps(table: str) -> dict[str, dict[str, str]]:
    codes = {"customer_type": _CUSTOMER_TYPES, "gender": _GENDERS, "region": _REGIONS, "acquisition_channel": _ACQ,
             "loyalty_tier": _TIERS, "category": _CATEGORIES, "channel": _CHANNELS}
    return {c: {_labels(c)[x[0]]: x[0] for x in codes[c]} for c in _TRANSLATED[table]}


def _mapping(table: str, fmt: str, encoding: str) -> dict:
    m: dict = {"table": table, "encoding": encoding if fmt == "csv" else "auto", "columns": dict(_HEADERS[table]),
               "values": _value_maps(table)}
    if table == "orders" and fmt == "csv":
        m["values"]["is_return"] = {"是": True, "否": False}
    m["amount_scale"] = 1
    if fmt == "csv":
        m["date_format"] = "%Y/%m/%d" if table == "customers" else _ORDER_DATE_FORMAT
    return m


def _render_sql(table: str, fmt: str) -> str:
    """DuckDB SQL turning a canonical block ``blk`` into its export form."""
    h = _HEADERS[table]
    out = []
    for col, header in h.items():
        q = f'"{col}"'
        if col in _TRANSLATED[table]:
            cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _labels(col).items())
            e = f"CASE {q} {cases} END"
        elif fmt == "parquet":
            e = q
        elif col in ("signup_date",):
            e = f"CAST(year({q}) AS VARCHAR) || '/' || CAST(month({q}) AS VARCHAR) || '/' || CAST(day({q}) AS VARCHAR)"
        elif col == "order_date":
            e = f"strftime({q}, '{_ORDER_DATE_FORMAT}')"
        elif col in ("amount", "discount", "gross_margin"):
            e = f"CASE WHEN {q} < 0 THEN '-' ELSE '' END || '￥' || format('{{:,.2f}}', abs({q}))"
        elif col == "is_return":
            e = f"CASE WHEN {q} THEN '是' ELSE '否' END"
        else:
            e = q
        out.append(f'{e} AS "{header}"')
    return f"SELECT {', '.join(out)} FROM blk"


def write_large_exports(
    outdir: str | os.PathLike[str],
    customers: int = 1_000_000,
    orders: int = 10_000_000,
    seed: int = 42,
    formats: Sequence[str] = ("parquet", "csv"),
    *,
    start: str = "2024-01-01",
    end: str = "2025-12-31",
    block_customers: int = 50_000,
    csv_encoding: str = "utf-8",
    row_group_size: int = 1_000_000,
) -> dict[str, pathlib.Path]:
    """Stream the large company to Parquet and/or CSV exports with mappings.

    Parameters
    ----------
    outdir : path-like
        Directory to write into; ``<format>/会员资料.<ext>``,
        ``<format>/订单明细.<ext>``, ``<format>/mappings/<table>.yaml`` and
        ``manifest-<format>.yaml`` (readable by
        :func:`crmkit.demo.build.read_manifest`).
    customers, orders, seed, start, end, block_customers
        See :func:`iter_large`; memory is bounded by one block.
    formats : sequence of {"parquet", "csv"}
    csv_encoding : {"utf-8", "utf-8-sig", "gbk", "gb18030"}
        Text encoding of the CSV files (GBK is written in a streaming
        transcoding pass).
    row_group_size : int
        Rows per Parquet row group.

    Returns
    -------
    dict
        ``{format: manifest path}``.
    """
    import duckdb

    formats = tuple(formats)
    bad = set(formats) - {"parquet", "csv"}
    if bad:
        raise ValueError(f"unknown formats {sorted(bad)}; use 'parquet' and/or 'csv'")
    out = pathlib.Path(outdir)
    files = {"customers": "会员资料", "orders": "订单明细"}
    writers: dict[tuple[str, str], object] = {}
    paths: dict[tuple[str, str], pathlib.Path] = {}
    for fmt in formats:
        (out / fmt / "mappings").mkdir(parents=True, exist_ok=True)
        for table in files:
            paths[(fmt, table)] = out / fmt / f".tmp-{files[table]}.{fmt}"
    con = duckdb.connect()
    con.execute("SET threads = 1")
    try:
        for block in iter_large(customers, orders, seed, start=start, end=end, block_customers=block_customers):
            for table in files:
                con.register("blk", block[table])
                for fmt in formats:
                    rendered = con.sql(_render_sql(table, fmt)).to_arrow_table()
                    key = (fmt, table)
                    if key not in writers:
                        if fmt == "parquet":
                            writers[key] = pq.ParquetWriter(paths[key], rendered.schema, compression="zstd")
                        else:
                            writers[key] = pacsv.CSVWriter(
                                paths[key], rendered.schema,
                                write_options=pacsv.WriteOptions(quoting_style="needed"),
                            )
                    if fmt == "parquet":
                        writers[key].write_table(rendered, row_group_size=row_group_size)
                    else:
                        writers[key].write_table(rendered)
                con.unregister("blk")
    finally:
        for w in writers.values():
            w.close()
        con.close()
    manifests = {}
    for fmt in formats:
        entries = []
        for table in files:
            tmp = paths[(fmt, table)]
            final = out / fmt / f"{files[table]}.{fmt}"
            if fmt == "csv" and csv_encoding != "utf-8":
                _recode(tmp, final, csv_encoding)
                tmp.unlink()
            else:
                os.replace(tmp, final)
            m = _mapping(table, fmt, csv_encoding)
            mpath = out / fmt / "mappings" / f"{table}.yaml"
            mpath.write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False), encoding="utf-8")
            entries.append({"company": COMPANY, "table": table, "source": f"{fmt}/{final.name}",
                            "mapping": f"{fmt}/mappings/{table}.yaml"})
        manifest = {
            "description": f"crmkit large demo exports ({fmt}); paths are relative to this file",
            "company": COMPANY, "customers": int(customers), "orders": int(orders), "seed": int(seed),
            "exports": entries,
        }
        mp = out / f"manifest-{fmt}.yaml"
        mp.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
        manifests[fmt] = mp
    return manifests


def _recode(src: pathlib.Path, dst: pathlib.Path, encoding: str) -> None:
    """Stream UTF-8 *src* into *dst* in *encoding* (``utf-8-sig`` adds a BOM)."""
    enc = codecs.lookup(encoding).name
    with open(src, encoding="utf-8", newline="") as fi, open(dst, "w", encoding=enc, newline="") as fo:
        for chunk in iter(lambda: fi.read(1 << 22), ""):
            fo.write(chunk)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m crmkit.demo.large``: write large exports."""
    ap = argparse.ArgumentParser(prog="python -m crmkit.demo.large", description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--orders", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--exports", required=True, help="output directory")
    ap.add_argument("--formats", default="parquet,csv", help="comma-separated: parquet,csv")
    ap.add_argument("--csv-encoding", default="utf-8", choices=["utf-8", "utf-8-sig", "gbk", "gb18030"])
    a = ap.parse_args(argv)
    for fmt, path in write_large_exports(a.exports, a.customers, a.orders, a.seed, a.formats.split(","),
                                         csv_encoding=a.csv_encoding).items():
        print(f"{fmt}: {path}")


if __name__ == "__main__":
    main()
