"""The store and what reads it.

- :mod:`~crmkit.store.database`: :class:`Store`, the embedded DuckDB file of every company's tables.
- :mod:`~crmkit.store.data`: :class:`CRMData`, one company's tables for one evaluation window.
- :mod:`~crmkit.store.sql`: SQL over pandas frames or stored tables (:func:`query`, :class:`StoreTable`).
"""

from crmkit._lazy import lazy_exports

_EXPORTS = {
    "Store": "database", "default_store_path": "database", "DEFAULT_MAX_REJECT_RATE": "database",
    "CRMData": "data", "LazyTables": "data", "as_timestamp": "data", "window_bounds": "data", "rows_between": "data",
    "empty_table": "data", "query": "sql", "query_lean": "sql", "fetch_frame": "sql", "StoreTable": "sql",
    "Relation": "sql", "database": "database", "data": "data", "sql": "sql",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
