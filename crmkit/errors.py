"""Exception hierarchy.

Every error a user can cause (bad file, bad mapping, bad parameters, a report
that failed) derives from :class:`CRMKitError`.  The CLI prints ``str(err)``
and exits with ``err.exit_code`` instead of a traceback, so messages must say
*what* is wrong, *where* (file, table, column, row) and *what to do*.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CRMKitError",
    "DataError",
    "MappingError",
    "ConfigError",
    "ReportError",
    "ModelError",
]


class CRMKitError(Exception):
    """Base class of all errors crmkit raises on purpose.

    Parameters
    ----------
    message : str
        Full, human-readable explanation including the fix.
    failure_cases : pandas.DataFrame, optional
        Offending rows (as pandera does), for programmatic inspection.
    """

    exit_code = 2

    def __init__(self, message: str, *, failure_cases: Any = None):
        super().__init__(message)
        self.failure_cases = failure_cases


class DataError(CRMKitError):
    """Input data cannot be read or does not meet the data contract."""


class MappingError(CRMKitError):
    """A column-mapping YAML file is malformed or does not match the source."""


class ConfigError(CRMKitError):
    """Parameters, targets, weights or other configuration are invalid."""


class ReportError(CRMKitError):
    """A notebook failed to execute or render."""

    exit_code = 1


class ModelError(CRMKitError):
    """A statistical model could not be fitted; the message says what to try."""
