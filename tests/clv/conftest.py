from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

CDNOW = Path(__file__).resolve().parents[1] / "data" / "cdnow"


@pytest.fixture(scope="session")
def cdnow_transactions() -> pd.DataFrame:
    tx = pd.read_csv(CDNOW / "CDNOW_sample.txt", sep=r"\s+", header=None,
                     names=["master_id", "id", "date", "cds", "amount"], dtype={"date": str})
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return tx


@pytest.fixture(scope="session")
def cdnow_summary() -> pd.DataFrame:
    """Canonical published summary: ID, x, t_x, T, zbar (weeks)."""
    return pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv", index_col="ID")


@pytest.fixture(scope="session")
def cdnow_ch(cdnow_transactions: pd.DataFrame) -> pd.DataFrame:
    from crmkit.clv import calibration_and_holdout_data

    return calibration_and_holdout_data(cdnow_transactions, "id", "date", "1997-09-30", "1998-06-30",
                                        freq="D", freq_multiplier=7, monetary_value_col="amount")
