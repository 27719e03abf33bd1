"""MkDocs hooks: pages generated from crmkit's own declarations.

``<!-- crmkit:metrics -->`` becomes the metric registry as tables (one per
dimension) and ``<!-- crmkit:tables -->`` the canonical tables of the data
contract, so the documentation can never disagree with the code.
"""

from __future__ import annotations


def _tables_markdown() -> str:
    from crmkit.contract.tables import TABLES

    out = []
    for t in TABLES.values():
        out.append(f"### `{t.name}`\n")
        if t.description:
            out.append(t.description.strip() + "\n")
        keys = ", ".join(f"`{k}`" for k in t.primary_key) or "none"
        extra = f"; open column families: {', '.join(f'`{p}*`' for p in t.prefixes)}" if t.prefixes else ""
        out.append(f"Primary key: {keys}{extra}.\n")
        out.append("| column | kind | required | personal data | values |")
        out.append("|---|---|---|---|---|")
        for c in t.columns:
            values = ", ".join(f"`{v}`" for v in c.codes) if c.codes else ""
            if c.min is not None or c.max is not None:
                values = (values + " " if values else "") + f"{'' if c.min is None else c.min} to {'' if c.max is None else c.max}"
            out.append(f"| `{c.name}` | {c.kind} | {'yes' if c.required else ''} | {'yes' if c.pii else ''} | {values} |")
        out.append("")
    return "\n".join(out)


def _metrics_markdown() -> str:
    from crmkit.evaluation.registry import reference_markdown

    return reference_markdown(heading_level=2)


_GENERATORS = {"<!-- crmkit:metrics -->": _metrics_markdown, "<!-- crmkit:tables -->": _tables_markdown}


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: D103 - MkDocs hook
    for marker, generate in _GENERATORS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, generate())
    return markdown
