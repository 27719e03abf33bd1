"""Model checks: calibration vs holdout, tracking, holdout error, plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from crmkit.clv import (
    BetaGeoFitter,
    ParetoNBDFitter,
    calibration_holdout_table,
    holdout_error,
    plotting,
    tracking_transactions,
)


@pytest.fixture(scope="module")
def models(cdnow_ch):
    ch = cdnow_ch
    return {
        "BG/NBD": BetaGeoFitter().fit(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"]),
        "Pareto/NBD": ParetoNBDFitter().fit(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"]),
    }


def test_calibration_holdout_table(models, cdnow_ch):
    m = models["BG/NBD"]
    table = calibration_holdout_table(m, cdnow_ch, max_frequency=7)
    assert list(table["frequency_cal"]) == list(range(8))
    assert table["label"].iloc[-1] == "7+"
    assert table["n_customers"].sum() == 2357
    ch = cdnow_ch
    top = ch[ch["frequency_cal"] >= 7]
    assert table["actual"].iloc[-1] == pytest.approx(top["frequency_holdout"].mean())
    pred = m.predict(39.0, top["frequency_cal"], top["recency_cal"], top["T_cal"]).mean()
    assert table["predicted"].iloc[-1] == pytest.approx(pred)
    zero = ch["frequency_cal"] == 0
    assert table["n_customers"].iloc[0] == zero.sum() == 1411


def test_holdout_error(models, cdnow_ch):
    err = holdout_error(models, cdnow_ch)
    assert list(err.index) == ["BG/NBD", "Pareto/NBD"]
    ch = cdnow_ch
    pred = models["BG/NBD"].predict(ch["duration_holdout"], ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
    diff = pred - ch["frequency_holdout"]
    row = err.loc["BG/NBD"]
    assert row["actual_total"] == ch["frequency_holdout"].sum() == 1882
    assert row["mae"] == pytest.approx(diff.abs().mean())
    assert row["rmse"] == pytest.approx(np.sqrt((diff**2).mean()))
    assert row["pct_error"] == pytest.approx(100 * diff.sum() / 1882)
    assert abs(row["pct_error"]) < 15  # the models forecast CDNOW's holdout reasonably


class _Linear:
    """Stub model with E[X(t)] = 0.5 t."""

    def expected_number_of_purchases_up_to_time(self, t):
        return 0.5 * np.asarray(t, dtype=float)


def test_tracking_hand_computed():
    tx = pd.DataFrame({
        "id": ["a", "a", "a", "b", "b", "c"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-03", "2024-01-02", "2024-01-05", "2024-01-09"]),
    })
    tr = tracking_transactions(_Linear(), tx, "id", "date", t=6, freq="D")
    # first purchases on day offsets 0 (a) and 1 (b); c starts after the tracked window
    assert list(tr["actual_cumulative"]) == [0, 0, 1, 1, 2, 2]
    expected = [0.5 * sum(i - j for j in (0, 1) if j < i) for i in range(1, 7)]
    np.testing.assert_allclose(tr["predicted_cumulative"], expected)
    np.testing.assert_allclose(tr["predicted"], np.diff(expected, prepend=0))
    assert tr["period_start"].iloc[0] == pd.Timestamp("2024-01-01")
    # two-day units: boundaries after day offsets 1, 3, 5
    tr2 = tracking_transactions(_Linear(), tx, "id", "date", t=6, freq="D", freq_multiplier=2)
    np.testing.assert_allclose(tr2["predicted_cumulative"], [0.5 * (2 + 1) / 2, 0.5 * (4 + 3) / 2, 0.5 * (6 + 5) / 2])
    assert list(tr2["actual_cumulative"]) == [0, 1, 2]


def test_tracking_cdnow(models, cdnow_transactions, cdnow_ch):
    tr = tracking_transactions(models["BG/NBD"], cdnow_transactions, "id", "date", t=78 * 7, freq="D", freq_multiplier=7)
    assert len(tr) == 78
    total_repeat = cdnow_ch["frequency_cal"].sum() + cdnow_ch["frequency_holdout"].sum()
    assert tr["actual_cumulative"].iloc[-1] == total_repeat
    assert tr["actual_cumulative"].iloc[38] == cdnow_ch["frequency_cal"].sum()  # end of week 39 = calibration end
    assert np.all(np.diff(tr["predicted_cumulative"]) > 0)
    # FHL (2005, fig. 3): the BG/NBD tracks cumulative repeat sales within a few percent
    assert tr["predicted_cumulative"].iloc[-1] == pytest.approx(tr["actual_cumulative"].iloc[-1], rel=0.06)


def test_plots(models, cdnow_ch, cdnow_transactions):
    import matplotlib.pyplot as plt

    ax = plotting.plot_calibration_holdout(calibration_holdout_table(models["BG/NBD"], cdnow_ch))
    assert len(ax.lines) == 2
    tr = tracking_transactions(models["BG/NBD"], cdnow_transactions, "id", "date", t=78 * 7, freq="D", freq_multiplier=7)
    ax = plotting.plot_tracking(tr, holdout_start=39)
    assert len(ax.lines) == 3
    ax = plotting.plot_tracking(tr, cumulative=False)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), tr["actual"])
    ax = plotting.plot_holdout_error(holdout_error(models, cdnow_ch), metric="mae")
    assert len(ax.patches) == 2
    plt.close("all")
