"""Options and output helpers shared by the commands."""

from __future__ import annotations

import os
import sys

import click

store_option = click.option(
    "--store", type=click.Path(dir_okay=False), default=None, envvar="CRMKIT_STORE", show_envvar=True,
    help="DuckDB store file [default: data/crm.duckdb].",
)
outputs_option = click.option(
    "--outputs", type=click.Path(file_okay=False), default="outputs", show_default=True, help="Root folder of the reports.",
)
jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(1, 64), default=None,
    help="Parallel worker processes [default: number of cores].",
)


def default_jobs(jobs: int | None) -> int:
    return jobs or max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def console():
    from rich.console import Console

    return Console(stderr=False, highlight=False)


def interactive() -> bool:
    return sys.stdout.isatty() and not os.environ.get("CI")
