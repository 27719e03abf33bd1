"""Every report runs on valid data of unusual shapes and renders no nan, inf or empty interval.

The datasets come from :mod:`tests.shapes` (seeded, generated from scratch):
only the required tables, one signup cohort, a single survey type with
identical scores and one category level, churn events only in the latest
period, a window at the very start of the data, hostile text, six customers.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from crmkit.demo.build import ingest_frames
from crmkit.reports.params import load_params
from crmkit.reports.runner import list_notebooks, run_reports

from .shapes import shapes

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("shapes")]

BAD_TEXT = re.compile(r"\b(?:nan|NaN|inf|Infinity|NaT)\b|NaN%|−?∞|\[\s*[,–-]\s*\]|\(\s*[,–-]\s*\)|\[\s*\]")
"""Words and patterns that must never reach a reader: missing or infinite numbers and empty intervals."""

SHAPES = shapes()


@pytest.fixture(scope="module")
def shape_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("shapes")
    store = base / "crm.duckdb"
    ingest_frames(store, SHAPES, base / "frames")
    params = [load_params(None, company=c, period="2025Q4", store=str(store), language=lang)
              for c, lang in zip(SHAPES, ["en", "zh"] * len(SHAPES))]
    result = run_reports(params, outputs=base / "out", jobs=2)
    return base / "out", result


def test_every_report_ends_ok_on_every_shape(shape_runs):
    _, result = shape_runs
    assert len(result.results) == len(SHAPES) * len(list_notebooks())
    failed = [f'{r["company"]}/{r["notebook"]}: {(r.get("error") or "")[:400]}' for r in result.results
              if r["status"] != "ok"]
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("company", list(SHAPES))
def test_rendered_text_holds_no_missing_number_or_empty_interval(shape_runs, company):
    out, _ = shape_runs
    bad = {}
    for html in sorted((out / company / "2025Q4").glob("*.html")):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        main = soup.find("main") or soup
        for tag in main(["script", "style"]):
            tag.decompose()
        text = main.get_text(" ", strip=True)
        hits = sorted({m.group(0) for m in BAD_TEXT.finditer(text)})
        if hits:
            i = BAD_TEXT.search(text).start()
            bad[html.name] = (hits, text[max(0, i - 80): i + 40])
    assert not bad, "\n".join(f"{name}: {hits} in ...{ctx}..." for name, (hits, ctx) in bad.items())
