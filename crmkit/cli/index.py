"""``crmkit index``: rebuild outputs/index.html."""

from __future__ import annotations

import click

from crmkit.cli._common import outputs_option


@click.command("index")
@outputs_option
def command(outputs):
    """Rebuild OUTPUTS/index.html linking every report."""
    from crmkit.reports.index import build_index

    path = build_index(outputs)
    click.echo(f"Index: {path.resolve()}")
