"""Playwright for Python driving Debian's chromium (never a downloaded browser).

On a laptop without chromium these tests skip; in CI (REQUIRE_REAL_SERVICES=1)
a missing chromium fails the run: `sudo apt-get install chromium fonts-wqy-microhei`.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# test itself are ordinary synchronous code, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Debian's chromium under Playwright does not turn `locale` into Accept-Language: send it as a Chinese phone does.
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("REQUIRE_REAL_SERVICES") == "1":
            pytest.fail("chromium is not installed: sudo apt-get install chromium fonts-wqy-microhei")
        pytest.skip("chromium is not installed (sudo apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", extra_http_headers=ZH, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN",
        extra_http_headers=ZH,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
