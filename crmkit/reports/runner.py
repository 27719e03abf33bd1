"""Execute report notebooks with papermill and render them, one or many.

Units of work are (company-period, notebook) pairs.  Dimension notebooks of
all company-periods run in a process pool (papermill has no parallel mode and
is not thread-safe, docs/architecture.md, "Running and rendering"); the summary notebooks run after every
dimension notebook of the batch, because they compare each company with its
peers.  Every output is written to a temporary name
and renamed; ``run.json`` (one per company-period, written only by the parent
process) records status, duration, error and a key per notebook, so
``resume=True`` skips exactly the notebooks whose notebook file, parameters,
data fingerprint and crmkit version are unchanged and whose outputs exist.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import json
import multiprocessing as mp
import os
import platform
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from crmkit import __version__
from crmkit.errors import ConfigError
from crmkit.evaluation.metrics import is_final
from crmkit.reports.params import Parameters
from crmkit.resources import PROJECT_DIR

__all__ = ["notebooks_dir", "list_notebooks", "ReportJob", "run_reports", "BatchResult", "execute_notebook_job"]

DEFAULT_TIMEOUT = 1200


def notebooks_dir() -> Path:
    """``$CRMKIT_NOTEBOOKS`` or the ``notebooks/`` folder of the project."""
    env = os.environ.get("CRMKIT_NOTEBOOKS")
    return Path(env) if env else PROJECT_DIR / "notebooks"


def list_notebooks(names: Iterable[str] | None = None, directory: Path | None = None) -> list[Path]:
    """Report notebooks in run order; *names* may be ``"02"``, ``"02_satisfaction"`` or a file name."""
    d = directory or notebooks_dir()
    available = sorted(p for p in d.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return available
    chosen = []
    for n in names:
        n = Path(n).stem
        match = [p for p in available if p.stem == n or p.stem.split("_", 1)[0] == n or p.stem.split("_", 1)[-1] == n]
        if not match:
            raise ConfigError(f"No report notebook named {n!r}. Available: {', '.join(p.stem for p in available)}.")
        chosen.extend(m for m in match if m not in chosen)
    return sorted(chosen)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class ReportJob:
    """One notebook for one company-period."""

    notebook: Path
    out_dir: Path
    values: dict[str, Any]  # already filtered to the notebook's declared parameters
    key: str
    company: str
    period: str
    language: str
    mask_pii: bool
    fingerprint: str
    timeout: int = DEFAULT_TIMEOUT

    @property
    def name(self) -> str:
        return self.notebook.stem


def _declared(nb_path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if nb_path not in cache:
        import papermill

        cache[nb_path] = set(papermill.inspect_notebook(str(nb_path)))
    return cache[nb_path]


_KERNEL_DIRS: list[str] = []  # private socket folders of this process's kernels, removed after each notebook
_KERNEL_PEAKS: list[float] = []  # peak resident memory (MB) of the kernels that ran this process's current notebook


def _make_ipc_manager():
    """A kernel manager using IPC sockets in a private folder (no TCP port races)."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kw: Any):
            kw.setdefault("transport", "ipc")
            if "ip" not in kw:
                folder = tempfile.mkdtemp(prefix="crmkit-k-")
                _KERNEL_DIRS.append(folder)
                kw["ip"] = os.path.join(folder, "kernel")
            super().__init__(**kw)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            # The kernel's own log (e.g. the interrupt message papermill's
            # shutdown provokes) goes to a file beside its sockets, not to the
            # batch's terminal; errors of notebook code still reach the notebook.
            kw.setdefault("stderr", open(os.path.join(os.path.dirname(self.ip), "kernel.log"), "ab"))
            # Python 3.11+: the kernel does not put its working directory first on
            # sys.path, so a folder named like a package cannot shadow it
            kw["env"] = {**(kw.get("env") or os.environ), "PYTHONSAFEPATH": "1"}
            await super()._async_launch_kernel(kernel_cmd, **kw)

        async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            # the kernel's peak resident memory, read before it exits
            peak = _peak_rss_mb(getattr(self.provisioner, "pid", None))
            if peak is not None:
                _KERNEL_PEAKS.append(peak)
            await super().shutdown_kernel(now=now, restart=restart)

    return IPCKernelManager


def _peak_rss_mb(pid: int | None) -> float | None:
    """High-water mark of a process's resident memory (Linux ``VmHWM``), in MB."""
    if not pid:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None
    return None


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "CRMKIT_THREADS")


def _single_threaded_worker() -> None:
    """Pool initializer for parallel batches: one thread per kernel.

    With one worker per core, numpy's BLAS and DuckDB starting a thread per
    core inside every kernel would oversubscribe the machine; kernels inherit
    these variables from the worker.
    """
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"


def execute_notebook_job(job: ReportJob) -> dict[str, Any]:
    """Execute and render one notebook; never raises for notebook failures.

    Returns a result record (status ``ok`` or ``failed``, seconds, peak resident memory of the kernel, error,
    output paths).  The executed notebook and its HTML are always written,
    with the error shown at the top when it failed.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from crmkit.reports.render import render_html, write_atomic

    t0 = time.perf_counter()
    _KERNEL_PEAKS.clear()
    job.out_dir.mkdir(parents=True, exist_ok=True)
    final_nb = job.out_dir / f"{job.name}.ipynb"
    final_html = job.out_dir / f"{job.name}.html"
    fd, tmp_nb = tempfile.mkstemp(dir=job.out_dir, prefix=f".tmp-{job.name}.", suffix=".ipynb")
    os.close(fd)
    error = None
    try:
        kwargs: dict[str, Any] = dict(
            parameters=job.values, kernel_name="python3", progress_bar=False, log_output=False,
            start_timeout=120, execution_timeout=job.timeout, report_mode=False,
        )
        if os.name == "posix" and os.environ.get("CRMKIT_KERNEL_TRANSPORT", "ipc") == "ipc":
            kwargs["kernel_manager_class"] = _make_ipc_manager()
        # Every path a notebook gets is absolute; its kernel runs in an empty private
        # folder, so files in the caller's working directory (a source checkout's
        # crmkit/ folder, a stray pandas.py) can never be imported in its place.
        kernel_cwd = tempfile.mkdtemp(prefix="crmkit-cwd-")
        _KERNEL_DIRS.append(kernel_cwd)
        kwargs["cwd"] = kernel_cwd
        papermill.execute_notebook(str(job.notebook), tmp_nb, **kwargs)
    except PapermillExecutionError as e:
        error = f"{e.ename}: {e.evalue}" + (f" (cell {e.exec_count})" if e.exec_count else "")
    except Exception as e:  # timeouts (nbclient CellTimeoutError), dead kernels, start failures
        error = f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
    finally:
        import shutil

        while _KERNEL_DIRS:
            shutil.rmtree(_KERNEL_DIRS.pop(), ignore_errors=True)
    try:
        nb = nbformat.read(tmp_nb, as_version=4) if os.path.getsize(tmp_nb) > 0 else None
    except Exception:
        nb = None
    if nb is None:  # nothing was saved (e.g. the kernel never started): keep the input notebook
        nb = nbformat.read(str(job.notebook), as_version=4)
    if error:
        nb.metadata.setdefault("crmkit", {})["error"] = error
    nbformat.write(nb, tmp_nb)
    os.chmod(tmp_nb, 0o644)
    os.replace(tmp_nb, final_nb)
    try:
        page = render_html(
            nb, company=job.company, period=job.period, start=str(job.values.get("start", "")),
            end=str(job.values.get("end", "")), language=job.language, fingerprint=job.fingerprint,
            mask_pii=job.mask_pii, error=error,
        )
        write_atomic(final_html, page)
    except Exception as e:
        error = (error + "; " if error else "") + f"rendering failed: {type(e).__name__}: {e}"
    return {
        "notebook": job.name,
        "company": job.company,
        "period": job.period,
        "status": "failed" if error else "ok",
        "seconds": round(time.perf_counter() - t0, 2),
        "peak_rss_mb": max(_KERNEL_PEAKS) if _KERNEL_PEAKS else None,
        "error": error,
        "key": job.key,
        "ipynb": final_nb.name,
        "html": final_html.name,
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
    }


@dataclass
class BatchResult:
    """Outcome of a batch: one record per notebook."""

    results: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    outputs: Path | None = None

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] == "failed"]

    @property
    def executed(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] != "skipped"]

    @property
    def ok(self) -> bool:
        return not self.failed


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version(), "crmkit": __version__}
    for pkg in ("pandas", "numpy", "duckdb", "papermill", "nbconvert", "statsmodels", "matplotlib"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


class _RunLog:
    """``run.json`` of one company-period; written atomically by the parent only."""

    def __init__(self, out_dir: Path, params: Parameters, fingerprint: str):
        self.path = out_dir / "run.json"
        old: dict[str, Any] = {}
        if self.path.exists():
            try:
                old = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {}
        self.data = {
            "company": params.company, "period": params.period, "start": params.start.isoformat(),
            "end": params.end.isoformat(), "language": params.language, "mask_pii": params.mask_pii,
            "fingerprint": fingerprint, "versions": _versions(),
            "parameters": json.loads(params.model_dump_json()),
            "started": dt.datetime.now().isoformat(timespec="seconds"), "finished": None,
            "notebooks": old.get("notebooks", {}),
        }

    def previous(self, name: str) -> dict[str, Any] | None:
        return self.data["notebooks"].get(name)

    def record(self, result: dict[str, Any]) -> None:
        self.data["notebooks"][result["notebook"]] = {k: v for k, v in result.items() if k not in ("company", "period")}
        self.save()

    def finish(self) -> None:
        self.data["finished"] = dt.datetime.now().isoformat(timespec="seconds")
        statuses = [v["status"] for v in self.data["notebooks"].values()]
        self.data["status"] = "failed" if "failed" in statuses else "ok"
        self.save()

    def save(self) -> None:
        from crmkit.reports.render import write_atomic

        write_atomic(self.path, json.dumps(self.data, ensure_ascii=False, indent=1))


def _plan(params: Parameters, outputs: Path, names: list[str] | None, timeout: int, cache: dict) -> tuple[list[ReportJob], _RunLog]:
    from crmkit.store.database import Store

    store = Store(params.store or None, read_only=True)
    if not store.path.exists():
        raise ConfigError(f"{params.company} {params.period}: store {store.path} does not exist. Ingest data or run 'crmkit demo' first.")
    fingerprint = store.fingerprint(params.company)
    out_dir = outputs / params.company / params.period
    values = params.notebook_values()
    values["store"] = str(store.path.resolve())
    values["output_dir"] = str(out_dir.resolve())
    values["outputs_root"] = str(outputs.resolve())
    log = _RunLog(out_dir, params, fingerprint)
    if out_dir.is_dir():  # leftovers of an interrupted run are never outputs
        for stale in out_dir.glob(".tmp-*"):
            stale.unlink(missing_ok=True)
    jobs = []
    for nb in list_notebooks(names or params.notebooks):
        declared = _declared(nb, cache)
        passed = {k: v for k, v in values.items() if k in declared}
        key = _sha(nb.read_bytes() + json.dumps(passed, sort_keys=True, default=str).encode() + fingerprint.encode() + __version__.encode())
        jobs.append(ReportJob(nb, out_dir, passed, key, params.company, params.period, params.language, params.mask_pii, fingerprint, timeout))
    return jobs, log


def _still_valid(job: ReportJob, prev: dict[str, Any] | None) -> bool:
    return bool(
        prev and prev.get("status") == "ok" and prev.get("key") == job.key
        and (job.out_dir / f"{job.name}.ipynb").is_file() and (job.out_dir / f"{job.name}.html").is_file()
    )


def run_reports(
    param_sets: list[Parameters],
    *,
    outputs: str | os.PathLike = "outputs",
    notebooks: list[str] | None = None,
    jobs: int = 1,
    resume: bool = False,
    timeout: int = DEFAULT_TIMEOUT,
    on_event: Callable[[str, dict[str, Any]], None] | None = None,
) -> BatchResult:
    """Run report notebooks for several company-periods.

    Parameters
    ----------
    param_sets : list of Parameters
    outputs : path
        Root of ``<company>/<period>/`` output folders.
    jobs : int
        Worker processes (one per core is the sensible maximum).
    resume : bool
        Skip notebooks whose recorded key and outputs are still valid.
    on_event : callable, optional
        ``on_event(kind, info)`` with kind ``planned`` (info: total), ``start``
        or ``done`` (info: the job or result record), for progress display.
    """
    t0 = time.perf_counter()
    out_root = Path(outputs)
    out_root.mkdir(parents=True, exist_ok=True)
    cache: dict[Path, set[str]] = {}
    plans = [_plan(p, out_root, notebooks, timeout, cache) for p in param_sets]
    emit = on_event or (lambda kind, info: None)
    result = BatchResult(outputs=out_root)
    first_wave: list[tuple[int, ReportJob]] = []
    summaries: dict[int, list[ReportJob]] = {}
    pending: dict[int, int] = {}
    for i, (jobs_i, log) in enumerate(plans):
        dims_rerun = any(
            not is_final(j.name) and not (resume and _still_valid(j, log.previous(j.name))) for j in jobs_i
        )
        for j in jobs_i:
            fresh_inputs = not (is_final(j.name) and dims_rerun)
            if resume and fresh_inputs and _still_valid(j, log.previous(j.name)):
                rec = dict(log.previous(j.name), notebook=j.name, company=j.company, period=j.period, status="skipped")
                result.results.append(rec)
                continue
            if is_final(j.name):
                summaries.setdefault(i, []).append(j)
            else:
                first_wave.append((i, j))
                pending[i] = pending.get(i, 0) + 1
    total = len(first_wave) + sum(len(v) for v in summaries.values())
    emit("planned", {"total": total, "skipped": len(result.results)})

    ctx = mp.get_context("spawn")
    workers = max(1, min(jobs, total or 1))
    # longest first (durations of the previous run), so the batch does not end on one long notebook
    first_wave.sort(key=lambda ij: -float((plans[ij[0]][1].previous(ij[1].name) or {}).get("seconds") or 0))
    init = _single_threaded_worker if workers > 1 else None
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init) as pool:
        futures: dict[cf.Future, tuple[int, ReportJob]] = {}

        def submit(i: int, job: ReportJob) -> None:
            emit("start", {"job": job})
            futures[pool.submit(execute_notebook_job, job)] = (i, job)

        for i, job in first_wave:
            submit(i, job)

        def release_summaries() -> None:
            # Summaries compare each company with its peers, so they start only
            # when every dimension notebook of the batch has finished.
            if sum(pending.values()) == 0:
                for i in list(summaries):
                    for job in summaries.pop(i):
                        submit(i, job)

        release_summaries()
        while futures:
            done, _ = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                i, job = futures.pop(fut)
                try:
                    rec = fut.result()
                except Exception as e:  # worker crashed: record, keep going
                    rec = {"notebook": job.name, "company": job.company, "period": job.period, "status": "failed",
                           "seconds": None, "error": f"worker crashed: {type(e).__name__}: {e}", "key": job.key,
                           "ipynb": None, "html": None}
                plans[i][1].record(rec)
                result.results.append(rec)
                emit("done", rec)
                if not is_final(job.name):
                    pending[i] -= 1
                    release_summaries()
    for _, log in plans:
        log.finish()
    result.seconds = time.perf_counter() - t0
    return result
