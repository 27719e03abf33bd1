"""Bilingual text (English / Simplified Chinese) for reports.

Reports choose one language with the ``language`` parameter.  Text is written
in pairs at the point of use, ``tr("Churn rate", "流失率")``, so each sentence
and its translation stay side by side and reviewable.
"""

from __future__ import annotations

from crmkit import resources

LANGUAGES = ("en", "zh")

__all__ = ["LANGUAGES", "Translator", "check_language", "DIMENSIONS", "code_labels"]

# Display names of the evaluation dimensions (keys are used in metrics and weights).
DIMENSIONS: dict[str, tuple[str, str]] = {
    "data_quality": ("Data quality", "数据质量"),
    "customer_base": ("Customer base", "客户基础与细分"),
    "satisfaction": ("Satisfaction", "客户满意度"),
    "loyalty": ("Loyalty", "客户忠诚度"),
    "churn": ("Churn", "客户流失"),
    "value": ("Customer value", "客户价值"),
    "service": ("Service quality", "服务质量"),
    "marketing": ("Marketing effect", "营销效果"),
    "channels": ("Channels", "渠道"),
    "cost": ("Maintenance cost", "维护成本"),
    "maturity": ("Management maturity", "管理成熟度"),
    "summary": ("Composite evaluation", "综合评价"),
}


def code_labels() -> dict[str, tuple[str, str]]:
    """Labels of canonical codes from ``crmkit/data/codes.yaml``: code -> (en, zh).

    Codes are unique across families, except where two families agree on the
    label, so one flat lookup serves every table a report shows.
    """
    global _CODES
    if _CODES is None:
        from pathlib import Path

        import yaml

        raw = yaml.safe_load(resources.path("data", "codes.yaml").read_text(encoding="utf-8"))
        flat: dict[str, tuple[str, str]] = {}
        for family in raw.values():
            for code, (en, zh) in family.items():
                flat.setdefault(str(code), (str(en), str(zh)))
        _CODES = flat
    return _CODES


_CODES: dict[str, tuple[str, str]] | None = None


def check_language(language: str) -> str:
    from crmkit.errors import ConfigError

    if language not in LANGUAGES:
        raise ConfigError(f"language must be one of {LANGUAGES}, not {language!r}")
    return language


class Translator:
    """Pick the English or Chinese member of a text pair.

    Examples
    --------
    >>> tr = Translator("zh")
    >>> tr("Churn rate", "流失率")
    '流失率'
    >>> Translator("en").dimension("loyalty")
    'Loyalty'
    >>> tr.code("too_expensive"), tr.code("no such code")
    ('价格太贵', 'no such code')
    """

    def __init__(self, language: str = "en"):
        self.language = check_language(language)

    def __call__(self, en: str, zh: str) -> str:
        return zh if self.language == "zh" else en

    def code(self, value: object) -> object:
        """Label of a canonical code (e.g. ``too_expensive`` -> 价格太贵); other values unchanged."""
        if isinstance(value, str):
            pair = code_labels().get(value)
            if pair:
                return self(*pair)
        return value

    def dimension(self, key: str) -> str:
        en, zh = DIMENSIONS.get(key, (key, key))
        return self(en, zh)
