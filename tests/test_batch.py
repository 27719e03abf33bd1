"""Batches: failures are isolated, interrupted batches resume, unchanged reports are skipped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _batch_file(tmp_path: Path, store: Path, companies: list[str], periods=("2025Q3", "2025Q4")) -> Path:
    runs = "\n".join(f"  - {{company: {c}, period: {p}}}" for c in companies for p in periods)
    f = tmp_path / "batch.yaml"
    f.write_text(f"defaults:\n  store: {store}\n  language: en\nruns:\n{runs}\n", encoding="utf-8")
    return f


def _crmkit(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmkit.cli", *map(str, args)], capture_output=True, text=True, **kw)


def _failing_notebooks(tmp_path: Path, company: str) -> Path:
    """A notebooks folder whose data-quality report fails for *company* only (a planted last cell)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = nbformat.read(NOTEBOOKS / "00_data_quality.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(f'assert company != "{company}", "planted failure for {company}"'))
    nbformat.write(nb, folder / "00_data_quality.ipynb")
    return folder


def test_a_failing_report_does_not_stop_the_others(demo_store, tmp_path):
    batch = _batch_file(tmp_path, demo_store, ["jinghong", "huamei"], periods=("2025Q4",))
    out = tmp_path / "out"
    env = {**os.environ, "CRMKIT_NOTEBOOKS": str(_failing_notebooks(tmp_path, "huamei"))}
    res = _crmkit("batch", batch, "--jobs", "2", "--outputs", out, "-n", "00", env=env)
    assert res.returncode == 1, res.stdout + res.stderr
    good = json.loads((out / "jinghong" / "2025Q4" / "run.json").read_text())
    bad = json.loads((out / "huamei" / "2025Q4" / "run.json").read_text())
    assert good["status"] == "ok" and good["notebooks"]["00_data_quality"]["status"] == "ok"
    # the kernel's peak memory is recorded (a Python kernel with pandas loaded needs well over 50 MB)
    assert 50 < good["notebooks"]["00_data_quality"]["peak_rss_mb"] < 8192
    rec = bad["notebooks"]["00_data_quality"]
    assert bad["status"] == "failed" and rec["status"] == "failed" and "planted failure for huamei" in rec["error"]
    # the failed report is still written, with the error prominent at the top
    html = BeautifulSoup((out / "huamei" / "2025Q4" / "00_data_quality.html").read_text(encoding="utf-8"), "html.parser")
    banner = html.select_one("main .ck-error")
    assert banner is not None and "planted failure for huamei" in banner.get_text()
    assert nbformat.read(out / "huamei" / "2025Q4" / "00_data_quality.ipynb", as_version=4).metadata["crmkit"]["error"]
    assert "1 failed" in res.stdout and "huamei" in res.stdout
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "huamei" in index and "1 failed" in index


def test_an_unknown_company_stops_the_batch_before_anything_runs(demo_store, tmp_path):
    batch = _batch_file(tmp_path, demo_store, ["jinghong", "ghost_company"], periods=("2025Q4",))
    out = tmp_path / "out"
    res = _crmkit("batch", batch, "--jobs", "2", "--outputs", out, "-n", "00")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Nothing was run" in res.stderr and "company 'ghost_company' is not in the store" in res.stderr
    assert "companies there: huamei, jinghong, yunting" in res.stderr and "Traceback" not in res.stderr
    assert not list(out.glob("*/*/*.html")) if out.exists() else True


def _done_records(out: Path) -> int:
    n = 0
    for f in out.glob("*/*/run.json"):
        try:
            n += sum(r["status"] == "ok" for r in json.loads(f.read_text())["notebooks"].values())
        except (ValueError, KeyError):
            pass
    return n


def test_kill_9_then_resume_completes_and_second_resume_does_nothing(demo_store, tmp_path):
    batch = _batch_file(tmp_path, demo_store, ["huamei", "jinghong", "yunting"])
    out = tmp_path / "out"
    args = [sys.executable, "-m", "crmkit.cli", "batch", str(batch), "--jobs", "1", "--outputs", str(out), "-n", "00"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 240
    while _done_records(out) < 2 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "batch finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished_before = _done_records(out)
    assert 2 <= finished_before < 6

    res = _crmkit("batch", batch, "--jobs", "2", "--outputs", out, "--resume", "-n", "00")
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"{finished_before} notebooks unchanged" in res.stdout
    assert f"{6 - finished_before} notebooks executed, 0 failed" in res.stdout
    for folder in out.glob("*/*"):
        if not folder.is_dir():
            continue
        assert not list(folder.glob(".tmp-*")), "temporary files left behind"
        run = json.loads((folder / "run.json").read_text())
        assert run["status"] == "ok"
        nb = nbformat.read(folder / "00_data_quality.ipynb", as_version=4)  # a complete, valid notebook
        assert "error" not in nb.metadata.get("crmkit", {})
        html = (folder / "00_data_quality.html").read_text(encoding="utf-8")
        assert html.rstrip().endswith("</html>") and "ck-error" not in html.split("<main", 1)[1][:500]

    again = _crmkit("batch", batch, "--jobs", "2", "--outputs", out, "--resume", "-n", "00")
    assert again.returncode == 0
    assert "6 notebooks unchanged" in again.stdout and "0 notebooks executed" in again.stdout


def test_changed_parameters_invalidate_resume(demo_store, tmp_path):
    batch = _batch_file(tmp_path, demo_store, ["jinghong"], periods=("2025Q4",))
    out = tmp_path / "out"
    assert _crmkit("batch", batch, "--outputs", out, "-n", "00").returncode == 0
    batch.write_text(batch.read_text().replace("language: en", "language: zh"), encoding="utf-8")
    res = _crmkit("batch", batch, "--outputs", out, "--resume", "-n", "00")
    assert res.returncode == 0 and "1 notebooks executed" in res.stdout
    assert "数据质量" in (out / "jinghong" / "2025Q4" / "00_data_quality.html").read_text(encoding="utf-8")
