"""``crmkit run``: the reports of one company and period."""

from __future__ import annotations

import sys

import click

from crmkit.cli._common import default_jobs, interactive, jobs_option, outputs_option, store_option


def run_and_report(param_sets, outputs, notebooks, jobs, resume) -> None:
    """Run, show progress and results, rebuild the index, exit 1 if anything failed."""
    from crmkit.reports.index import build_index
    from crmkit.reports.preflight import check_or_raise
    from crmkit.reports.runner import run_reports
    from crmkit.cli._progress import BatchProgress, print_results

    for note in check_or_raise(param_sets).notes:
        click.echo(f"note: {note}")

    with BatchProgress(interactive()) as progress:
        result = run_reports(param_sets, outputs=outputs, notebooks=notebooks, jobs=default_jobs(jobs), resume=resume, on_event=progress)
    print_results(result)
    index = build_index(outputs)
    click.echo(f"Index: {index.resolve()}")
    if result.failed:
        sys.exit(1)


@click.command("run")
@click.argument("params", type=click.Path(dir_okay=False))
@click.option("--notebook", "-n", "notebooks", multiple=True, help="Run only this notebook (repeatable), e.g. 02 or 02_satisfaction.")
@click.option("--resume", is_flag=True, help="Skip notebooks whose inputs are unchanged since their last successful run.")
@store_option
@outputs_option
@jobs_option
def command(params, notebooks, resume, store, outputs, jobs):
    """Validate PARAMS (a parameter YAML) and render its reports into OUTPUTS/<company>/<period>/."""
    from crmkit.reports.params import load_params

    p = load_params(params, {"store": store} if store else None)
    run_and_report([p], outputs, list(notebooks) or None, jobs, resume)
