"""``crmkit ingest``: validate a source and load it into the store."""

from __future__ import annotations

import click

from crmkit.cli._common import store_option


@click.command("ingest")
@click.argument("source")
@click.option("--table", "-t", required=True, help="Canonical table name (customers, orders, surveys, ...).")
@click.option("--company", "-c", required=True, help="Company id the rows belong to.")
@click.option("--mapping", "-m", type=click.Path(dir_okay=False), help="Column-mapping YAML for this source.")
@click.option("--mode", type=click.Choice(["replace", "append"]), default="replace", show_default=True,
              help="replace: swap the company's table; append: add rows, replacing those with the same key.")
@click.option("--query", help="SQL SELECT to run when SOURCE is a database URL.")
@click.option("--source-table", help="Table to read when SOURCE is a database URL.")
@click.option("--max-reject-rate", type=click.FloatRange(0, 1), default=None,
              help="Largest share of rejected rows that still loads the rest [default: 0.02].")
@click.option("--engine", type=click.Choice(["auto", "pandas", "sql"]), default="auto", show_default=True,
              help="auto: DuckDB's own readers (SQL validation) for CSV/Parquet files of 64 MB or more.")
@store_option
def command(source, table, company, mapping, mode, query, source_table, max_reject_rate, engine, store):
    """Validate SOURCE (CSV, Excel, Parquet or a database URL) and load it as TABLE of COMPANY.

    Rows that fail validation are written with their reasons to a rejects CSV
    next to the store. If too many rows fail, nothing is loaded and the store
    stays exactly as it was.
    """
    from crmkit.ingest.canonical import resolve_mapping
    from crmkit.store.database import DEFAULT_MAX_REJECT_RATE, Store

    m = resolve_mapping(table, mapping)
    if query or source_table:
        m = m.model_copy(update={"query": query or m.query, "source_table": source_table or m.source_table})
    st = Store(store)
    report = st.ingest(
        source, table=table, company=company, mapping=m, mode=mode,
        max_reject_rate=DEFAULT_MAX_REJECT_RATE if max_reject_rate is None else max_reject_rate, engine=engine,
    )
    click.echo(str(report))
    click.echo(f"Store: {st.path}")
