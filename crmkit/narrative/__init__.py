"""Readings: the sentences a report writes about its indicators, in both languages.

One module per dimension.  Each function takes indicator results (numbers,
:class:`~crmkit.estimate.Estimate` objects, small frames) and returns a
:class:`~crmkit.formatting.Bilingual` sentence, so the wording is unit-tested
beside the indicators and the notebooks only show it: ``rp.text(*reading)``.
Layer: above the indicators and the evaluation, below the reports; a reading
never computes an indicator itself.
"""
