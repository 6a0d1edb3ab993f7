"""Browser tests: the real SPA (frontend/dist) served by the real API on a free port, driven in headless
Chromium from Debian through Playwright. Skipped, with the reason printed, when either is missing.

The live server connects Shopify stores to the loopback Shopify sandbox (its install screen approves at once), and
tests that import from a store ask for `sync_worker`, an arq worker for the store queue. Billing goes to the
loopback Stripe sandbox (its hosted checkout page has "Pay" buttons; its signed webhooks reach the live server), and
tests that pay ask for `default_worker`, which processes Stripe's events (and emails) in the background."""

from __future__ import annotations

import asyncio
import shutil
import signal
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from arq.worker import Worker
from pydantic import SecretStr

from api.core.config import PROJECT_ROOT, Settings
from api.core.queue import DEFAULT_QUEUE, IMAGE_QUEUE, SYNC_QUEUE, VIDEO_QUEUE
from api.main import create_app
from sandbox.shopify import ShopifySandbox, serve
from sandbox.stripe import StripeSandbox
from tests.helpers import free_port
from workers.settings import build_worker

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
def e2e_shopify() -> Iterator[ShopifySandbox]:
    """The loopback Shopify the live server's stores live in (shops: `<name>.myshopify.com`)."""
    with serve(ShopifySandbox()) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def e2e_stripe() -> Iterator[StripeSandbox]:
    """The loopback Stripe the live server bills with; it delivers its signed events to the live server as they
    happen (the live server's settings set where)."""
    with serve(StripeSandbox(auto_deliver=True)) as sandbox:
        yield sandbox
    sandbox.close()


@pytest.fixture(scope="session")
def live_settings(migrated: Settings, e2e_shopify: ShopifySandbox, e2e_stripe: StripeSandbox) -> Settings:
    """The live server's settings (the worker shares them): its own URL, the built SPA, the Shopify sandbox as the
    Shopify app, the sandbox's images allowed to be downloaded although they are on loopback, and the Stripe
    sandbox as Stripe (its webhooks go to the live server)."""
    base_url = f"http://127.0.0.1:{free_port()}"
    e2e_stripe.webhook_url = f"{base_url}/api/v1/webhooks/stripe"
    return migrated.model_copy(
        update={
            "frontend_dist": DIST,
            "public_url": base_url,
            "shopify_client_id": e2e_shopify.client_id,
            "shopify_client_secret": SecretStr(e2e_shopify.client_secret),
            "shopify_api_base_url": e2e_shopify.base_url,
            "fetch_allowed_prefixes": [*migrated.fetch_allowed_prefixes, f"{e2e_shopify.base_url}/cdn/"],
            "stripe_secret_key": SecretStr(e2e_stripe.api_key),
            "stripe_webhook_secret": SecretStr(e2e_stripe.webhook_secret),
            "stripe_api_base_url": e2e_stripe.base_url,
        }
    )


@pytest.fixture(scope="session")
def live_server(live_settings: Settings) -> Iterator[str]:
    """The API serving the built SPA, in a thread with its own event loop."""
    if not (DIST / "index.html").is_file():
        pytest.skip("the SPA is not built (make test builds it)")
    base_url = live_settings.public_url
    port = httpx.URL(base_url).port
    assert port is not None
    app = create_app(live_settings)
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


@contextmanager
def queue_worker(queue: str, settings: Settings, name: str) -> Iterator[None]:
    """An arq worker for `queue` in a thread with its own event loop, stopped (running jobs allowed to finish) on
    exit."""
    started = threading.Event()
    running: list[tuple[Worker, asyncio.AbstractEventLoop]] = []
    crashed: list[BaseException] = []

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        worker = build_worker(queue, settings)  # arq binds the worker to the current event loop
        running.append((worker, loop))
        started.set()
        try:
            loop.run_until_complete(worker.async_run())
        except asyncio.CancelledError:
            pass  # how a stopped worker ends
        except BaseException as exc:
            crashed.append(exc)
        finally:
            loop.run_until_complete(worker.close())
            loop.close()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    assert started.wait(10), f"{name} did not start"
    yield
    worker, loop = running[0]
    if not loop.is_closed():
        loop.call_soon_threadsafe(worker.handle_sig_wait_for_completion, signal.SIGTERM)
    thread.join(45)
    assert not thread.is_alive(), f"{name} did not stop"
    assert not crashed, f"{name} crashed: {crashed[0]!r}"


# The workers are module-scoped on purpose: each stops when the module that asked for it is done, so it never
# picks up jobs that later test packages enqueue and inspect themselves.


@pytest.fixture(scope="module")
def sync_worker(live_settings: Settings) -> Iterator[None]:
    """The store queue: imports and store webhooks."""
    with queue_worker(SYNC_QUEUE, live_settings, "e2e-sync-worker"):
        yield


@pytest.fixture(scope="module")
def default_worker(live_settings: Settings) -> Iterator[None]:
    """The default queue: Stripe's events (plans, credits, invoices), emails, and the reconciler."""
    with queue_worker(DEFAULT_QUEUE, live_settings, "e2e-default-worker"):
        yield


@pytest.fixture(scope="module")
def image_worker(live_settings: Settings) -> Iterator[None]:
    """The image queue, where generations run."""
    with queue_worker(IMAGE_QUEUE, live_settings, "e2e-image-worker"):
        yield


@pytest.fixture(scope="module")
def video_worker(live_settings: Settings) -> Iterator[None]:
    """The video queue, where clips are rendered and trimmed, reframed or muted."""
    with queue_worker(VIDEO_QUEUE, live_settings, "e2e-video-worker"):
        yield


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
