"""Open column families: surveys.driver_* ratings and customers.attr_* attributes."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.contract.tables import TABLES
from crmkit.store import Store


def test_family_members_get_their_kind_and_malformed_names_are_not_columns():
    cu, sv = TABLES["customers"], TABLES["surveys"]
    assert cu.column("attr_plan").kind == "category" and sv.column("driver_speed").kind == "number"
    assert sv.column("driver_speed").min == 0
    for bad in ('driver_x" DOUBLE; DROP TABLE customers; --', "attr_Plan", "attr_a b", "attr_" + "x" * 70):
        table = sv if bad.startswith("driver_") else cu
        assert not table.accepts(bad)
        with pytest.raises(KeyError):
            table.column(bad)
    assert not cu.accepts("driver_speed") and not sv.accepts("attr_plan")
    assert cu.family_columns(["customer_id", "attr_plan", "attr_Bad", "region", "attr_tier"]) == ["attr_plan", "attr_tier"]


@pytest.mark.parametrize("engine", ["pandas", "sql"])
def test_customer_attributes_are_stored_as_text_on_both_paths(tmp_path, engine):
    src = tmp_path / "customers.csv"
    pd.DataFrame({"customer_id": ["a", "b", "c"], "signup_date": ["2025-01-01"] * 3,
                  "attr_plan": ["basic", "pro", ""], "attr_contract": ["monthly", "annual", "monthly"],
                  'driver_x" DOUBLE; --': ["1", "2", "3"]}).to_csv(src, index=False)
    st = Store(tmp_path / "crm.duckdb")
    rep = st.ingest(src, "customers", "acme", engine=engine)
    assert rep.rows_loaded == 3
    got = st.load("acme", "2025-01-01", "2025-03-31").customers.set_index("customer_id")
    assert got.loc["b", "attr_plan"] == "pro" and pd.isna(got.loc["c", "attr_plan"])
    assert got["attr_contract"].tolist() == ["monthly", "annual", "monthly"]
    assert not any(c.startswith("driver_") for c in got.columns)
