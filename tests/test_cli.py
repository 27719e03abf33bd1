"""The command line: exit codes, one clear message, no tracebacks for user errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from crmkit.cli import cli

from .helpers import store_snapshot, write_text


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_validate_reports_counts_rows_and_changes_nothing(store, exports, tmp_path):
    bad = tmp_path / "o.csv"
    text = exports["orders"].read_bytes().decode("gbk").replace("O3,C002", "O2,C002").replace("2025/3/1", "someday")
    bad.write_bytes(text.encode("gbk"))
    before = store_snapshot(store.path)
    res = run("validate", bad, "--table", "orders", "--mapping", exports["orders_map"], "--company", "acme", "--store", store.path)
    assert res.exit_code == 2
    assert "rejected: 2" in res.output
    assert "order_id: duplicate primary key" in res.output and "(source rows 4)" in res.output
    assert "order_date: cannot read 'someday' as a date" in res.output and "(source rows 5)" in res.output
    assert "First 2 offending rows" in res.output
    assert store_snapshot(store.path) == before


def test_ingest_ok_prints_summary(store, exports):
    res = run("ingest", exports["orders"], "-t", "orders", "-c", "acme", "-m", exports["orders_map"], "--store", store.path)
    assert res.exit_code == 0, res.output
    assert "accepted: 5" in res.output and "text encoding: gb18030" in res.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["ingest", "missing.csv", "-t", "orders", "-c", "acme"], "File not found: missing.csv"),
        (["ingest", "x.csv", "-t", "nosuch", "-c", "acme"], "Unknown table 'nosuch'"),
        (["run", "nope.yaml"], "Parameter file not found: nope.yaml"),
        (["batch", "nope_dir"], "Batch file or folder not found"),
    ],
)
def test_user_errors_exit_2_without_traceback(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run(*args)
    assert res.exit_code == 2
    assert message in res.output and "Traceback" not in res.output


def test_unknown_parameter_key_from_cli(tmp_path):
    f = write_text(tmp_path / "p.yaml", "company: acme\nperiod: 2025Q4\nweigths: default\n")
    res = run("run", f)
    assert res.exit_code == 2 and "unknown parameter 'weigths' (did you mean 'weights'?)" in res.output


def test_debug_shows_traceback(tmp_path):
    res = run("--debug", "run", tmp_path / "nope.yaml")
    assert res.exit_code == 2 and "Traceback" in res.output


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "crmkit.cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "crmkit" in out.stdout


def test_template_then_ingest_round_trip(store, tmp_path):
    import pandas as pd

    path = tmp_path / "assessment.xlsx"
    res = run("template", "assessment", "-o", path)
    assert res.exit_code == 0 and path.exists()
    q = pd.read_excel(path)
    assert len(q) == 52 and q["dimension"].nunique() == 13
    q["score"] = [1 + i % 5 for i in range(len(q))]
    q["assessed_at"] = "2025-06-30"
    q.to_excel(path, index=False)
    res = run("ingest", path, "-t", "assessment", "-c", "acme", "--store", store.path)
    assert res.exit_code == 0, res.output
    a = store.load("acme", "2025-01-01", "2025-12-31").assessment
    assert len(a) == 52 and a["score"].sum() == sum(1 + i % 5 for i in range(52))
