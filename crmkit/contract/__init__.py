"""The data contract: canonical tables, column mappings, coercion and validation.

- :mod:`~crmkit.contract.tables`: the canonical tables, their columns, types and keys.
- :mod:`~crmkit.contract.mapping`: mapping files from a company's headers onto a table.
- :mod:`~crmkit.contract.coerce`: strings of real exports into typed columns.
- :mod:`~crmkit.contract.rules`: the validation rules of each table, declared once.
- :mod:`~crmkit.contract.schemas`: their pandas backend (pandera).
- :mod:`~crmkit.contract.sqlrules`: their SQL backend (DuckDB).
"""

from crmkit._lazy import lazy_exports

_EXPORTS = {
    "TABLES": "tables", "TABLE_NAMES": "tables", "Table": "tables", "table": "tables",
    "Mapping": "mapping", "load_mapping": "mapping", "identity_mapping": "mapping",
    "tables": "tables", "mapping": "mapping", "coerce": "coerce", "schemas": "schemas",
    "rules": "rules", "sqlrules": "sqlrules", "Rule": "rules",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
