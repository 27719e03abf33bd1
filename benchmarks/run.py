"""crmkit benchmarks: one run, one table (what ``make bench`` runs).

Every section runs in its own child process, so its peak memory is measured
with the processes it starts (notebook kernels, worker pools): the peak RSS of
the largest single process from ``wait4`` and the peak total RSS of the
process tree sampled from ``/proc``.  Figures are printed as one table with
their targets and ratios against baselines measured in the same run, and
written to ``benchmarks/results/<timestamp>.json`` with the machine facts.

Sections
--------
exports         stream the large demo exports (``crmkit.demo.large``)
ingest_sql      SQL ingest (``crmkit.ingest.duck``) of 10M orders from Parquet and from CSV
ingest_pandas   pandas ingest (``Store.ingest``) at 1M orders, and the SQL path at 1M for the ratio
suite           every report notebook for one company-period on the 1M- and 10M-order stores, 2 jobs
value           per-customer aggregation of 05_value (``benchmarks/bench_value.py``)
clv             RFM summary vs lifetimes and DuckDB, fitter speed (``benchmarks/bench_clv.py``)
batch           demo reports of two company-periods (30 notebooks) with 1 and 2 jobs

Usage::

    python benchmarks/run.py                 # default sizes (about 20 minutes on 2 cores)
    python benchmarks/run.py --quick         # small sizes, a smoke run of a few minutes
    python benchmarks/run.py --no-large-suite  # skip the 10M-order report suite (or CRMKIT_BENCH_NO_LARGE=1)
    python benchmarks/run.py --only ingest_sql --only value
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SECTIONS = ("exports", "ingest_sql", "ingest_pandas", "suite", "value", "clv", "batch")
PAGE = os.sysconf("SC_PAGE_SIZE")

# Sizes: (customers, orders) of the large exports; smaller sets for the pandas path and the suite.
SIZES = {
    "default": {"large": (1_000_000, 10_000_000), "medium": (100_000, 1_000_000), "value": 10_000_000,
                "clv_orders": 1_000_000, "clv_fit": 200_000, "batch_notebooks": None, "batch_runs": 2},
    "quick": {"large": (20_000, 200_000), "medium": (5_000, 50_000), "value": 200_000,
              "clv_orders": 50_000, "clv_fit": 10_000, "batch_notebooks": ["00_data_quality", "01_customer_base",
                                                                              "05_value", "06_service"],
              "batch_runs": 2},
}
TARGETS = {"ingest_parquet": 1_000_000, "ingest_csv": 300_000}


# --------------------------------------------------------------------------- machine


def machine_facts() -> dict[str, Any]:
    """Cores, memory, CPU, OS, Python and package versions, load at start."""
    from importlib import metadata

    mem = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            k, v = line.split(":", 1)
            if k in ("MemTotal", "MemAvailable"):
                mem[k] = round(int(v.split()[0]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = {}
    for pkg in ("crmkit", "duckdb", "pandas", "numpy", "pyarrow", "pandera", "papermill", "nbconvert", "scipy"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "cores": os.cpu_count(), "cpu": cpu, "memory_gb": mem.get("MemTotal"), "memory_available_gb": mem.get("MemAvailable"),
        "os": platform.platform(), "python": platform.python_version(), "packages": versions,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# --------------------------------------------------------------------------- child runner


def _tree_rss(root: int) -> int:
    """Total resident bytes of *root* and its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            pages = int(Path(f"/proc/{d}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents[int(d)] = ppid
        rss[int(d)] = pages * PAGE
    total = 0
    for pid in rss:
        p, hops = pid, 0
        while p and p != root and hops < 64:
            p, hops = parents.get(p, 0), hops + 1
        if p == root:
            total += rss[pid]
    return total


def run_child(section: str, params: dict, workdir: Path) -> dict:
    """Run *section* in a child process; add its peak memory to the figures it returns."""
    out = workdir / f"{section}-{os.getpid()}-{time.time_ns()}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", section, "--params", json.dumps(params),
           "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=str(ROOT))
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            stop.wait(0.25)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    t0 = time.perf_counter()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    th.join()
    res: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
    res.update({
        "wall_seconds": round(time.perf_counter() - t0, 2),
        "exit_code": proc.returncode,
        "peak_rss_process_mb": round(usage.ru_maxrss / 1024),  # largest single process (incl. waited descendants)
        "peak_rss_tree_mb": round(peak[0] / 2**20),  # sampled sum over the process tree
    })
    return res


# --------------------------------------------------------------------------- sections (run in the child)


def _exports_dir(workdir: Path, customers: int, orders: int) -> Path:
    return workdir / f"exports-{customers}-{orders}"


def _ensure_exports(workdir: Path, customers: int, orders: int) -> tuple[Path, float | None]:
    """Large exports of that size (reused when already written); seconds spent writing or None."""
    from crmkit.demo.large import write_large_exports

    d = _exports_dir(workdir, customers, orders)
    if (d / "manifest-csv.yaml").exists() and (d / "manifest-parquet.yaml").exists():
        return d, None
    t0 = time.perf_counter()
    write_large_exports(d, customers, orders, seed=42)
    return d, time.perf_counter() - t0


def section_exports(p: dict) -> dict:
    wd = Path(p["workdir"])
    out = {}
    for key in ("large", "medium"):
        c, o = p[key]
        d, secs = _ensure_exports(wd, c, o)
        size = sum(f.stat().st_size for f in d.rglob("*") if f.is_file())
        out[key] = {"customers": c, "orders": o, "seconds": None if secs is None else round(secs, 2),
                    "rows_per_second": None if secs is None else round((c + o) / secs), "bytes": size}
    return out


def _ingest(fmt: str, d: Path, store_path: Path, how: str) -> dict:
    from crmkit.demo.build import read_manifest
    from crmkit.ingest.duck import ingest_large
    from crmkit.store import Store

    if store_path.exists():
        store_path.unlink()
    st = Store(store_path)
    res = {}
    for e in read_manifest(d / f"manifest-{fmt}.yaml"):
        t0 = time.perf_counter()
        if how == "sql":
            r = ingest_large(st, e["source"], e["table"], e["company"], e["mapping"], rejects_dir=d / "rejects")
        else:
            r = st.ingest(e["source"], e["table"], e["company"], e["mapping"], rejects_dir=d / "rejects")
        secs = time.perf_counter() - t0
        res[e["table"]] = {"rows": r.rows_in, "loaded": r.rows_loaded, "seconds": round(secs, 2),
                           "rows_per_second": round(r.rows_in / secs)}
    res["self_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return res


def section_ingest(p: dict) -> dict:
    """One ingest (format, size, path) into a fresh store."""
    wd = Path(p["workdir"])
    c, o = p[p["size"]]
    d, _ = _ensure_exports(wd, c, o)
    store = wd / f"store-{p['how']}-{p['fmt']}-{o}.duckdb"
    res = _ingest(p["fmt"], d, store, p["how"])
    res["store"] = str(store)
    return res


def section_suite(p: dict) -> dict:
    """All report notebooks for one company-period on a store built from the large exports."""
    from crmkit.reports.params import load_params
    from crmkit.reports.runner import run_reports

    wd = Path(p["workdir"])
    c, o = p[p["size"]]
    store = wd / f"store-sql-parquet-{o}.duckdb"
    if not store.exists():
        d, _ = _ensure_exports(wd, c, o)
        _ingest("parquet", d, store, "sql")
    params = load_params(None, {"company": "large", "period": p.get("period", "2025Q4"), "store": str(store),
                                "language": "en"})
    outputs = wd / f"outputs-suite-{o}"
    t0 = time.perf_counter()
    jobs = p.get("suite_jobs", 2)
    res = run_reports([params], outputs=outputs, jobs=jobs)
    total = time.perf_counter() - t0
    rows = [{"notebook": r.get("notebook"), "status": r.get("status"), "seconds": r.get("seconds"),
             "peak_rss_mb": r.get("peak_rss_mb"), "error": (r.get("error") or "")[:300] or None} for r in res.results]
    return {"customers": c, "orders": o, "jobs": jobs, "total_seconds": round(total, 2), "notebooks": rows,
            "failed": [r["notebook"] for r in rows if r["status"] != "ok"]}


def _import(name: str):
    path = HERE / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def section_value(p: dict) -> dict:
    mod = _import("bench_value")
    if mod is None:
        return {"skipped": "benchmarks/bench_value.py not present"}
    return mod.run(p["value"])


def section_clv(p: dict) -> dict:
    mod = _import("bench_clv")
    if mod is None:
        return {"skipped": "benchmarks/bench_clv.py not present"}
    # lifetimes 0.11.3 gets its own virtualenv (it needs pandas < 3), created on first use unless --no-lifetimes
    lifetimes = bool(p.get("install_lifetimes", True))
    res = mod.run(p["clv_orders"], n_fit_customers=p["clv_fit"], lifetimes=lifetimes, lifetimes_timeout=1800.0)
    if not lifetimes:
        res["note"] = "lifetimes not compared (--no-lifetimes)"
    return res


def section_batch(p: dict) -> dict:
    """Demo store at scale 1, then every demo report with 1 and with 2 jobs."""
    from crmkit.demo.build import build_demo_store, demo_params
    from crmkit.reports.runner import run_reports

    wd = Path(tempfile.mkdtemp(prefix="batch-", dir=p["workdir"]))
    store = wd / "crm.duckdb"
    t0 = time.perf_counter()
    build_demo_store(store, wd / "exports", seed=42, scale=1.0)
    build = time.perf_counter() - t0
    params = demo_params(store)
    if p.get("batch_runs"):
        params = params[: p["batch_runs"]]
    out = {"build_seconds": round(build, 2), "runs": len(params), "notebooks": p.get("batch_notebooks")}
    for jobs in (1, 2):
        t0 = time.perf_counter()
        r = run_reports(params, outputs=wd / f"outputs-{jobs}", notebooks=p.get("batch_notebooks"), jobs=jobs)
        out[f"jobs{jobs}_seconds"] = round(time.perf_counter() - t0, 2)
        out[f"jobs{jobs}_reports"] = len(r.results)
        out[f"jobs{jobs}_failed"] = [x.get("notebook") for x in r.results if x.get("status") != "ok"]
    out["speedup"] = round(out["jobs1_seconds"] / out["jobs2_seconds"], 2)
    return out


CHILD = {"exports": section_exports, "ingest": section_ingest, "suite": section_suite, "value": section_value,
         "clv": section_clv, "batch": section_batch}


# --------------------------------------------------------------------------- table


def _fmt(x: Any, digits: int = 0) -> str:
    if x is None:
        return "—"
    if isinstance(x, float) and x != x:
        return "—"
    if isinstance(x, (int, float)):
        return f"{x:,.{digits}f}"
    return str(x)


def build_rows(r: dict) -> list[tuple[str, str, str, str, str, str]]:
    """(measure, size, value, target, vs baseline, peak RSS) rows of the table."""
    rows = []

    def rss(sec: dict) -> str:
        if not sec or "peak_rss_tree_mb" not in sec:
            return "—"
        return f"{sec['peak_rss_tree_mb']:,} MB (largest process {sec['peak_rss_process_mb']:,} MB)"

    ex = r.get("exports")
    if ex and "large" in ex:
        for key in ("large", "medium"):
            e = ex[key]
            if e.get("seconds") is not None:
                rows.append(("write large exports (Parquet+CSV)", f"{e['orders']:,} orders", f"{_fmt(e['rows_per_second'])} rows/s",
                             "—", f"{e['seconds']} s, {e['bytes'] / 2**20:,.0f} MB", rss(ex)))
    ing = r.get("ingest", {})
    pandas_rate = {}
    for key, sec in ing.items():
        how, fmt, size = key.split(":")
        if "orders" in sec and how == "pandas":
            pandas_rate[fmt] = sec["orders"]["rows_per_second"]
    for key, sec in ing.items():
        how, fmt, size = key.split(":")
        if "orders" not in sec:
            rows.append((f"ingest orders {fmt} ({how})", size, f"failed (exit {sec.get('exit_code')})", "—", "—", rss(sec)))
            continue
        o = sec["orders"]
        target = f"≥ {TARGETS['ingest_' + fmt]:,} rows/s" if how == "sql" and size == "large" else "—"
        met = ""
        if how == "sql" and size == "large":  # the targets are for 10M orders
            met = " ✓" if o["rows_per_second"] >= TARGETS["ingest_" + fmt] else " ✗"
        vs = "1.00 (baseline)" if how == "pandas" else (
            f"{o['rows_per_second'] / pandas_rate[fmt]:.1f}× pandas@{[k for k in ing if k.startswith('pandas:' + fmt)][0].split(':')[2]}"
            if fmt in pandas_rate else "—")
        rows.append((f"ingest orders {fmt} ({how})", f"{o['rows']:,} rows",
                     f"{_fmt(o['rows_per_second'])} rows/s{met}", target, f"{o['seconds']} s; {vs}", rss(sec)))
    for key, sec in r.get("suite", {}).items():
        if "notebooks" not in sec:
            rows.append((f"report suite", key, f"failed (exit {sec.get('exit_code')})", "—", "—", rss(sec)))
            continue
        for nb in sec["notebooks"]:
            kernel = f"kernel {nb['peak_rss_mb']:,.0f} MB" if nb.get("peak_rss_mb") else ""
            rows.append((f"  {nb['notebook']}", f"{sec['orders']:,} orders", f"{_fmt(nb['seconds'], 1)} s"
                         + ("" if nb["status"] == "ok" else f" [{nb['status']}]"), "—", "", kernel))
        jobs = sec.get("jobs", 1)
        target = {1_000_000: "≤ 90 s", 10_000_000: "≤ 360 s, ≤ 4 GiB"}.get(sec["orders"], "—")
        met = ""
        if sec["orders"] in (1_000_000, 10_000_000):
            limit = 90 if sec["orders"] == 1_000_000 else 360
            ok = sec["total_seconds"] <= limit and (sec["orders"] != 10_000_000 or sec["peak_rss_tree_mb"] <= 4096)
            met = " ✓" if ok else " ✗"
        rows.append((f"report suite total ({jobs} job{'s' if jobs != 1 else ''})",
                     f"{sec['orders']:,} orders / {sec['customers']:,} cust.",
                     f"{sec['total_seconds']:,.1f} s{met}", target, f"{len(sec['failed'])} failed", rss(sec)))
    v = r.get("value")
    if v:
        if "skipped" in v:
            rows.append(("05_value customer summary", "—", "skipped", "—", v["skipped"], "—"))
        elif "customer_summary_seconds" in v:
            rows.append(("05_value customer summary (SQL)", f"{v['n_orders']:,} orders",
                         f"{_fmt(v['orders_per_second'])} orders/s", "—", f"{v['customer_summary_seconds']} s", rss(v)))
    c = r.get("clv")
    if c:
        if "skipped" in c:
            rows.append(("RFM summary / BTYD fits", "—", "skipped", "—", c["skipped"], "—"))
        elif "summary" in c:
            s = c["summary"]
            rows.append(("RFM summary crmkit", f"{c['n_orders']:,} orders", f"{s['crmkit_s']:.2f} s", "≈ DuckDB",
                         f"{s['crmkit_vs_duckdb']:.2f}× hand-written DuckDB ({s['duckdb_s']:.2f} s)", rss(c)))
            if "lifetimes_s" in s:
                rows.append(("RFM summary lifetimes 0.11.3", f"{c['n_orders']:,} orders", f"{_fmt(s['lifetimes_s'], 2)} s", "—",
                             f"{_fmt(s.get('lifetimes_vs_crmkit'), 1)}× slower than crmkit", ""))
            for kind, f in c.get("fits", {}).items():
                lt = f.get("lifetimes_s")
                rows.append((f"fit {kind} crmkit", f"{c['n_fit_customers']:,} customers", f"{f['crmkit_s']:.2f} s", "—",
                             (f"lifetimes {lt:.2f} s = {f['lifetimes_vs_crmkit']:.1f}×; LL {f['crmkit_ll']:.1f} vs {f.get('lifetimes_ll', float('nan')):.1f}"
                              if lt is not None else "lifetimes not run"), ""))
            if c.get("note"):
                rows.append(("  note", "", "", "", c["note"], ""))
    b = r.get("batch")
    if b:
        if "speedup" in b:
            rows.append(("demo reports, 1 job", f"{b['jobs1_reports']} reports", f"{b['jobs1_seconds']:,.1f} s", "—", "baseline", rss(b)))
            rows.append(("demo reports, 2 jobs", f"{b['jobs2_reports']} reports", f"{b['jobs2_seconds']:,.1f} s",
                         "≥ 1.6×", f"speed-up {b['speedup']:.2f}×" + (" ✓" if b["speedup"] >= 1.6 else " ✗"), ""))
        else:
            rows.append(("demo reports 1 vs 2 jobs", "—", f"failed (exit {b.get('exit_code')})", "—", "—", rss(b)))
    return rows


def print_table(res: dict) -> None:
    m = res["machine"]
    print(f"\ncrmkit benchmarks {res['started']}  ({res['mode']})")
    print(f"machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB RAM, {m['os']}, Python {m['python']}; "
          + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v) + f"; load at start {m['load_average_at_start']}")
    rows = [("measure", "size", "value", "target", "vs baseline / detail", "peak RSS (tree)")] + build_rows(res["results"])
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    for i, r in enumerate(rows):
        print("  ".join(x.ljust(w) for x, w in zip(r, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> dict | None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke run of a few minutes")
    ap.add_argument("--suite-jobs", type=int, default=2, help="parallel notebooks in the suite section (default 2)")
    ap.add_argument("--no-lifetimes", action="store_true",
                    help="do not install lifetimes 0.11.3 (in benchmarks/.venv-lifetimes) to compare against")
    ap.add_argument("--no-large-suite", action="store_true",
                    help="skip the report suite at 10M orders (or CRMKIT_BENCH_NO_LARGE=1)")
    ap.add_argument("--only", action="append", choices=SECTIONS, help="run only this section (repeatable)")
    ap.add_argument("--workdir", type=Path, default=None,
                    help="where exports and stores go (default: $TMPDIR/crmkit-bench; reused between runs)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--params", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        res = CHILD[a.child](json.loads(a.params))
        Path(a.out).write_text(json.dumps(res, default=str))
        return None

    mode = "quick" if a.quick else "default"
    full = not (a.quick or a.no_large_suite or os.environ.get("CRMKIT_BENCH_NO_LARGE") == "1")
    sizes = SIZES[mode]
    wd = a.workdir or Path(tempfile.gettempdir()) / f"crmkit-bench-{mode}"
    wd.mkdir(parents=True, exist_ok=True)
    p = {"workdir": str(wd), **sizes, "install_lifetimes": not a.no_lifetimes, "suite_jobs": a.suite_jobs}
    only = set(a.only or SECTIONS)
    started = dt.datetime.now()
    res: dict[str, Any] = {"started": started.isoformat(timespec="seconds"), "mode": mode + ("" if full or a.quick else " (no 10M suite)"),
                           "sizes": sizes, "machine": machine_facts(), "results": {}}
    R = res["results"]

    def step(name: str, section: str, extra: dict | None = None) -> dict:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        out = run_child(section, {**p, **(extra or {})}, wd)
        print(f"[bench] {name}: {out.get('wall_seconds')} s", file=sys.stderr, flush=True)
        return out

    if "exports" in only:
        R["exports"] = step("exports", "exports")
    if "ingest_sql" in only:
        R.setdefault("ingest", {})
        for fmt in ("parquet", "csv"):
            R["ingest"][f"sql:{fmt}:large"] = step(f"ingest sql {fmt} large", "ingest", {"how": "sql", "fmt": fmt, "size": "large"})
    if "ingest_pandas" in only:
        R.setdefault("ingest", {})
        for fmt in ("parquet", "csv"):
            R["ingest"][f"pandas:{fmt}:medium"] = step(f"ingest pandas {fmt} medium", "ingest",
                                                      {"how": "pandas", "fmt": fmt, "size": "medium"})
            R["ingest"][f"sql:{fmt}:medium"] = step(f"ingest sql {fmt} medium", "ingest", {"how": "sql", "fmt": fmt, "size": "medium"})
    if "suite" in only:
        R["suite"] = {"medium": step("suite medium", "suite", {"size": "medium"})}
        if full:
            R["suite"]["large"] = step("suite large", "suite", {"size": "large"})
    if "value" in only:
        R["value"] = step("value", "value")
    if "clv" in only:
        R["clv"] = step("clv", "clv")
    if "batch" in only:
        R["batch"] = step("batch", "batch")
    res["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    res["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"{started:%Y%m%d-%H%M%S}{'-quick' if a.quick else ''}.json"
    path.write_text(json.dumps(res, indent=1, default=str))
    print_table(res)
    print(f"\nresults: {path}")
    return res


if __name__ == "__main__":
    main()
