"""``outputs/index.html``: one page linking every report of every company and period."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from crmkit import __version__
from crmkit.reports.render import TEMPLATES, embed_cjk_font, write_atomic

__all__ = ["build_index", "collect_runs"]


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def collect_runs(outputs: str | os.PathLike) -> list[dict[str, Any]]:
    """One record per ``<company>/<period>`` folder that has a ``run.json``.

    With its composite and grade from ``scorecard.json``: ``provisional``
    (a dimension report failed, saved no metrics or was not run, or a
    weighted dimension is missing), ``grade_withheld`` (no grade: the
    missing dimensions carry more than the threshold of the weight) and
    ``completeness_note`` (the reasons, one per report or dimension).
    Scorecards written before completeness was recorded are neither.
    """
    root = Path(outputs)
    runs = []
    for run_json in sorted(root.glob("*/*/run.json")):
        run = _read_json(run_json)
        if not run:
            continue
        folder = run_json.parent
        card = _read_json(folder / "scorecard.json") or {}
        comp = card.get("composite") or {}
        completeness = card.get("completeness") or {}
        missing = [m for m in card.get("missing_dimensions") or [] if isinstance(m, dict)]
        incomplete = [r for r in card.get("incomplete_reports") or [] if isinstance(r, dict)]
        notebooks = []
        for name, rec in sorted((run.get("notebooks") or {}).items()):
            html = folder / f"{name}.html"
            notebooks.append({
                "name": name, "status": rec.get("status", "?"), "seconds": rec.get("seconds"),
                "error": rec.get("error"), "href": html.relative_to(root).as_posix() if html.exists() else None,
            })
        runs.append({
            "company": run.get("company", folder.parent.name), "period": run.get("period", folder.name),
            "language": run.get("language", ""), "status": run.get("status") or ("failed" if any(n["status"] == "failed" for n in notebooks) else "ok"),
            "finished": run.get("finished") or "", "composite": comp.get("value"), "grade": comp.get("grade"),
            "provisional": bool(card.get("provisional")), "grade_withheld": bool(completeness.get("grade_withheld")),
            "completeness_note": "; ".join([*(r.get("reason", "") for r in incomplete),
                                            *(f"{m.get('dimension')}: {m.get('reason', '')}" for m in missing
                                              if m.get("status") == "unscorable")]),
            "notebooks": notebooks, "n_failed": sum(n["status"] == "failed" for n in notebooks),
            "summary_href": next((n["href"] for n in notebooks if n["name"].startswith("99") and n["href"]), None)
            or next((n["href"] for n in notebooks if n["href"]), None),
        })
    # trend vs the company's previous period
    by_company: dict[str, list[dict[str, Any]]] = {}
    for r in runs:
        by_company.setdefault(r["company"], []).append(r)
    for rs in by_company.values():
        rs.sort(key=lambda r: r["period"])
        prev = None
        for r in rs:
            r["trend"] = None
            if prev is not None and r["composite"] is not None and prev["composite"] is not None:
                r["trend"] = r["composite"] - prev["composite"]
            prev = r
    return runs


def build_index(outputs: str | os.PathLike = "outputs") -> Path:
    """Write ``<outputs>/index.html`` (self-contained, sortable, offline) and return its path."""
    import jinja2

    root = Path(outputs)
    root.mkdir(parents=True, exist_ok=True)
    runs = collect_runs(root)
    companies = sorted({r["company"] for r in runs})
    periods = sorted({r["period"] for r in runs})
    grid = {(r["company"], r["period"]): r for r in runs}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    page = env.get_template("index.html.j2").render(
        runs=runs, companies=companies, periods=periods, grid=grid, version=__version__,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), css=(TEMPLATES / "style.css").read_text(encoding="utf-8"),
    )
    return write_atomic(root / "index.html", embed_cjk_font(page))
