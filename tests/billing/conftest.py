"""The Stripe sandbox served once per session, an SDK client pointed at it, a webhook receiver, and Stripe's
published OpenAPI spec turned into JSON Schema validators: after every test, each API answer the sandbox gave
and each event it emitted must match the spec (`stripe_sandbox` checks it on teardown)."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import stripe
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.server import serve
from sandbox.stripe import StripeSandbox

# The shared third-party contracts (design: read them where they are, never copy them in).
CONTRACTS_DIR = Path(os.environ.get("EPOX_CONTRACTS_DIR", Path(__file__).resolve().parents[3] / "shared" / "data"))
SPEC_PATH = CONTRACTS_DIR / "stripe" / "openapi" / "stripe_openapi.spec3.2026-05-27.dahlia.json.gz"


# --- the contract: Stripe's OpenAPI components as JSON Schema --------------------------------------------------


def _convert(node: Any) -> Any:
    """One OpenAPI 3.0 schema node as JSON Schema 2020-12, made strict: objects with declared properties accept
    no others (so the sandbox cannot invent fields), `nullable` becomes a null alternative, and the fields
    Stripe can expand accept their id string as well as the object."""
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-") or key in ("description", "title", "nullable"):
            continue
        if key == "properties":
            expandable = set(node.get("x-expandableFields", ()))
            out[key] = {
                name: {"anyOf": [{"type": "string"}, _convert(prop)]} if name in expandable else _convert(prop)
                for name, prop in value.items()
            }
        elif key in ("anyOf", "oneOf", "allOf", "items", "additionalProperties"):
            out[key] = _convert(value)
        else:
            out[key] = value  # type, enum, required, $ref ('#/components/schemas/...' stays valid), maxLength...
    if "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


class StripeContract:
    """Validators for Stripe's objects, by their `object` name (which is also their schema's name)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.components = {"schemas": {name: _convert(s) for name, s in spec["components"]["schemas"].items()}}
        self.checked: set[str] = set()  # object types validated so far in the session
        self._validators: dict[str, Draft202012Validator] = {}

    def validator(self, schema: str) -> Draft202012Validator:
        if schema not in self._validators:
            root = {"$ref": f"#/components/schemas/{schema}", "components": self.components}
            self._validators[schema] = Draft202012Validator(root)
        return self._validators[schema]

    def errors(self, obj: Any, schema: str | None = None) -> list[str]:
        """Why `obj` does not match its schema (by `object`, or `schema`); lists are checked item by item."""
        if schema is None and isinstance(obj, dict) and obj.get("object") == "list":
            if set(obj) != {"object", "data", "has_more", "url"}:
                return [f"list envelope has keys {sorted(obj)}"]
            return [error for item in obj["data"] for error in self.errors(item)]
        name = schema or (obj.get("object") if isinstance(obj, dict) else None)
        if not isinstance(name, str) or name not in self.components["schemas"]:
            return [f"no schema for {name!r}"]
        self.checked |= _object_types(obj) | {name}
        error = best_match(self.validator(name).iter_errors(obj))
        if error is None:
            return []
        where = "/".join(str(p) for p in error.absolute_path)
        return [
            f"{name} {obj.get('id', '') if isinstance(obj, dict) else ''} at {where or '<root>'}: {error.message[:300]}"
        ]

    def check(self, obj: Any, schema: str | None = None) -> None:
        problems = self.errors(obj, schema)
        assert not problems, "\n".join(problems)

    def check_event(self, event: dict[str, Any]) -> None:
        self.check(event)
        self.check(event["data"]["object"])


def _object_types(value: Any) -> set[str]:
    """Every `object` name in a value, nested ones included (they were validated through their parent)."""
    if isinstance(value, list):
        return {name for item in value for name in _object_types(item)}
    if not isinstance(value, dict):
        return set()
    own = {value["object"]} if isinstance(value.get("object"), str) and value["object"] != "list" else set()
    return own.union(*(_object_types(item) for item in value.values()))


@pytest.fixture(scope="session")
def stripe_contract() -> StripeContract:
    with gzip.open(SPEC_PATH) as handle:
        return StripeContract(json.load(handle))


# --- the sandbox ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def stripe_server() -> Iterator[StripeSandbox]:
    with serve(StripeSandbox()) as sandbox:
        yield sandbox
    sandbox.close()


@pytest.fixture
def stripe_sandbox(stripe_server: StripeSandbox, stripe_contract: StripeContract) -> Iterator[StripeSandbox]:
    """The sandbox, emptied after each test, once everything it answered and emitted matched Stripe's spec."""
    try:
        yield stripe_server
        stripe_server.flush()
        for call in stripe_server.calls:
            stripe_contract.check(call.body, "error" if call.status >= 400 else None)
        for event in stripe_server.events:
            stripe_contract.check_event(event)
    finally:
        stripe_server.webhook_url = None
        stripe_server.auto_deliver = True
        stripe_server.reset()


@pytest.fixture
def stripe_client(stripe_sandbox: StripeSandbox) -> stripe.StripeClient:
    """The official SDK, as the app builds it, aimed at the sandbox (no retries: each call is one request)."""
    return stripe.StripeClient(
        stripe_sandbox.api_key, base_addresses={"api": stripe_sandbox.base_url}, max_network_retries=0
    )


# --- a webhook endpoint --------------------------------------------------------------------------------------


class WebhookReceiver:
    """An app-side endpoint that verifies each delivery with the SDK, and keeps what it accepted."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.base_url = ""
        self.accepted: list[stripe.Event] = []
        self.refused = 0
        self.app = Starlette(routes=[Route("/webhooks/stripe", self.receive, methods=["POST"])])

    @property
    def url(self) -> str:
        return f"{self.base_url}/webhooks/stripe"

    async def receive(self, request: Request) -> JSONResponse:
        body = await request.body()
        try:
            event = stripe.Webhook.construct_event(body, request.headers.get("Stripe-Signature", ""), self.secret)
        except (ValueError, stripe.SignatureVerificationError):
            self.refused += 1
            return JSONResponse({"error": "bad signature"}, status_code=400)
        self.accepted.append(event)
        return JSONResponse({"received": True})


@pytest.fixture
def webhook_receiver(stripe_sandbox: StripeSandbox) -> Iterator[WebhookReceiver]:
    with serve(WebhookReceiver(stripe_sandbox.webhook_secret)) as receiver:
        yield receiver


# --- the app billing against the sandbox -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def billing_settings(migrated: Any, stripe_server: StripeSandbox) -> Any:
    """The app configured for the Stripe sandbox (events are delivered by the tests, through the ASGI client)."""
    from pydantic import SecretStr

    return migrated.model_copy(
        update={
            "stripe_secret_key": SecretStr(stripe_server.api_key),
            "stripe_webhook_secret": SecretStr(stripe_server.webhook_secret),
            "stripe_api_base_url": stripe_server.base_url,
        }
    )


@pytest.fixture(scope="module")
async def billing_app(billing_settings: Any) -> Any:
    from asgi_lifespan import LifespanManager

    from api.main import create_app

    application = create_app(billing_settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
def sandbox(stripe_sandbox: StripeSandbox) -> StripeSandbox:
    """The sandbox for app tests: nothing is delivered on its own, the test delivers (and reorders) events."""
    stripe_sandbox.auto_deliver = False
    return stripe_sandbox


@pytest.fixture
async def owner(billing_app: Any) -> Any:
    """A signed-up merchant (the workspace's owner) on the billing app; `owner.created` is the sign-up answer."""
    from tests.helpers import new_browser, signup

    async with new_browser(billing_app) as client:
        client.created = await signup(client)  # type: ignore[attr-defined]
        yield client
