"""Every report notebook executes on the demo store, in both languages.

The whole suite runs once per language through the real runner (dimension
notebooks first, summary last); each notebook is then one test asserting it
finished, rendered and saved its headline metrics.  All tests of a language
share one xdist worker (``--dist loadgroup``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crmkit.evaluation.registry import registry
from crmkit.reports.params import load_params
from crmkit.reports.runner import list_notebooks, run_reports

pytestmark = pytest.mark.slow

NOTEBOOKS = [p.stem for p in list_notebooks()]
CASES = {"en": ("yunting", "2025Q4"), "zh": ("huamei", "2025Q4")}
_RUNS: dict[str, tuple[Path, dict]] = {}


def _suite(language: str, demo_store: Path, tmp_path_factory) -> tuple[Path, dict]:
    if language not in _RUNS:
        company, period = CASES[language]
        out = tmp_path_factory.mktemp(f"suite-{language}")
        params = [load_params(None, company=company, period=period, store=str(demo_store), language=language)]
        result = run_reports(params, outputs=out, jobs=1)
        _RUNS[language] = (out / company / period, {r["notebook"]: r for r in result.results})
    return _RUNS[language]


@pytest.mark.parametrize(
    "language, notebook",
    [pytest.param(lang, nb, marks=pytest.mark.xdist_group(f"notebooks-{lang}")) for lang in CASES for nb in NOTEBOOKS],
)
def test_notebook_executes(language, notebook, demo_store, tmp_path_factory):
    folder, results = _suite(language, demo_store, tmp_path_factory)
    rec = results[notebook]
    assert rec["status"] == "ok", f"{notebook} ({language}) failed: {rec['error']}"
    html = (folder / f"{notebook}.html").read_text(encoding="utf-8")
    assert "ck-error" not in html.split("<main", 1)[1][:2000]
    assert "Traceback" not in html
    metrics_file = folder / f"{notebook}.metrics.json"
    assert metrics_file.exists(), f"{notebook} saved no headline metrics"
    metrics = json.loads(metrics_file.read_text(encoding="utf-8"))["metrics"]
    assert metrics, f"{notebook} saved an empty metrics list"
    for m in metrics:
        assert m["unit"] and m["name"] and (m["label_en"] and m["label_zh"]), m
    # every saved metric is declared in the registry and saved as declared
    reg = registry()
    undeclared = sorted(m["name"] for m in metrics if m["name"] not in reg)
    assert not undeclared, f"{notebook} saved metrics not in crmkit/resources/metrics.yaml: {undeclared}"
    for m in metrics:
        decl = reg[m["name"]]
        saved = {k: m[k] for k in ("unit", "direction", "dimension", "label_en", "label_zh")}
        declared = {k: getattr(decl, k) for k in saved}
        assert saved == declared, f"{notebook}: {m['name']} saved as {saved}, declared as {declared}"
    if language == "zh":
        main = html.split("<main", 1)[1]
        assert sum(1 for c in main if "\u4e00" <= c <= "\u9fff") > 50, "Chinese report has little Chinese text"
