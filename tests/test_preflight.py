"""``crmkit run`` and ``crmkit batch`` check the store before any notebook starts."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from crmkit.cli import cli
from crmkit.reports.params import load_params
from crmkit.reports.preflight import preflight


@pytest.fixture()
def params(demo_store):
    def make(**kw):
        return load_params(None, **{"company": "huamei", "period": "2025Q4", "store": str(demo_store), **kw})
    return make


def test_a_good_run_passes_and_lists_no_error(params):
    result = preflight([params()])
    assert result.ok and result.errors == []


def test_unknown_company_names_the_companies_in_the_store(params):
    result = preflight([params(company="acme")])
    assert len(result.errors) == 1
    assert "company 'acme' is not in the store" in result.errors[0]
    assert "huamei" in result.errors[0] and "yunting" in result.errors[0]


def test_a_window_without_orders_names_the_periods_that_have_them(params):
    result = preflight([params(period="2019Q1")])
    (msg,) = result.errors
    assert "has no orders in the window 2019-01-01 to 2019-03-31" in msg
    assert "it has orders in 2023Q1 to 2025Q4" in msg


def _without(demo_store, tmp_path, table: str):
    """A copy of the demo store in which huamei has no rows of *table*."""
    copy = tmp_path / "crm.duckdb"
    copy.write_bytes(demo_store.read_bytes())
    with duckdb.connect(str(copy)) as con:
        con.execute(f"DELETE FROM {table} WHERE company = 'huamei'")
    return copy


def test_missing_required_table_is_named(params, demo_store, tmp_path):
    copy = _without(demo_store, tmp_path, "customers")
    result = preflight([params(store=str(copy))])
    (msg,) = result.errors
    assert "required table(s) customers of 'huamei'" in msg


def test_missing_optional_tables_are_listed_once_with_their_reports(params, demo_store, tmp_path):
    copy = _without(demo_store, tmp_path, "surveys")
    result = preflight([params(store=str(copy)), params(store=str(copy), period="2025Q3")])
    assert result.ok
    notes = [n for n in result.notes if n.startswith("surveys")]
    assert notes == ["surveys not supplied for huamei: 02_satisfaction, 08_channels, 11_voice_of_customer, "
                     "12_team_and_risk will skip the sections that need it."]


def test_cli_run_refuses_with_exit_2_and_runs_nothing(demo_store, tmp_path):
    pfile = tmp_path / "p.yaml"
    pfile.write_text(f"company: acme\nperiod: 2025Q4\nstore: {demo_store}\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["run", str(pfile), "--outputs", str(out)])
    assert res.exit_code == 2, res.output
    assert "Nothing was run" in res.output and "company 'acme' is not in the store" in res.output
    assert "Traceback" not in res.output
    assert not (out / "acme").exists()
