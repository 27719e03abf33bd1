"""Charts are drawn headless (Agg) in crmkit's theme; every figure is closed after its test."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _chart_theme():
    import matplotlib.pyplot as plt

    from crmkit.reports import plotting

    plotting.setup("zh")  # registers the CJK font, so Chinese labels and data values render
    yield
    plt.close("all")
