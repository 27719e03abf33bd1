from __future__ import annotations

import datetime as dt

import pytest

from crmkit.errors import ConfigError
from crmkit.reports.params import Parameters, load_params, period_bounds

from .helpers import write_text


@pytest.mark.parametrize(
    "period, first, last",
    [("2025Q4", "2025-10-01", "2025-12-31"), ("2024Q1", "2024-01-01", "2024-03-31"), ("2025H2", "2025-07-01", "2025-12-31"),
     ("2024-02", "2024-02-01", "2024-02-29"), ("2025M11", "2025-11-01", "2025-11-30"), ("2025", "2025-01-01", "2025-12-31")],
)
def test_period_bounds(period, first, last):
    assert period_bounds(period) == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


def test_unknown_key_is_an_error_with_suggestion(tmp_path):
    f = write_text(tmp_path / "p.yaml", "company: acme\nperiod: 2025Q4\nlangauge: zh\n")
    with pytest.raises(ConfigError, match=r"p\.yaml: invalid parameters: unknown parameter 'langauge' \(did you mean 'language'\?\)"):
        load_params(f)


@pytest.mark.parametrize(
    "extra, pattern",
    [("language: fr", "language"), ("period: 2025Q5", "period"), ("company: ../etc", "company"),
     ("start: 2025-12-01\nend: 2025-11-01", "end .* is before start"), ("mask_pii: perhaps", "mask_pii"),
     ("currency: yuan", "currency")],
)
def test_invalid_values(tmp_path, extra, pattern):
    body = "company: acme\nperiod: 2025Q4\n" + extra + "\n"
    body = "\n".join(dict((l.split(":")[0], l) for l in body.strip().splitlines()).values())
    with pytest.raises(ConfigError, match=pattern):
        load_params(write_text(tmp_path / "p.yaml", body))


def test_defaults_and_relative_paths(tmp_path):
    f = write_text(tmp_path / "p.yaml", "company: acme\nperiod: 2025Q3\nstore: ../crm.duckdb\n")
    p = load_params(f)
    assert (p.start, p.end) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    assert p.mask_pii is True and p.language == "en"
    assert p.store == str((tmp_path / ".." / "crm.duckdb").resolve())


def test_yaml_is_loaded_safely(tmp_path):
    f = write_text(tmp_path / "p.yaml", "company: !!python/object/apply:os.system ['echo hacked']\nperiod: 2025Q4\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_params(f)


def test_strings_stay_strings():
    p = Parameters(company="00123", period="2025Q4", currency="CNY")
    v = p.notebook_values()
    assert v["company"] == "00123" and isinstance(v["company"], str)
    assert v["start"] == "2025-10-01" and v["mask_pii"] is True


def test_overrides_are_relative_to_the_working_directory(tmp_path, monkeypatch):
    sub = tmp_path / "parameters" / "acme"
    sub.mkdir(parents=True)
    f = write_text(sub / "2025Q4.yaml", "company: acme\nperiod: 2025Q4\nweights: w/mine.yaml\n")
    monkeypatch.chdir(tmp_path)
    p = load_params(f, {"store": "data/crm.duckdb"})
    assert p.store == str(tmp_path / "data" / "crm.duckdb")
    assert p.weights == str(sub / "w" / "mine.yaml")
    assert load_params(f, weights="due_diligence").weights == "due_diligence"
