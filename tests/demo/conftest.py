from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crmkit.demo import generate, write_exports

SCALE = 0.5
SEED = 7


@pytest.fixture(scope="session")
def demo() -> dict[str, dict[str, pd.DataFrame]]:
    """All demo companies at a reduced scale."""
    return generate(seed=SEED, scale=SCALE)


@pytest.fixture(scope="session")
def exported(tmp_path_factory, demo) -> Path:
    """Manifest path of the raw exports of :func:`demo`."""
    return write_exports(demo, tmp_path_factory.mktemp("exports"))
