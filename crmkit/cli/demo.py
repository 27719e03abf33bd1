"""``crmkit demo``: build the demo store and render every demo report."""

from __future__ import annotations

import time
from pathlib import Path

import click

from crmkit.cli._common import jobs_option, outputs_option


@click.command("demo")
@click.option("--store", type=click.Path(dir_okay=False), default="data/crm.duckdb", show_default=True,
              help="Store to (re)build the demo companies in; other companies in it are kept.")
@click.option("--exports", type=click.Path(file_okay=False), default="data/demo_exports", show_default=True,
              help="Where the raw demo exports and their mapping files are written.")
@click.option("--scale", type=click.FloatRange(0.01, 1000), default=1.0, show_default=True, help="Multiplies the number of customers.")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--language", type=click.Choice(["en", "zh"]), default=None, help="Override the report language of every demo run.")
@click.option("--no-reports", is_flag=True, help="Only build the store.")
@click.option("--resume", is_flag=True, help="Skip reports whose inputs are unchanged (the store is rebuilt regardless).")
@outputs_option
@jobs_option
def command(store, exports, scale, seed, language, no_reports, resume, outputs, jobs):
    """Generate seeded demo exports for three companies, ingest them and run all reports."""
    from crmkit.demo.build import build_demo_store, demo_params
    from crmkit.cli.run import run_and_report

    t0 = time.perf_counter()
    click.echo(f"Building demo store {store} from raw exports in {exports} (seed {seed}, scale {scale})...")

    def show(r):
        rej = f", {r.rows_rejected} rejected -> {Path(r.rejects_file).name}" if r.rows_rejected else ""
        click.echo(f"  {r.company:<10} {r.table:<15} {r.rows_loaded:>9,} rows from {Path(r.source.split(' [')[0]).name}{rej}")

    build_demo_store(store, exports, seed=seed, scale=scale, on_ingest=show)
    click.echo(f"Store ready in {time.perf_counter() - t0:.1f}s.")
    if no_reports:
        return
    overrides = {"language": language} if language else {}
    run_and_report(demo_params(store, **overrides), outputs, None, jobs, resume)
