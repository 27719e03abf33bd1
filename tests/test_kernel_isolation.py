"""Report kernels import the installed crmkit, whatever the caller's working directory holds."""

from __future__ import annotations

import pytest

from crmkit.reports.params import load_params
from crmkit.reports.runner import run_reports

pytestmark = pytest.mark.slow


def test_a_crmkit_folder_in_the_working_directory_cannot_shadow_the_package(demo_store, tmp_path, monkeypatch):
    trap = tmp_path / "cwd"
    (trap / "crmkit").mkdir(parents=True)
    (trap / "crmkit" / "__init__.py").write_text("raise ImportError('the working directory shadowed crmkit')\n")
    (trap / "pandas.py").write_text("raise ImportError('the working directory shadowed pandas')\n")
    monkeypatch.chdir(trap)
    params = [load_params(None, company="huamei", period="2025Q4", store=str(demo_store), language="en",
                          notebooks=["10_maturity"])]
    result = run_reports(params, outputs=tmp_path / "out", jobs=1)
    (rec,) = result.results
    assert rec["status"] == "ok", rec["error"]
    assert (tmp_path / "out" / "huamei" / "2025Q4" / "10_maturity.metrics.json").exists()
