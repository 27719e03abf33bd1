"""``crmkit template``: write input templates (the maturity questionnaire)."""

from __future__ import annotations

import click


@click.command("template")
@click.argument("kind", type=click.Choice(["assessment"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="assessment_template.xlsx", show_default=True,
              help="File to write (.xlsx or .csv).")
def command(kind, output):
    """Write a template to fill in; 'assessment' is the bilingual management-maturity questionnaire."""
    from crmkit.indicators.maturity import write_template

    path = write_template(output)
    click.echo(f"Wrote {path}. Fill in 'score' (1-5) and 'evidence', then: crmkit ingest {path} --table assessment --company <id>")
