"""Hostile data and hostile parameters never become markup, and personal data never reaches a report.

A demo company's every free-text and category field that can reach a report
is filled (on a share of rows) with markup and injection payloads, and its
customers carry names, emails and phones; the whole report suite runs with
the default ``mask_pii: true``; the rendered HTML and saved notebooks are
then parsed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import nbformat
import numpy as np
import pytest
from bs4 import BeautifulSoup

from crmkit import demo
from crmkit.demo.build import ingest_frames
from crmkit.reports.params import Parameters, load_params
from crmkit.reports.runner import run_reports

pytestmark = pytest.mark.slow

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "**bold** [click](javascript:alert(1)) $\\frac{1}{0}$ <b>x</b>",
    "{{7*7}}</td></tr></table><iframe src=//evil>",
]
# Fields that must keep canonical codes or keys are left alone.
HOSTILE_FIELDS = {
    "customers": ["occupation", "income_band", "region", "country", "acquisition_channel", "loyalty_tier"],
    "orders": ["category", "product_id", "coupon_code"],
    "surveys": ["touchpoint", "comment"],
    "tickets": ["category", "complaint_reason", "agent_id"],
    "interactions": ["type"],
    "campaigns": ["name"],
    "churn_events": ["reason"],
    "loyalty_ledger": ["reward_type"],
    "assessment": ["evidence", "assessor"],
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    frames = demo.generate(seed=11, scale=0.3, companies=["yunting"])
    rng = np.random.default_rng(0)
    tables = frames["yunting"]
    for table, cols in HOSTILE_FIELDS.items():
        df = tables.get(table)
        if df is None or df.empty:
            continue
        for col in cols:
            if col not in df:
                continue
            hit = rng.random(len(df)) < 0.3
            df.loc[hit, col] = [PAYLOADS[i % len(PAYLOADS)] for i in range(int(hit.sum()))]
    comments = tables["surveys"]["comment"]
    sample = tables["customers"].head(40)
    pii_comment = [f"Call me on {p} or mail {e}, {n}" for n, e, p in zip(sample["name"], sample["email"], sample["phone"])]
    idx = comments.index[: len(pii_comment)]
    tables["surveys"].loc[idx, "comment"] = pii_comment
    store = base / "crm.duckdb"
    ingest_frames(store, frames, base / "frames")
    out = base / "out"
    params = [load_params(None, company="yunting", period="2025Q4", store=str(store), language="en")]
    result = run_reports(params, outputs=out, jobs=1)
    return out / "yunting" / "2025Q4", tables, result


def _pii_strings(tables) -> list[str]:
    c = tables["customers"]
    values = list(c["email"].dropna()) + list(c["phone"].dropna()) + list(c["name"].dropna())
    values += list(c["customer_id"].dropna())
    values += [t for t in tables["surveys"]["comment"].dropna() if len(t) >= 12 and t not in PAYLOADS]
    return [v for v in values if len(str(v)) >= 2]


def test_suite_runs_on_hostile_data(hostile_run):
    _, _, result = hostile_run
    failed = {r["notebook"]: r["error"] for r in result.results if r["status"] != "ok"}
    assert not failed, failed


def test_no_injected_markup_in_any_report(hostile_run):
    folder, _, _ = hostile_run
    from crmkit.reports.runner import list_notebooks

    pages = sorted(folder.glob("*.html"))
    assert len(pages) == len(list_notebooks())
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert not soup.find_all("script"), f"{page.name}: script element"
        assert not soup.find_all(["iframe", "svg", "object", "embed"]), f"{page.name}: injected element"
        for tag in soup.find_all(True):
            for attr, value in tag.attrs.items():
                assert not attr.lower().startswith("on"), f"{page.name}: event handler {tag.name}[{attr}]"
                if attr in ("href", "src"):
                    v = value if isinstance(value, str) else " ".join(value)
                    assert not v.strip().lower().startswith("javascript:"), f"{page.name}: javascript URL"
                    if attr == "src":
                        assert v.startswith("data:"), f"{page.name}: external source {v[:40]}"
        for img in soup.find_all("img"):
            assert img.get("src", "").startswith("data:image/"), page.name
        bold = [b for b in soup.find_all("b") if b.get_text() == "x"]
        assert not bold, f"{page.name}: data-derived <b> became markup"


def test_no_personal_data_in_reports_or_saved_notebooks(hostile_run):
    folder, tables, _ = hostile_run
    secrets = _pii_strings(tables)
    assert len(secrets) > 100
    for f in sorted(folder.glob("*.html")) + sorted(folder.glob("*.ipynb")) + sorted(folder.glob("*.json")):
        text = f.read_text(encoding="utf-8")
        if f.suffix == ".ipynb":  # inspect outputs only: parameters and code are not data
            nb = nbformat.reads(text, as_version=4)
            text = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{f.name} shows personal data: {leaked[:5]}"


def test_hostile_parameter_strings_are_inert(tmp_path, monkeypatch):
    """Quotes, newlines and Python code in string parameters arrive as the same inert strings."""
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('weights = ""\ntargets = ""\noutput_dir = ""\ncompany = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import json, pathlib\n"
            "pathlib.Path(output_dir, 'echo.json').write_text(json.dumps([weights, targets, company]))"
        ),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, nbdir / "01_probe.ipynb")
    monkeypatch.setenv("CRMKIT_NOTEBOOKS", str(nbdir))
    marker = tmp_path / "PWNED"
    evil = f'x"; import pathlib; pathlib.Path(r"{marker}").touch() #\n"""\'\'\'\n{{{{7*7}}}}'
    evil2 = f"')\nimport pathlib; pathlib.Path(r'{marker}').touch()\n#"
    store = tmp_path / "crm.duckdb"
    duckdb.connect(str(store)).close()
    # built directly: load_params would (rightly) resolve 'targets' as a path
    params = [Parameters(company="acme", period="2025Q4", store=str(store), weights=evil, targets=evil2)]
    result = run_reports(params, outputs=tmp_path / "out", jobs=1)
    assert [r["status"] for r in result.results] == ["ok"], result.results
    echoed = json.loads((tmp_path / "out" / "acme" / "2025Q4" / "echo.json").read_text())
    assert echoed == [evil, evil2, "acme"]
    assert not marker.exists()
    # only declared names are injected: 'language', 'store' etc. are not in the probe's parameters cell
    executed = nbformat.read(tmp_path / "out" / "acme" / "2025Q4" / "01_probe.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    names = set(re.findall(r"^(\w+) = ", injected.source, re.M))
    assert names == {"weights", "targets", "output_dir", "company"}


def test_matplotlib_resolves_a_font_covering_report_chinese():
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager, rcParams

    from crmkit.reports import plotting
    from crmkit.reports.runner import list_notebooks

    plotting.setup("zh")
    text = "".join(c.source for p in list_notebooks() for c in nbformat.read(p, as_version=4).cells)
    text += Path(plotting.__file__).with_name("display.py").read_text(encoding="utf-8")
    han = {ch for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"}
    assert len(han) > 100
    path = font_manager.findfont(font_manager.FontProperties(family=rcParams["font.sans-serif"]), fallback_to_default=False)
    cmap = TTFont(path, fontNumber=0).getBestCmap()
    missing = sorted(ch for ch in han if ord(ch) not in cmap)
    assert not missing, f"{path} lacks glyphs for {''.join(missing[:30])}"
    assert "CJK" in font_manager.FontProperties(fname=path).get_name()
