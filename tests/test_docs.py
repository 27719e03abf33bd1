"""The documentation site builds from the repository, strictly, and says what the code says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_docs_build_strictly(tmp_path):
    pytest.importorskip("mkdocs")
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=ROOT,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    metrics = (site / "metrics" / "index.html").read_text(encoding="utf-8")
    contract = (site / "data-contract" / "index.html").read_text(encoding="utf-8")
    from crmkit.contract.tables import TABLES
    from crmkit.evaluation.registry import registry

    # the generated pages list every declared metric and every canonical column
    for name in list(registry())[:200]:
        assert name in metrics, name
    for t in TABLES.values():
        for c in t.columns:
            assert c.name in contract, (t.name, c.name)
    api = (site / "api" / "clv" / "index.html").read_text(encoding="utf-8")
    assert "BetaGeoFitter" in api and "conditional_expected_number_of_purchases_up_to_time" in api


def test_no_docstring_cites_files_outside_the_repository():
    bad = []
    for path in (ROOT / "crmkit").rglob("*.py"):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "INDICATORS.md" in line or "DESIGN.md" in line or "DESIGN §" in line:
                bad.append(f"{path.relative_to(ROOT)}:{i}")
    assert bad == []
