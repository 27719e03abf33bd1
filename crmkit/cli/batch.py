"""``crmkit batch``: reports for many companies and periods in parallel."""

from __future__ import annotations

from pathlib import Path

import click

from crmkit.errors import ConfigError
from crmkit.yamlio import read_yaml
from crmkit.cli._common import jobs_option, outputs_option, store_option


def collect_params(target: str, store: str | None):
    """Parameter sets from a batch YAML or a folder of parameter files.

    A batch YAML has ``runs:`` (each a parameter mapping or ``{params: path}``)
    and optional ``defaults:`` applied to every run.  A folder is searched for
    YAML files that define both ``company`` and ``period``.
    """
    from crmkit.reports.params import load_params

    path = Path(target)
    override = {"store": store} if store else {}
    if path.is_dir():
        files = []
        for f in sorted(path.rglob("*.yaml")):
            d = read_yaml(f, "parameter file", expect=None)
            if isinstance(d, dict) and "company" in d and "period" in d:
                files.append(f)
        if not files:
            raise ConfigError(f"No parameter files (YAML with company and period) under {path}.")
        return [load_params(f, override) for f in files]
    if not path.is_file():
        raise ConfigError(f"Batch file or folder not found: {path}.")
    spec = read_yaml(path, "batch file", expect=None) or {}
    if not isinstance(spec, dict) or not isinstance(spec.get("runs"), list) or not spec["runs"]:
        raise ConfigError(f"{path}: a batch file needs a non-empty 'runs:' list (and optional 'defaults:').")
    unknown = set(spec) - {"runs", "defaults"}
    if unknown:
        raise ConfigError(f"{path}: unknown keys {sorted(unknown)}; a batch file has only 'runs' and 'defaults'.")
    defaults = spec.get("defaults") or {}
    out = []
    for i, run in enumerate(spec["runs"], 1):
        if not isinstance(run, dict):
            raise ConfigError(f"{path}: run {i} must be a mapping.")
        run = dict(run)
        pfile = run.pop("params", None)
        merged = {**defaults, **run, **override}
        if pfile:
            out.append(load_params(path.parent / pfile, merged))
        else:
            out.append(load_params(None, merged))
    return out


@click.command("batch")
@click.argument("target", type=click.Path())
@click.option("--resume", is_flag=True, help="Skip notebooks whose notebook, parameters, data and crmkit version are unchanged.")
@click.option("--notebook", "-n", "notebooks", multiple=True, help="Run only these notebooks.")
@store_option
@outputs_option
@jobs_option
def command(target, resume, notebooks, store, outputs, jobs):
    """Run the reports of every company-period in TARGET (a batch YAML or a folder of parameter files).

    Dimension notebooks run first, each company-period's summary last. One
    failing notebook never stops the others; the exit status is 1 if any failed.
    """
    from crmkit.cli.run import run_and_report

    run_and_report(collect_params(target, store), outputs, list(notebooks) or None, jobs, resume)
