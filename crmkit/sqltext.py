"""Writing SQL text safely: quoted identifiers and literals, in one place.

Every statement crmkit builds as text (ingest staging, store reads, quality
counts, indicator queries) quotes names with :func:`ident` and constant values
with :func:`literal`; values that come from users travel as bound parameters
wherever the driver allows it.

Examples
--------
>>> ident('driver_x" DOUBLE; --')
'"driver_x"" DOUBLE; --"'
>>> literal("O'Brien")
"'O''Brien'"
>>> literal(pd.Timestamp("2025-10-01"))
"TIMESTAMP '2025-10-01 00:00:00'"
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["ident", "literal", "timestamp_literal"]


def ident(name: Any) -> str:
    """A double-quoted SQL identifier (embedded quotes doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def timestamp_literal(value: Any) -> str:
    """``TIMESTAMP '…'`` for anything :class:`pandas.Timestamp` accepts, to the microsecond (whole seconds without a fraction).

    Examples
    --------
    >>> timestamp_literal("2025-12-31 23:59:59.999999")
    "TIMESTAMP '2025-12-31 23:59:59.999999'"
    """
    ts = pd.Timestamp(value)
    return f"TIMESTAMP '{ts.strftime('%Y-%m-%d %H:%M:%S.%f' if ts.microsecond else '%Y-%m-%d %H:%M:%S')}'"


def literal(value: Any) -> str:
    """A SQL constant: timestamps as ``TIMESTAMP '…'``, everything else as a quoted string."""
    if isinstance(value, pd.Timestamp):
        return timestamp_literal(value)
    return "'" + str(value).replace("'", "''") + "'"
