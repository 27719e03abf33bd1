"""Ingest: from a raw export (CSV, Excel, Parquet, SQL) to validated canonical rows.

- :mod:`~crmkit.ingest.sources`: reading raw exports (encodings, delimiters, sheets, SQL).
- :mod:`~crmkit.ingest.canonical`: mapping, coercion and validation into a canonical frame (pandas path).
- :mod:`~crmkit.ingest.duck`: the same contract executed inside DuckDB for large CSV and Parquet files.

:meth:`crmkit.store.Store.ingest` is the one entry point that picks the path.
"""

from crmkit._lazy import lazy_exports

_EXPORTS = {
    "prepare": "canonical", "resolve_mapping": "canonical", "IngestReport": "canonical", "Prepared": "canonical",
    "FK_REQUIRED": "canonical", "DEFAULT_MAX_REJECT_RATE": "canonical", "apply_mapping": "canonical", "canonical": "canonical", "ingest_large": "duck", "read_source": "sources", "RawSource": "sources",
    "sources": "sources", "duck": "duck",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
