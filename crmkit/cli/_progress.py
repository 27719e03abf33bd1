"""Live progress for report batches and the final results table."""

from __future__ import annotations

import time
from typing import Any

import click

from crmkit.reports.runner import BatchResult


class BatchProgress:
    """``on_event`` callback for :func:`crmkit.reports.runner.run_reports`.

    Shows a rich progress bar (done / failed / running, elapsed, ETA) on a
    terminal, and one plain line per finished notebook otherwise (CI logs).
    """

    def __init__(self, live: bool):
        self.live = live
        self.total = self.done = self.failed = self.running = 0
        self.t0 = time.perf_counter()
        self.progress = None
        self.task = None

    def __enter__(self) -> "BatchProgress":
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            self.progress = Progress(
                TextColumn("[bold]reports"), BarColumn(), MofNCompleteColumn(),
                TextColumn("[green]{task.fields[ok]} ok[/] [red]{task.fields[failed]} failed[/] [cyan]{task.fields[running]} running[/]"),
                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            )
            self.progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)

    def _update(self) -> None:
        if self.progress is not None:
            if self.task is None:
                self.task = self.progress.add_task("reports", total=self.total, ok=0, failed=0, running=0)
            self.progress.update(self.task, completed=self.done, ok=self.done - self.failed, failed=self.failed, running=self.running)

    def __call__(self, kind: str, info: dict[str, Any]) -> None:
        if kind == "planned":
            self.total = info["total"]
            if info.get("skipped"):
                click.echo(f"{info['skipped']} notebooks unchanged since their last successful run: skipped.")
            if not self.live:
                click.echo(f"Running {self.total} notebooks...")
        elif kind == "start":
            self.running += 1
        elif kind == "done":
            self.running -= 1
            self.done += 1
            if info["status"] == "failed":
                self.failed += 1
            if not self.live:
                elapsed = time.perf_counter() - self.t0
                status = "ok" if info["status"] == "ok" else "FAILED"
                extra = f" - {info['error']}" if info.get("error") else ""
                click.echo(f"[{self.done}/{self.total} {elapsed:5.0f}s] {info['company']} {info['period']} {info['notebook']}: {status} ({info['seconds']}s){extra}")
        self._update()


def print_results(result: BatchResult) -> None:
    from rich.console import Console
    from rich.table import Table

    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in result.results:
        k = (r["company"], r["period"])
        row = rows.setdefault(k, {"ok": 0, "failed": 0, "skipped": 0, "seconds": 0.0, "errors": []})
        row[r["status"]] += 1
        row["seconds"] += float(r.get("seconds") or 0) if r["status"] != "skipped" else 0
        if r["status"] == "failed":
            row["errors"].append(f"{r['notebook']}: {r.get('error') or ''}")
    table = Table(title="Report batch", show_lines=False)
    for col in ("company", "period", "ok", "failed", "skipped", "CPU s", "errors"):
        table.add_column(col, justify="right" if col in ("ok", "failed", "skipped", "CPU s") else "left", overflow="fold")
    for (c, p), row in sorted(rows.items()):
        table.add_row(c, p, str(row["ok"]), f"[red]{row['failed']}[/]" if row["failed"] else "0", str(row["skipped"]),
                      f"{row['seconds']:.0f}", "\n".join(row["errors"])[:400])
    Console(highlight=False, width=max(100, Console().width)).print(table)
    n_exec = len(result.executed)
    click.echo(f"{n_exec} notebooks executed, {len(result.failed)} failed, in {result.seconds:.1f}s wall time. Outputs: {result.outputs}")
