"""Build the demo store the way a user's data arrives: raw exports, mappings, ingest.

:func:`build_demo_store` generates the seeded multi-company dataset
(:mod:`crmkit.demo`), writes it as raw exports with Chinese headers, a GBK
CSV, an Excel workbook and Parquet files plus one mapping YAML per file, and
ingests every export through :meth:`crmkit.store.database.Store.ingest`, the same code
path as real data (dirty rows planted in the exports end up in rejects files).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import yaml

from crmkit.errors import DataError
from crmkit.ingest.canonical import IngestReport
from crmkit.reports.params import Parameters, load_params
from crmkit.store.database import Store
from crmkit.resources import PROJECT_DIR

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["build_demo_store", "demo_params", "read_manifest", "ingest_frames"]


def ingest_frames(
    store: str | os.PathLike,
    frames: dict[str, dict[str, "pd.DataFrame"]],
    workdir: str | os.PathLike,
    *,
    on_ingest: Callable[[IngestReport], None] | None = None,
) -> list[IngestReport]:
    """Load canonical frames ``{company: {table: frame}}`` through the normal ingest path.

    Each frame is written as Parquet (canonical headers, identity mapping) and
    ingested, customers first, so validation and the ingest log apply exactly
    as for user files.  Useful for tests and for data already in canonical form.
    """
    from crmkit.contract.tables import TABLE_NAMES

    wd = Path(workdir)
    wd.mkdir(parents=True, exist_ok=True)
    st = Store(store)
    reports = []
    for company, tables in frames.items():
        for name in TABLE_NAMES:
            df = tables.get(name)
            if df is None or len(df) == 0:
                continue
            path = wd / f"{company}_{name}.parquet"
            df.to_parquet(path, index=False)
            r = st.ingest(path, table=name, company=company, mode="replace")
            reports.append(r)
            if on_ingest:
                on_ingest(r)
    return reports


def read_manifest(path: str | os.PathLike) -> list[dict[str, str]]:
    """Entries ``{company, table, source, mapping}`` with paths made absolute."""
    p = Path(path)
    spec = yaml.safe_load(p.read_text(encoding="utf-8"))
    entries = spec.get("exports", spec.get("files")) if isinstance(spec, dict) else spec
    if not isinstance(entries, list):
        raise DataError(f"{p}: expected a list of exports.")
    out = []
    for e in entries:
        out.append({
            "company": e["company"], "table": e["table"],
            "source": str((p.parent / e["source"]).resolve()),
            "mapping": str((p.parent / e["mapping"]).resolve()) if e.get("mapping") else None,
        })
    return out


def build_demo_store(
    store: str | os.PathLike,
    exports_dir: str | os.PathLike,
    *,
    seed: int = 42,
    scale: float = 1.0,
    on_ingest: Callable[[IngestReport], None] | None = None,
) -> list[IngestReport]:
    """Generate, export and ingest the demo companies into *store*.

    Only the demo companies' tables are replaced; other companies in the store
    are left untouched.
    """
    from crmkit import demo

    frames = demo.generate(seed=seed, scale=scale)
    manifest = demo.write_exports(frames, Path(exports_dir))
    st = Store(store)
    reports = []
    for e in read_manifest(manifest):
        r = st.ingest(e["source"], table=e["table"], company=e["company"], mapping=e["mapping"], mode="replace")
        reports.append(r)
        if on_ingest:
            on_ingest(r)
    return reports


def demo_params(store: str | os.PathLike, parameters_dir: str | os.PathLike | None = None, **overrides) -> list[Parameters]:
    """Parameter sets of every demo company and period.

    Uses ``parameters/<company>/<period>.yaml`` when the project ships one
    (so the demo runs exactly what an analyst would edit), else defaults.
    """
    from crmkit import demo

    pdir = Path(parameters_dir) if parameters_dir else PROJECT_DIR / "parameters"
    out = []
    for company in demo.COMPANIES:
        for period in demo.PERIODS:
            f = pdir / company / f"{period}.yaml"
            values = {"store": str(Path(store).resolve()), **overrides}
            out.append(load_params(f if f.is_file() else None, {"company": company, "period": period, **values}))
    return out
