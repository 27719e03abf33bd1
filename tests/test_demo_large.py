"""Large demo exports: deterministic, chunking-independent, and ingestible as written."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from crmkit.demo.large import generate_large, iter_large, write_large_exports
from crmkit.demo.build import read_manifest
from crmkit.ingest.duck import ingest_large
from crmkit.store import Store


def _concat(blocks, name):
    return pa.concat_tables([b[name] for b in blocks]).to_pandas()


def test_chunked_generation_equals_one_shot():
    one = generate_large(2_500, 20_000, seed=3, block_customers=10_000)
    blocks = list(iter_large(2_500, 20_000, seed=3, block_customers=1_000))
    assert len(blocks) == 3
    for name in ("customers", "orders"):
        pd.testing.assert_frame_equal(_concat(blocks, name), one[name])
    assert len(one["customers"]) == 2_500 and len(one["orders"]) == 20_000
    assert one["orders"]["order_id"].is_unique and one["customers"]["customer_id"].is_unique
    assert one["orders"]["customer_id"].isin(one["customers"]["customer_id"]).all()


def test_seed_changes_the_data_and_orders_follow_signup():
    a = generate_large(1_000, 5_000, seed=1)
    b = generate_large(1_000, 5_000, seed=2)
    assert not a["orders"]["amount"].equals(b["orders"]["amount"])
    o = a["orders"].merge(a["customers"][["customer_id", "signup_date"]], on="customer_id")
    assert (o["order_date"] >= o["signup_date"]).all()
    assert (o.loc[o["is_return"], "amount"] < 0).all() and (o.loc[~o["is_return"], "amount"] > 0).all()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_written_exports_ingest_to_the_generated_frames(tmp_path, fmt):
    frames = generate_large(1_500, 9_000, seed=5)
    manifests = write_large_exports(tmp_path / "x", 1_500, 9_000, seed=5, formats=(fmt,), block_customers=1_000,
                                    row_group_size=2_000)
    store = Store(tmp_path / "s.duckdb")
    for e in read_manifest(manifests[fmt]):
        rep = ingest_large(store, e["source"], e["table"], e["company"], e["mapping"])
        assert rep.rows_rejected == 0 and rep.warnings == []
    data = store.load("large", "2020-01-01", "2030-12-31")
    for name in ("customers", "orders"):
        got = getattr(data, name)
        want = frames[name]
        got = got[list(want.columns)].sort_values(want.columns[0]).reset_index(drop=True)
        want = want.sort_values(want.columns[0]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_same_bytes_whatever_the_block_size(tmp_path):
    a = write_large_exports(tmp_path / "a", 2_100, 7_000, seed=9, formats=("csv",), block_customers=1_000)
    b = write_large_exports(tmp_path / "b", 2_100, 7_000, seed=9, formats=("csv",), block_customers=50_000)
    for name in ("会员资料.csv", "订单明细.csv"):
        assert (a["csv"].parent / "csv" / name).read_bytes() == (b["csv"].parent / "csv" / name).read_bytes()
