"""Playwright against Django's live_server, driving Debian's Chromium (never a downloaded browser).

Without /usr/bin/chromium the browser tests skip with a reason; with DAGSVERKET_REQUIRE_BROWSER=1
(set by .ci/run) a missing browser fails the run instead.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "tests"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TABLET_PORTRAIT = {"width": 768, "height": 1024}
TABLET_LANDSCAPE = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("DAGSVERKET_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; browser tests are required here.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tablet(chromium_browser, live_server):
    """A fresh browser page at 768×1024 with touch, pointed at the live server."""
    context = chromium_browser.new_context(viewport=TABLET_PORTRAIT, has_touch=True, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a screenshot to docs/screenshots/tests/ (ignored by git) for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, username: str, password: str = "demo") -> None:
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def assert_touch_targets(page, selector: str = "button, a.button, select, input:not([type=hidden])") -> None:
    """Every visible interactive element is at least 44 px high."""
    small = page.eval_on_selector_all(
        selector,
        """els => els.filter(e => { const r = e.getBoundingClientRect();
              return r.width > 0 && r.height > 0 && r.height < 43.5
                     && !['checkbox', 'radio'].includes(e.type); })
            .map(e => e.outerHTML.slice(0, 120))""",
    )
    assert small == [], f"touch targets under 44 px: {small}"
