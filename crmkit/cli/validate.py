"""``crmkit validate``: check a source against the data contract without loading it."""

from __future__ import annotations

import sys

import click

from crmkit.cli._common import store_option


@click.command("validate")
@click.argument("source")
@click.option("--table", "-t", required=True, help="Canonical table name.")
@click.option("--mapping", "-m", type=click.Path(dir_okay=False), help="Column-mapping YAML for this source.")
@click.option("--company", "-c", help="Also check customer ids against this company's customers in the store.")
@click.option("--query", help="SQL SELECT to run when SOURCE is a database URL.")
@click.option("--rows", "show_rows", type=int, default=10, show_default=True, help="Offending rows to print.")
@store_option
def command(source, table, mapping, company, query, show_rows, store):
    """Check SOURCE as TABLE: count each problem and print the first offending rows. Changes nothing.

    Exits 0 when every row is valid, 2 when some rows would be rejected.
    """
    from crmkit.ingest.canonical import prepare, resolve_mapping
    from crmkit.store.database import Store

    m = resolve_mapping(table, mapping)
    if query:
        m = m.model_copy(update={"query": query})
    known = None
    if company and table in ("orders", "churn_events", "loyalty_ledger"):
        known = Store(store, read_only=True).known_customers(company)
    prep = prepare(source, table, m, known_customers=known)
    report = prep.report(company)
    click.echo(str(report))
    if report.rows_rejected:
        rej = prep.rejects().head(show_rows)
        click.echo(f"\nFirst {len(rej)} offending rows (source row number, reasons, original values):")
        with __import__("pandas").option_context("display.width", 200, "display.max_columns", 12, "display.max_colwidth", 60):
            click.echo(rej.to_string(index=False))
        sys.exit(2)
    if known is None and table in ("orders", "churn_events", "loyalty_ledger"):
        click.echo("  note: customer ids were not checked (pass --company to check them against the store)")
