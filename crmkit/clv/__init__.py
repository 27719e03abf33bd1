"""Predictive customer lifetime value: BTYD models with the lifetimes API.

Maximum-likelihood fitters for BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma
(non-contractual), the shifted-beta-geometric contract-duration model,
the per-customer RFM summaries they need, simulators and model checks. Names
and semantics follow the ``lifetimes`` package so that analyses move over
unchanged::

    from crmkit.clv import summary_data_from_transaction_data, BetaGeoFitter, GammaGammaFitter
    rfm = summary_data_from_transaction_data(orders, "customer_id", "order_date", "amount", freq="W")
    bgf = BetaGeoFitter().fit(rfm["frequency"], rfm["recency"], rfm["T"])
"""

from __future__ import annotations

from crmkit.clv import diagnostics, plotting, simulate
from crmkit.clv.beta_geo import BetaGeoFitter, ModifiedBetaGeoFitter
from crmkit.clv.diagnostics import calibration_holdout_table, holdout_error, holdout_predictions, tracking_transactions
from crmkit.clv.gamma_gamma import GammaGammaFitter, SpendFrequencyCorrelationWarning
from crmkit.clv.pareto_nbd import ParetoNBDFitter
from crmkit.clv.shifted_beta_geo import ShiftedBetaGeometricFitter
from crmkit.clv.summary import calibration_and_holdout_data, summary_data_from_transaction_data
from crmkit.clv.workflow import PredictiveCLV, predictive_clv

__all__ = [
    "summary_data_from_transaction_data",
    "calibration_and_holdout_data",
    "BetaGeoFitter",
    "ModifiedBetaGeoFitter",
    "ParetoNBDFitter",
    "ShiftedBetaGeometricFitter",
    "GammaGammaFitter",
    "SpendFrequencyCorrelationWarning",
    "calibration_holdout_table",
    "holdout_predictions",
    "holdout_error",
    "tracking_transactions",
    "predictive_clv",
    "PredictiveCLV",
    "diagnostics",
    "plotting",
    "simulate",
]
