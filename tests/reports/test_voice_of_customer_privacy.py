"""The voice-of-the-customer report shows example comments only when the run turns mask_pii off.

The report runs on the demo store twice: with ``mask_pii: false`` the example
section appears with phone numbers and e-mail addresses redacted; with the
default ``mask_pii: true`` none of those comments (nor any other customer
comment) may appear in the rendered page.
"""

from __future__ import annotations

import duckdb
import pytest
from bs4 import BeautifulSoup

from crmkit.indicators.feedback import redact_pii
from crmkit.reports.params import load_params
from crmkit.reports.runner import run_reports

pytestmark = pytest.mark.slow

NOTEBOOK = "11_voice_of_customer"


def _page(demo_store, out, mask_pii: bool) -> BeautifulSoup:
    params = [load_params(None, company="yunting", period="2025Q4", store=str(demo_store), language="en", mask_pii=mask_pii)]
    result = run_reports(params, outputs=out, notebooks=[NOTEBOOK], jobs=1)
    assert [r["status"] for r in result.results] == ["ok"], result.results
    return BeautifulSoup((out / "yunting" / "2025Q4" / f"{NOTEBOOK}.html").read_text(encoding="utf-8"), "html.parser")


def _column(page: BeautifulSoup, header: str) -> list[str]:
    """The cells under *header* in every table of *page* that has that column."""
    out = []
    for table in page.find_all("table"):
        heads = [th.get_text() for th in table.find_all("th")]
        if header in heads:
            col = heads.index(header)
            out += [tr.find_all("td")[col].get_text() for tr in table.find("tbody").find_all("tr")]
    return out


def _examples(page: BeautifulSoup) -> list[str]:
    return _column(page, "Comment (redacted)")


@pytest.fixture(scope="module")
def pages(demo_store, tmp_path_factory):
    return (_page(demo_store, tmp_path_factory.mktemp("masked"), True),
            _page(demo_store, tmp_path_factory.mktemp("unmasked"), False))


@pytest.fixture(scope="module")
def comments(demo_store) -> list[str]:
    with duckdb.connect(str(demo_store), read_only=True) as con:
        rows = con.execute("select distinct comment from surveys where company = 'yunting' and comment is not null "
                           "and survey_type <> 'employee'").fetchall()
    return [r[0] for r in rows]


def test_unmasked_run_shows_redacted_examples(pages, comments):
    _, unmasked = pages
    shown = _examples(unmasked)
    assert shown, "no example comment with mask_pii: false"
    assert set(shown) <= {redact_pii(c) for c in comments}
    assert "phone numbers and e-mail addresses are redacted" in unmasked.get_text(" ")


def test_masked_run_shows_no_verbatim_comment(pages, comments):
    masked, unmasked = pages
    text = masked.get_text(" ")
    assert "Example comments" not in text and not _examples(masked)
    reasons = set(_column(masked, "Reason"))  # a complaint reason may read like a short comment ("Price too high")
    assert not [c for c in _examples(unmasked) if c in text and c not in reasons]
    long = [redact_pii(c) for c in comments if len(c) >= 10]
    assert long and not [c for c in long if c in text and c not in reasons]
