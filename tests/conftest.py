from __future__ import annotations

from pathlib import Path

import pytest

from crmkit.store import Store

from .helpers import CUSTOMERS_MAPPING, CUSTOMERS_ZH, ORDERS_MAPPING, ORDERS_ZH, write_csv, write_text

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    # Font cache shared within a worker; never the user's real store.
    cache = tmp_path_factory.getbasetemp() / "cache"
    monkeypatch.setenv("CRMKIT_CACHE", str(cache))
    monkeypatch.delenv("CRMKIT_STORE", raising=False)


@pytest.fixture
def exports(tmp_path: Path) -> dict[str, Path]:
    """Customers (UTF-8) and orders (GBK) with Chinese headers, plus mappings."""
    return {
        "customers": write_csv(CUSTOMERS_ZH, tmp_path / "customers.csv"),
        "customers_map": write_text(tmp_path / "customers.yaml", CUSTOMERS_MAPPING),
        "orders": write_csv(ORDERS_ZH, tmp_path / "orders.csv", "gbk"),
        "orders_map": write_text(tmp_path / "orders.yaml", ORDERS_MAPPING),
    }


@pytest.fixture
def store(tmp_path: Path, exports) -> Store:
    """A store with the four customers loaded."""
    st = Store(tmp_path / "store" / "crm.duckdb")
    st.ingest(exports["customers"], "customers", "acme", exports["customers_map"])
    return st


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """A small demo store built through raw exports and ingest (shared per test worker)."""
    from crmkit.demo.build import build_demo_store

    d = tmp_path_factory.mktemp("demo")
    path = d / "crm.duckdb"
    build_demo_store(path, d / "exports", seed=7, scale=0.25)
    return path
