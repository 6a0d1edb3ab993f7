"""Browser tests: the real SPA (frontend/dist) served by the real API on a free port, driven in headless
Chromium from Debian through Playwright. Skipped, with the reason printed, when either is missing."""

from __future__ import annotations

import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import uvicorn

from api.core.config import PROJECT_ROOT, Settings
from api.main import create_app
from tests.helpers import free_port

DIST = PROJECT_ROOT / "frontend" / "dist"
SCREENSHOTS = PROJECT_ROOT / "test-results"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="session")
def live_server(migrated: Settings) -> Iterator[str]:
    """The API serving the built SPA, in a thread with its own event loop."""
    if not (DIST / "index.html").is_file():
        pytest.skip("the SPA is not built (make test builds it)")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = create_app(migrated.model_copy(update={"frontend_dist": DIST, "public_url": base_url}))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    assert server.started, "the live server did not start"
    yield base_url
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[object]:
    executable = _chromium()
    if executable is None:
        pytest.skip("Chromium is not installed (make test installs Debian's chromium when run as root)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        await browser.close()


@pytest.fixture
async def page(chromium, live_server: str) -> AsyncIterator[object]:
    context = await chromium.new_context(base_url=live_server, viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    yield page
    await context.close()


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
