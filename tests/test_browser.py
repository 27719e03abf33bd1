"""Rendered reports and the index in a real headless Chromium with networking disabled.

Chromium comes from the distribution's package (``.ci/run`` installs it);
Playwright drives it.  Screenshots are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from crmkit.reports.index import build_index
from crmkit.reports.params import load_params
from crmkit.reports.runner import list_notebooks, run_reports

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        if os.environ.get("CRMKIT_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (CRMKIT_REQUIRE_BROWSER is set) but was not found")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def outputs(demo_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-out")
    wanted = [p.stem for p in list_notebooks() if p.stem.startswith(("00", "05", "10", "99"))]
    params = [
        load_params(None, company="jinghong", period="2025Q4", store=str(demo_store), language="en"),
        load_params(None, company="huamei", period="2025Q4", store=str(demo_store), language="zh"),
    ]
    run_reports(params, outputs=out, notebooks=wanted, jobs=1)
    build_index(out)
    return out


class PageProbe:
    """Opens a file URL offline and records console errors and any network attempt."""

    def __init__(self, browser, width=1300, height=900):
        self.context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            url = r.request.url
            if url.startswith(("file:", "data:")):
                r.continue_()
            else:
                self.requests.append(url)
                r.abort()

        self.page.route("**/*", route)

    def open(self, path: Path):
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")
        return self.page

    def close(self):
        self.context.close()


def _shot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_index_page(browser, outputs):
    probe = PageProbe(browser)
    page = probe.open(outputs / "index.html")
    assert page.locator("h2#grid").count() == 1
    assert page.locator("table#grid-table tbody tr").count() == 2
    links = page.locator("a[href$='.html']")
    assert links.count() >= 2
    first_company = page.locator("table#all-table tbody tr td").first.inner_text()
    page.locator("table#all-table th.sortable").first.click()
    page.locator("table#all-table th.sortable").first.click()
    assert page.locator("table#all-table tbody tr td").first.inner_text() != first_company or page.locator("table#all-table tbody tr").count() == 1
    _shot(page, "index.png")
    assert not probe.errors, probe.errors
    assert not probe.requests, probe.requests
    probe.close()


@pytest.mark.parametrize("company, language, title", [("jinghong", "en", "Data quality"), ("huamei", "zh", "数据质量")])
def test_reports_render_offline(browser, outputs, company, language, title):
    folder = outputs / company / "2025Q4"
    pages = sorted(folder.glob("*.html"))
    assert pages
    for html in pages:
        probe = PageProbe(browser)
        page = probe.open(html)
        assert page.locator("header.ck-header h1").count() == 1
        assert page.locator("nav.ck-toc a").count() >= 3, html.name
        images = page.locator("main img")
        assert images.count() >= 1, f"{html.name} has no chart"
        broken = page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length")
        assert broken == 0, f"{html.name}: {broken} images failed to load"
        if language == "zh":
            assert page.evaluate("document.fonts.check('16px \"crmkit CJK\"', '数据质量')"), "embedded CJK font not loaded"
        if html.stem.startswith("00"):
            assert page.locator("header.ck-header h1").inner_text() == title
        _shot(page, f"{company}_{language}_{html.stem}.png")
        assert not probe.errors, f"{html.name}: {probe.errors}"
        assert not probe.requests, f"{html.name} tried to load {probe.requests}"
        probe.close()
