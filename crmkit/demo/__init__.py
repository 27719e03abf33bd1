"""Demo data: a seeded, realistic multi-company CRM dataset.

>>> from crmkit import demo
>>> frames = demo.generate(seed=42)            # {company: {table: DataFrame}}
>>> manifest = demo.write_exports(frames, "data/demo_exports")

See :mod:`crmkit.demo.generate` for the behavioural model and the latent
management quality behind each company, and :mod:`crmkit.demo.exports` for
the raw export formats and the deliberately dirty rows.
"""

from __future__ import annotations

from crmkit.demo._profiles import COMPANIES, PERIODS
from crmkit.demo.exports import DIRTY_ROWS, write_exports
from crmkit.demo.generate import BLOCK_SIZE, SCHEMA, TABLES, generate, iter_generate

__all__ = [
    "generate",
    "iter_generate",
    "write_exports",
    "COMPANIES",
    "PERIODS",
    "DIRTY_ROWS",
    "SCHEMA",
    "TABLES",
    "BLOCK_SIZE",
]
