"""Serving a sandbox: any object with an ASGI `app` and a `base_url` runs under uvicorn on a loopback port.

The sandboxes (Shopify, WooCommerce) and the small receivers tests stand up beside them all share this, so a test
or `epox run` can start one in a background thread and learn its URL from `base_url`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar

from starlette.types import ASGIApp


class Servable(Protocol):
    # A read-only property, so a sandbox whose `app` is a concrete Starlette still matches (attributes are invariant).
    @property
    def app(self) -> ASGIApp: ...

    base_url: str


S = TypeVar("S", bound=Servable)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(sandbox: S, port: int | None = None) -> Iterator[S]:
    """Run the sandbox with uvicorn on a loopback port in a background thread; sets `sandbox.base_url`."""
    import uvicorn  # only the serving process needs it

    port = port or free_port()
    config = uvicorn.Config(sandbox.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"{type(sandbox).__name__} did not start on port {port}")
        time.sleep(0.02)
    sandbox.base_url = f"http://127.0.0.1:{port}"
    try:
        yield sandbox
    finally:
        server.should_exit = True
        thread.join(5)
