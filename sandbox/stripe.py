"""A loopback stand-in for Stripe: the v1 endpoints Epox calls through the official SDK, a hosted test checkout,
a billing portal, signed webhook events, and time travel for subscriptions.

Point the SDK here with `stripe.StripeClient(api_key, base_addresses={"api": sandbox.base_url})`. Requests are
Stripe's form encoding, answered with objects shaped after API version 2026-05-27.dahlia (see stripe_objects.py)
and Stripe's `{"error": {...}}` bodies; `Idempotency-Key` replays, unknown parameters are refused.

Money moves only where a person or a test says so:
- the hosted checkout page (`session.url`, `/pay/<id>`) has "Pay", "Fail payment" and "Pay later (async)";
  `pay(session_id)` does the same without a browser, `settle_async(session_id)` ends a "pay later" payment;
- `advance(subscription_id)` renews a subscription into its next period (like a test clock), `pay_invoice`
  retries an open invoice.

Every event is kept in `events`; with `webhook_url` set and `auto_deliver`, a background thread posts each one,
signed like Stripe (`Stripe-Signature: t=...,v1=...`), in order. `signed(event)` gives body and headers for
tests that deliver events themselves (duplicated, reordered, to an app without a port).

Each customer has its own clock (Stripe's test clocks are per customer too): `advance` moves it to the period
end, so renewals, their invoices and events carry the dates they would have, without touching other customers.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import hmac
import json
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox import stripe_objects as so
from sandbox import stripe_pages as pages
from sandbox.stripe_objects import API_VERSION, TIMES, Obj, add_intervals, decode_form, money, new_id

__all__ = ["API_VERSION", "ENDPOINTS", "ApiCall", "Delivery", "StripeSandbox"]

# Which parameters each endpoint accepts, by the spec's path template. A nested dict lists the keys of an object
# (applied to every element of a list), "*" allows any key (metadata), None is a value. Anything else is refused
# with Stripe's "Received unknown parameter", so a typo or a parameter the sandbox would silently ignore shows up
# in tests instead of in production. The contract test checks every entry exists in Stripe's spec.
Allowed = dict[str, "Allowed | None"]
_META: Allowed = {"*": None}
_RECURRING: Allowed = {"interval": None, "interval_count": None}
_LIST: Allowed = {"limit": None, "starting_after": None, "ending_before": None, "expand": None}
ENDPOINTS: dict[tuple[str, str], Allowed] = {
    ("post", "/v1/customers"): {"email": None, "name": None, "description": None, "metadata": _META, "expand": None},
    ("get", "/v1/customers/{customer}"): {"expand": None},
    ("post", "/v1/checkout/sessions"): {
        "mode": None,
        "line_items": {
            "price": None,
            "quantity": None,
            "price_data": {
                "currency": None,
                "unit_amount": None,
                "product": None,
                "product_data": {"name": None, "description": None, "metadata": _META},
                "recurring": _RECURRING,
            },
        },
        "customer": None,
        "customer_email": None,
        "customer_creation": None,
        "client_reference_id": None,
        "metadata": _META,
        "success_url": None,
        "cancel_url": None,
        "subscription_data": {"metadata": _META},
        "payment_intent_data": {"metadata": _META},
        "expand": None,
    },
    ("get", "/v1/checkout/sessions/{session}"): {"expand": None},
    ("get", "/v1/checkout/sessions/{session}/line_items"): _LIST,
    ("get", "/v1/subscriptions"): {"customer": None, "status": None, **_LIST},
    ("get", "/v1/subscriptions/{subscription_exposed_id}"): {"expand": None},
    ("post", "/v1/subscriptions/{subscription_exposed_id}"): {
        "items": {
            "id": None,
            "price": None,
            "quantity": None,
            # Unlike checkout, a subscription item's price_data names an existing product (no product_data).
            "price_data": {"currency": None, "unit_amount": None, "product": None, "recurring": _RECURRING},
        },
        "proration_behavior": None,
        "cancel_at_period_end": None,
        "cancellation_details": {"comment": None, "feedback": None},
        "metadata": _META,
        "expand": None,
    },
    ("delete", "/v1/subscriptions/{subscription_exposed_id}"): {
        "cancellation_details": {"comment": None, "feedback": None},
        "expand": None,
    },
    ("get", "/v1/invoices"): {"customer": None, "subscription": None, "status": None, **_LIST},
    ("get", "/v1/invoices/{invoice}"): {"expand": None},
    ("get", "/v1/payment_intents/{intent}"): {"expand": None},
    ("get", "/v1/charges/{charge}"): {"expand": None},
    ("post", "/v1/refunds"): {
        "payment_intent": None,
        "charge": None,
        "amount": None,
        "reason": None,
        "metadata": _META,
        "expand": None,
    },
    ("get", "/v1/refunds/{refund}"): {"expand": None},
    ("post", "/v1/billing_portal/sessions"): {"customer": None, "return_url": None, "expand": None},
    ("get", "/v1/events"): {"type": None, **_LIST},
    ("get", "/v1/events/{id}"): {"expand": None},
}

# Fields Stripe leaves out unless asked for with `expand[]`.
_INCLUDABLE = {("checkout.session", "line_items"), ("invoice", "payments")}
_RETRY_DELAY = 3 * 86400  # Smart Retries: the next attempt of a failed invoice, roughly
_CREATION = ("always", "if_required")
_OUTCOMES = ("pay", "fail", "async")  # the hosted checkout page's buttons


class StripeError(Exception):
    """An API error: the HTTP status and Stripe's `{"error": {...}}` body."""

    def __init__(self, status: int, body: Obj) -> None:
        super().__init__(body["error"]["message"])
        self.status = status
        self.body = body


def _invalid(message: str, *, param: str | None = None, code: str | None = None, status: int = 400) -> StripeError:
    return StripeError(status, so.error(message, param=param, code=code))


@dataclass
class ApiCall:
    """One API request as the sandbox answered it (replays included, marked)."""

    method: str
    path: str
    params: Obj
    status: int
    body: Obj
    request_id: str  # also each event's `request.id` when the call caused it
    idempotency_key: str | None
    replayed: bool = False


@dataclass
class Delivery:
    """One webhook POST: the answer's status, or the connection error."""

    event_id: str
    event_type: str
    url: str
    status: int | None
    error: str | None = None


@dataclass
class _Checkout:
    """What a session needs at payment time that Stripe does not show on the session object."""

    items: list[Obj]
    subscription_metadata: Obj
    payment_metadata: Obj


class StripeSandbox:
    """Serve `app` (sandbox.server.serve sets `base_url`), then drive it through the SDK and the pages.

    For tests: `objects` (every object by id), `events` (in emission order), `calls` (API requests with their
    answers), `deliveries` (webhook POSTs); `get`/`of_type` return copies. Time travel and payments outside the
    API: `pay`, `settle_async`, `advance`, `pay_invoice`. Webhooks: `signed`, `deliver_to_url`, `flush`.
    """

    def __init__(
        self,
        api_key: str = "sk_test_sandbox",
        webhook_secret: str | None = None,
        *,
        webhook_url: str | None = None,
        auto_deliver: bool = True,
        enabled_events: tuple[str, ...] = ("*",),
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret or f"whsec_{new_id('', 32)}"
        self.webhook_url = webhook_url
        self.auto_deliver = auto_deliver
        self.enabled_events = enabled_events  # like a webhook endpoint's: "*" or event types
        self.base_url = ""  # set once served
        self.objects: dict[str, Obj] = {}  # every object by id, in creation order
        self.events: list[Obj] = []
        self.calls: list[ApiCall] = []
        self.deliveries: list[Delivery] = []
        self._checkouts: dict[str, _Checkout] = {}
        self._invoice_payments: dict[str, list[Obj]] = {}
        self._cycles: dict[str, int] = {}  # subscription -> periods since its billing cycle anchor
        self._pending: dict[str, list[Obj]] = {}  # subscription -> proration lines for its next invoice
        self._clocks: dict[str, int] = {}  # customer -> seconds its clock runs ahead of real time
        # Idempotency-Key -> ((method, path, parameters) of the first request, its status, its body)
        self._idempotent: dict[str, tuple[tuple[str, str, Obj], int, Obj]] = {}
        self._cause: Obj = {"id": None, "idempotency_key": None}  # the API request behind the events emitted now
        # Handlers run on the server's thread, time travel on the test's: one lock keeps the state consistent.
        # It is never held while waiting for the network (webhooks go out from their own thread).
        self._lock = threading.RLock()
        self._outbox: queue.Queue[Obj | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        handlers: dict[tuple[str, str], Callable[[Obj, dict[str, str]], Obj]] = {
            ("post", "/v1/customers"): self._create_customer_api,
            ("get", "/v1/customers/{customer}"): self._retriever("customer", "customer"),
            ("post", "/v1/checkout/sessions"): self._create_checkout,
            ("get", "/v1/checkout/sessions/{session}"): self._retriever("checkout.session", "session"),
            ("get", "/v1/checkout/sessions/{session}/line_items"): self._checkout_line_items,
            ("get", "/v1/subscriptions"): self._list_subscriptions,
            ("get", "/v1/subscriptions/{subscription_exposed_id}"): self._retriever(
                "subscription", "subscription_exposed_id"
            ),
            ("post", "/v1/subscriptions/{subscription_exposed_id}"): self._update_subscription,
            ("delete", "/v1/subscriptions/{subscription_exposed_id}"): self._cancel_subscription,
            ("get", "/v1/invoices"): self._list_invoices,
            ("get", "/v1/invoices/{invoice}"): self._retriever("invoice", "invoice"),
            ("get", "/v1/payment_intents/{intent}"): self._retriever("payment_intent", "intent"),
            ("get", "/v1/charges/{charge}"): self._retriever("charge", "charge"),
            ("post", "/v1/refunds"): self._create_refund,
            ("get", "/v1/refunds/{refund}"): self._retriever("refund", "refund"),
            ("post", "/v1/billing_portal/sessions"): self._create_portal_session,
            ("get", "/v1/events"): self._list_events,
            ("get", "/v1/events/{id}"): self._retriever("event", "id"),
        }
        routes = [
            Route(path, self._endpoint(method, path, handler), methods=[method.upper()])
            for (method, path), handler in handlers.items()
        ]
        routes += [
            Route("/pay/{session}", self._checkout_page, methods=["GET", "POST"]),
            Route("/portal/{session}", self._portal_page, methods=["GET", "POST"]),
            Route("/invoices/{invoice}", self._invoice_page, methods=["GET"]),
            Route("/invoices/{invoice}/pdf", self._invoice_pdf, methods=["GET"]),
            Route("/receipts/{charge}", self._receipt_page, methods=["GET"]),
            Route("/{path:path}", self._unknown_route, methods=["GET", "POST", "DELETE"]),
        ]
        self.app = Starlette(routes=routes)

    # --- state ----------------------------------------------------------------------------------------------

    def now(self, customer_id: str | None = None) -> int:
        """The time on a customer's clock (real time for a customer never advanced)."""
        return int(time.time()) + self._clocks.get(customer_id or "", 0)

    def get(self, object_id: str) -> Obj:
        """A copy of a stored object, for tests to inspect."""
        with self._lock:
            return copy.deepcopy(self.objects[object_id])

    def of_type(self, kind: str) -> list[Obj]:
        """Copies of every stored object of one type (`"subscription"`, `"invoice"`, ...), oldest first."""
        with self._lock:
            return [copy.deepcopy(o) for o in self.objects.values() if o["object"] == kind]

    def reset(self) -> None:
        """Forget every object, event, call and delivery (the server keeps running)."""
        self.flush()
        with self._lock:
            self.objects.clear()
            self.events.clear()
            self.calls.clear()
            self.deliveries.clear()
            self._checkouts.clear()
            self._invoice_payments.clear()
            self._cycles.clear()
            self._pending.clear()
            self._clocks.clear()
            self._idempotent.clear()

    def _find(self, kind: str, object_id: Any, *, param: str, status: int = 404) -> Obj:
        found = self.objects.get(object_id) if isinstance(object_id, str) else None
        if found is None or found["object"] != kind:
            raise _invalid(f"No such {kind}: '{object_id}'", param=param, code="resource_missing", status=status)
        return found

    def _store(self, obj: Obj) -> Obj:
        self.objects[obj["id"]] = obj
        return obj

    # --- the API surface ------------------------------------------------------------------------------------

    def _endpoint(
        self, method: str, template: str, handler: Callable[[Obj, dict[str, str]], Obj]
    ) -> Callable[[Request], Any]:
        allowed = ENDPOINTS[(method, template)]

        async def endpoint(request: Request) -> Response:
            # The SDK sends POST parameters as a form body, GET and DELETE ones in the query string.
            raw = (await request.body()).decode() if method == "post" else request.url.query
            call = ApiCall(
                method=method,
                path=request.url.path,
                params={},
                status=200,
                body={},
                request_id=new_id("req_", 14),
                idempotency_key=request.headers.get("Idempotency-Key") if method == "post" else None,
            )
            with self._lock:
                self._call(call, request, raw, allowed, handler)
                self.calls.append(call)
            headers = {"Request-Id": call.request_id, "Stripe-Version": API_VERSION}
            if call.replayed:
                headers["Idempotent-Replayed"] = "true"
            if call.status == 401:
                headers["WWW-Authenticate"] = 'Basic realm="Stripe"'
            return JSONResponse(call.body, status_code=call.status, headers=headers)

        return endpoint

    def _call(
        self, call: ApiCall, request: Request, raw: str, allowed: Allowed, handler: Callable[[Obj, dict[str, str]], Obj]
    ) -> None:
        """Answer one API request into `call`: authentication, parameters, idempotency, then the handler."""
        key = call.idempotency_key
        try:
            self._authenticate(request.headers.get("Authorization", ""))
            call.params = decode_form(parse_qsl(raw, keep_blank_values=True))
            stored = self._idempotent.get(key) if key is not None else None
            if stored is not None:
                fingerprint, call.status, body = stored
                if fingerprint != (call.method, call.path, call.params):
                    raise StripeError(400, _idempotency_mismatch(str(key)))
                call.body, call.replayed = copy.deepcopy(body), True
                return
            _check_params(call.params, allowed)
        except so.FormError as exc:
            call.status, call.body = 400, so.error(str(exc))
            return
        except StripeError as exc:
            call.status, call.body = exc.status, exc.body
            return
        # From here the request "started executing": Stripe saves its result for the key, error or not.
        self._cause = {"id": call.request_id, "idempotency_key": key}
        try:
            result = copy.deepcopy(handler(call.params, dict(request.path_params)))
            call.body = self._expand_all(result, call.params.get("expand") or [])
        except StripeError as exc:
            call.status, call.body = exc.status, exc.body
        finally:
            self._cause = {"id": None, "idempotency_key": None}
        if key is not None:
            self._idempotent[key] = ((call.method, call.path, call.params), call.status, copy.deepcopy(call.body))

    def _authenticate(self, header: str) -> None:
        scheme, _, credential = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                credential = base64.b64decode(credential).decode().partition(":")[0]
            except ValueError:
                credential = ""
        elif scheme.lower() != "bearer":
            raise _invalid(
                "You did not provide an API key. You need to provide your API key in the Authorization header, "
                "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
                status=401,
            )
        if not hmac.compare_digest(credential.encode(), self.api_key.encode()):
            shown = f"{credential[:8]}{'*' * max(len(credential) - 12, 0)}{credential[-4:]}"
            raise _invalid(f"Invalid API Key provided: {shown}", status=401)

    async def _unknown_route(self, request: Request) -> Response:
        message = (
            f"Unrecognized request URL ({request.method}: {request.url.path}). Please see https://stripe.com/docs "
            "or we can help at https://support.stripe.com/."
        )
        return JSONResponse(so.error(message), status_code=404)

    def _expand_all(self, result: Obj, paths: Any) -> Obj:
        for index, path in enumerate(paths if isinstance(paths, list) else [paths]):
            if not self._expand(result, str(path).split(".")):
                raise _invalid(f"This property cannot be expanded ({path}).", param=f"expand[{index}]")
        return result

    def _expand(self, node: Any, path: list[str]) -> bool:
        """Replace the id at `path` by its object (or include an on-request list); False when not expandable."""
        field, rest = path[0], path[1:]
        if not isinstance(node, dict):
            return False
        if node.get("object") == "list" and field == "data":
            return all(self._expand(item, rest) for item in node["data"]) if rest else False
        value = node.get(field)
        if (node.get("object"), field) in _INCLUDABLE:
            value = node[field] = self._included(node, field)
        elif isinstance(value, str) and value in self.objects:
            value = node[field] = copy.deepcopy(self.objects[value])
        elif not isinstance(value, dict):
            return False
        return self._expand(value, rest) if rest else True

    def _included(self, node: Obj, field: str) -> Obj:
        if node["object"] == "checkout.session":
            return _page(
                copy.deepcopy(self._checkouts[node["id"]].items), f"/v1/checkout/sessions/{node['id']}/line_items"
            )
        payments = copy.deepcopy(self._invoice_payments.get(node["id"], []))
        return _page(payments, f"/v1/invoices/{node['id']}/payments")

    # --- customers ------------------------------------------------------------------------------------------

    def _retriever(self, kind: str, param: str) -> Callable[[Obj, dict[str, str]], Obj]:
        def retrieve(params: Obj, path: dict[str, str]) -> Obj:
            return self._find(kind, path[param], param="id")

        return retrieve

    def _create_customer_api(self, params: Obj, path: dict[str, str]) -> Obj:
        return self._create_customer(
            email=params.get("email"),
            name=params.get("name"),
            description=params.get("description"),
            metadata=params.get("metadata") or {},
        )

    def _create_customer(
        self, *, email: str | None, name: str | None, description: str | None = None, metadata: Obj | None = None
    ) -> Obj:
        customer = self._store(
            so.customer(self.now(), email=email, name=name, description=description, metadata=metadata or {})
        )
        self._emit("customer.created", customer)
        return customer

    # --- checkout -------------------------------------------------------------------------------------------

    def _create_checkout(self, params: Obj, path: dict[str, str]) -> Obj:
        mode = params.get("mode")
        if mode is None:
            raise _invalid("Missing required param: mode.", param="mode", code="parameter_missing")
        if mode not in ("payment", "subscription"):
            raise _invalid(f"Invalid mode: the sandbox supports payment or subscription, not {mode}", param="mode")
        if params.get("customer") is not None:
            self._find("customer", params["customer"], param="customer", status=400)
        if "customer_creation" in params and (mode != "payment" or params["customer_creation"] not in _CREATION):
            raise _invalid(
                "`customer_creation` can only be `always` or `if_required`, in `payment` mode.",
                param="customer_creation",
            )
        lines = params.get("line_items")
        if not isinstance(lines, list) or not lines:
            raise _invalid(f"`line_items` is required in `{mode}` mode.", param="line_items", code="parameter_missing")
        if mode == "subscription" and len(lines) != 1:
            raise _invalid("The sandbox supports one line item per subscription.", param="line_items")
        items = [self._checkout_item(line, f"line_items[{i}]", mode) for i, line in enumerate(lines)]
        if len({item["currency"] for item in items}) > 1:
            raise _invalid("All line items must use the same currency.", param="line_items")
        session = self._store(so.checkout_session(params, items, self.now(), self.base_url))
        self._checkouts[session["id"]] = _Checkout(
            items=items,
            subscription_metadata=(params.get("subscription_data") or {}).get("metadata") or {},
            payment_metadata=(params.get("payment_intent_data") or {}).get("metadata") or {},
        )
        return session

    def _checkout_item(self, line: Obj, param: str, mode: str) -> Obj:
        quantity = _int(line.get("quantity", "1"), f"{param}[quantity]")
        if quantity < 1:
            raise _invalid("Quantity must be at least 1.", param=f"{param}[quantity]")
        if "price" in line:
            price = self._find("price", line["price"], param=f"{param}[price]", status=400)
        elif "price_data" in line:
            price = self._price(line["price_data"], f"{param}[price_data]", product_data=True)
        else:
            raise _invalid("You must specify either `price` or `price_data`.", param=param, code="parameter_missing")
        if mode == "subscription" and price["recurring"] is None:
            raise _invalid(
                "You must provide at least one recurring price in `subscription` mode when using prices.",
                param=f"{param}[price]",
            )
        if mode == "payment" and price["recurring"] is not None:
            raise _invalid(
                "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode "
                "or use only one-time prices.",
                param=f"{param}[price]",
            )
        return so.checkout_line_item(price, self.objects[price["product"]]["name"], quantity)

    def _price(self, data: Obj, param: str, *, product_data: bool) -> Obj:
        """A price from `price_data`, with its product (made from `product_data`, or an existing one)."""
        for field in ("currency", "unit_amount"):
            if field not in data:
                raise _invalid(
                    f"Missing required param: {param}[{field}].", param=f"{param}[{field}]", code="parameter_missing"
                )
        if "product" in data:
            product = self._find("product", data["product"], param=f"{param}[product]", status=400)
        elif product_data and "product_data" in data:
            spec = data["product_data"]
            if not spec.get("name"):
                raise _invalid(
                    f"Missing required param: {param}[product_data][name].",
                    code="parameter_missing",
                    param=f"{param}[product_data][name]",
                )
            product = self._store(
                so.product(spec["name"], self.now(), description=spec.get("description"), metadata=spec.get("metadata"))
            )
        else:
            raise _invalid(
                f"Missing required param: {param}[product].", param=f"{param}[product]", code="parameter_missing"
            )
        recurring = data.get("recurring")
        if recurring is not None:
            if recurring.get("interval") not in ("day", "week", "month", "year"):
                raise _invalid(
                    f"Invalid {param}[recurring][interval]: must be one of day, week, month, or year",
                    param=f"{param}[recurring][interval]",
                )
            recurring = {
                "interval": recurring["interval"],
                "interval_count": _int(recurring.get("interval_count", "1"), f"{param}[recurring]"),
            }
        amount = _int(data["unit_amount"], f"{param}[unit_amount]")
        if amount < 0:
            raise _invalid("This value must be greater than or equal to 0.", param=f"{param}[unit_amount]")
        return self._store(so.price(product["id"], str(data["currency"]).lower(), amount, self.now(), recurring))

    def _checkout_line_items(self, params: Obj, path: dict[str, str]) -> Obj:
        session = self._find("checkout.session", path["session"], param="session")
        return self._included(session, "line_items")

    def pay(self, session_id: str, *, outcome: str = "pay") -> Obj:
        """Complete a checkout session as the hosted page's buttons do: outcome "pay" or "async" ("fail" raises
        StripeError and creates nothing). Returns the session."""
        with self._lock:
            return copy.deepcopy(self._complete(session_id, outcome))

    def _complete(self, session_id: str, outcome: str) -> Obj:
        session = self._find("checkout.session", session_id, param="session")
        if outcome not in _OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(_OUTCOMES)}")
        if session["status"] != "open":
            raise _invalid("This Checkout Session is no longer active.", code="checkout_session_inactive")
        if outcome == "fail":
            raise _invalid("Your card was declined.", code="card_declined", status=402)
        checkout = self._checkouts[session_id]
        customer = self._checkout_customer(session)
        session.update(status="complete", customer_details=so.customer_details(customer or _guest(session)))
        if customer is not None:
            session["customer"] = customer["id"]
        if session["mode"] == "subscription":
            assert customer is not None
            invoice = self._start_subscription(session, customer, checkout, outcome)
            session["payment_status"] = "paid" if invoice["status"] == "paid" else "unpaid"
        else:
            intent = self._payment(
                session["amount_total"],
                session["currency"],
                customer,
                customer or _guest(session),
                "Checkout payment",
                checkout.payment_metadata,
                "processing" if outcome == "async" else "succeeded",
            )
            session.update(payment_intent=intent["id"], payment_status="paid" if outcome == "pay" else "unpaid")
        self._emit("checkout.session.completed", session)
        return session

    def _checkout_customer(self, session: Obj) -> Obj | None:
        if session["customer"] is not None:
            return self.objects[session["customer"]]
        if session["customer_creation"] != "always":
            return None  # a guest: Stripe keeps only the details on the session
        guest = _guest(session)
        return self._create_customer(email=guest["email"], name=guest["name"])

    def settle_async(self, session_id: str, succeed: bool = True) -> Obj:
        """End a "pay later" payment: the money arrived (or bounced), as a bank debit would days later."""
        with self._lock:
            session = self._find("checkout.session", session_id, param="session")
            if session["status"] != "complete" or session["payment_status"] != "unpaid":
                raise ValueError(f"{session_id} has no payment waiting to settle")
            now = self.now(session["customer"])
            if session["mode"] == "payment":
                self._settle(self.objects[session["payment_intent"]], succeed)
            else:
                invoice = self.objects[session["invoice"]]
                intent = self._invoice_intent(invoice)
                self._settle(intent, succeed)
                subscription = self.objects[session["subscription"]]
                if succeed:
                    self._invoice_paid(invoice, intent, now)
                    self._set_status(subscription, "active")
                else:
                    self._invoice_failed(invoice, now)
                    invoice.update(status="void", auto_advance=False, next_payment_attempt=None)
                    invoice["status_transitions"]["voided_at"] = now
                    # The first invoice was never paid: the subscription ends (Stripe: after 23 hours).
                    self._end(subscription, "incomplete_expired", now)
            if succeed:
                session["payment_status"] = "paid"
            kind = "succeeded" if succeed else "failed"
            self._emit(f"checkout.session.async_payment_{kind}", session)
            return copy.deepcopy(session)

    # --- subscriptions --------------------------------------------------------------------------------------

    def _start_subscription(self, session: Obj, customer: Obj, checkout: _Checkout, outcome: str) -> Obj:
        [line] = checkout.items  # one per subscription, checked at creation
        price, now = line["price"], self.now(customer["id"])
        recurring = price["recurring"]
        subscription_id = new_id("sub_")
        end = add_intervals(now, recurring["interval"], recurring["interval_count"])
        item = so.subscription_item(subscription_id, price, line["quantity"], now, now, end)
        subscription = self._store(
            so.subscription(subscription_id, customer["id"], item, now, dict(checkout.subscription_metadata))
        )
        self._cycles[subscription_id] = 0
        customer["currency"] = customer["currency"] or price["currency"]
        if outcome == "async":
            subscription["status"] = "incomplete"  # active once the first invoice is paid
        invoice = self._new_invoice(
            subscription,
            [self._period_line(subscription, item)],
            billing_reason="subscription_create",
            period=(now, now),
        )
        session.update(subscription=subscription_id, invoice=invoice["id"])
        self._emit("customer.subscription.created", subscription)
        self._collect(invoice, "processing" if outcome == "async" else "succeeded")
        return invoice

    def _period_line(self, subscription: Obj, item: Obj) -> Obj:
        price = item["price"]
        amount = price["unit_amount"] * item["quantity"]
        recurring = price["recurring"]
        every = (
            recurring["interval"]
            if recurring["interval_count"] == 1
            else (f"every {recurring['interval_count']} {recurring['interval']}s")
        )
        name = self.objects[price["product"]]["name"]
        unit = money(price["unit_amount"], price["currency"])
        return so.invoice_line(
            "",
            subscription,
            item,
            price,
            amount=amount,
            description=f"{item['quantity']} {TIMES} {name} (at {unit} / {every})",
            period=(item["current_period_start"], item["current_period_end"]),
            proration=False,
        )

    def _update_subscription(self, params: Obj, path: dict[str, str]) -> Obj:
        subscription = self._find("subscription", path["subscription_exposed_id"], param="subscription_exposed_id")
        ended = subscription["status"] in ("canceled", "incomplete_expired")
        if ended and set(params) - {"metadata", "cancellation_details", "expand"}:
            raise _invalid("A canceled subscription can only update its cancellation_details and metadata.")
        previous = copy.deepcopy(subscription)
        if "metadata" in params:
            subscription["metadata"] = _merged(subscription["metadata"], params["metadata"])
        if "cancel_at_period_end" in params:
            self._schedule_cancel(subscription, _bool(params["cancel_at_period_end"], "cancel_at_period_end"))
        if "cancellation_details" in params:
            subscription["cancellation_details"].update(params["cancellation_details"])
        invoice = None
        if "items" in params:
            behavior = params.get("proration_behavior", "create_prorations")
            if behavior not in ("create_prorations", "always_invoice", "none"):
                raise _invalid(
                    "Invalid proration_behavior: must be one of always_invoice, create_prorations, or none",
                    param="proration_behavior",
                )
            invoice = self._change_items(subscription, params["items"], behavior)
        self._emit_update(subscription, previous)
        if invoice is not None:
            self._collect(invoice, "succeeded")
        return subscription

    def _change_items(self, subscription: Obj, changes: Any, behavior: str) -> Obj | None:
        """A price or quantity change of the subscription's one item. Returns the invoice to collect now, if any."""
        item = subscription["items"]["data"][0]
        if not isinstance(changes, list) or len(changes) != 1 or changes[0].get("id") != item["id"]:
            raise _invalid(
                f"The sandbox supports changing the subscription's one item: pass items[0][id]={item['id']}.",
                param="items",
            )
        change = changes[0]
        if "price" in change:
            price = self._find("price", change["price"], param="items[0][price]", status=400)
        elif "price_data" in change:
            price = self._price(change["price_data"], "items[0][price_data]", product_data=False)
        else:
            price = item["price"]
        if price["recurring"] is None:
            raise _invalid("The price specified is not a recurring price.", param="items[0][price]")
        if price["currency"] != subscription["currency"]:
            raise _invalid("Cannot combine currencies on a single customer.", param="items[0][price]")
        quantity = _int(change.get("quantity", str(item["quantity"])), "items[0][quantity]")
        if (price["id"], quantity) == (item["price"]["id"], item["quantity"]):
            return None  # nothing changes, nothing to prorate
        old = copy.deepcopy(item)
        item.update(price=price, quantity=quantity)
        now = max(self.now(subscription["customer"]), item["current_period_start"])
        same_cycle = price["recurring"] == old["price"]["recurring"]
        lines = [] if behavior == "none" else self._prorations(subscription, old, item, now, charge_rest=same_cycle)
        if not same_cycle:
            # A new interval restarts the billing cycle now and bills the whole new period at once.
            recurring = price["recurring"]
            end = add_intervals(now, recurring["interval"], recurring["interval_count"])
            item.update(current_period_start=now, current_period_end=end)
            subscription["billing_cycle_anchor"] = now
            self._cycles[subscription["id"]] = 0
            lines.append(self._period_line(subscription, item))
        elif behavior != "always_invoice":
            # create_prorations: the lines wait for the next renewal's invoice (none: nothing to wait for).
            self._pending.setdefault(subscription["id"], []).extend(lines)
            return None
        lines += self._pending.pop(subscription["id"], [])
        return self._new_invoice(subscription, lines, billing_reason="subscription_update", period=(now, now))

    def _prorations(self, subscription: Obj, old: Obj, new: Obj, now: int, *, charge_rest: bool) -> list[Obj]:
        """Credit for the unused rest of the period at the old price and, when the cycle goes on, a charge for
        that rest at the new one (Stripe's proration lines)."""
        start, end = new["current_period_start"], new["current_period_end"]
        left = (end - now) / (end - start)
        when = datetime.fromtimestamp(now, UTC).strftime("%d %b %Y")
        old_amount = old["price"]["unit_amount"] * old["quantity"]
        new_amount = new["price"]["unit_amount"] * new["quantity"]
        parts = [(old["price"], -round(old_amount * left), "Unused time on")]
        if charge_rest:
            parts.append((new["price"], round(new_amount * left), "Remaining time on"))
        return [
            so.invoice_line(
                "",
                subscription,
                new,
                price,
                amount=amount,
                description=f"{text} {self.objects[price['product']]['name']} after {when}",
                period=(now, end),
                proration=True,
            )
            for price, amount, text in parts
        ]

    def _schedule_cancel(self, subscription: Obj, at_period_end: bool) -> None:
        now = self.now(subscription["customer"])
        if at_period_end:
            end = subscription["items"]["data"][0]["current_period_end"]
            subscription.update(cancel_at_period_end=True, cancel_at=end, canceled_at=now)
            subscription["cancellation_details"]["reason"] = "cancellation_requested"
        else:
            subscription.update(cancel_at_period_end=False, cancel_at=None, canceled_at=None)
            subscription["cancellation_details"] = {"comment": None, "feedback": None, "reason": None}

    def _cancel_subscription(self, params: Obj, path: dict[str, str]) -> Obj:
        subscription = self._find("subscription", path["subscription_exposed_id"], param="subscription_exposed_id")
        if subscription["status"] in ("canceled", "incomplete_expired"):
            raise _invalid(f"This subscription has already been canceled: {subscription['id']}.")
        subscription["cancellation_details"].update(params.get("cancellation_details") or {})
        self._end(subscription, "canceled", self.now(subscription["customer"]))
        return subscription

    def _end(self, subscription: Obj, status: str, when: int) -> None:
        subscription.update(status=status, ended_at=when)
        if status == "canceled":
            subscription["canceled_at"] = subscription["canceled_at"] or when
            details = subscription["cancellation_details"]
            details["reason"] = details["reason"] or "cancellation_requested"
        self._pending.pop(subscription["id"], None)
        self._emit("customer.subscription.deleted", subscription)

    def _set_status(self, subscription: Obj, status: str) -> None:
        if subscription["status"] != status:
            previous = copy.deepcopy(subscription)
            subscription["status"] = status
            self._emit_update(subscription, previous)

    def _emit_update(self, subscription: Obj, previous: Obj) -> None:
        # Like Stripe, previous_attributes holds the old value of every top-level field that changed.
        changed = {key: value for key, value in previous.items() if subscription[key] != value}
        if changed:
            self._emit("customer.subscription.updated", subscription, previous=changed)

    def advance(self, subscription_id: str, *, fail: bool = False) -> Obj | None:
        """Move the subscription to its next period, as a test clock would at the period end: renewal invoice
        paid (or, with `fail`, declined: open, subscription past_due), or the subscription ends if it was set to
        cancel at period end. Returns a copy of the new invoice (None when the subscription ended)."""
        with self._lock:
            subscription = self._find("subscription", subscription_id, param="subscription")
            if subscription["status"] not in ("active", "past_due"):
                raise ValueError(f"{subscription_id} is {subscription['status']}: nothing to renew")
            item = subscription["items"]["data"][0]
            start, end = item["current_period_start"], item["current_period_end"]
            self._move_clock(subscription["customer"], end)
            if subscription["cancel_at_period_end"]:
                self._end(subscription, "canceled", end)
                return None
            previous = copy.deepcopy(subscription)
            cycle = self._cycles[subscription_id] = self._cycles[subscription_id] + 1
            recurring = item["price"]["recurring"]
            anchor = subscription["billing_cycle_anchor"]
            item.update(
                current_period_start=end,
                current_period_end=add_intervals(
                    anchor, recurring["interval"], recurring["interval_count"] * (cycle + 1)
                ),
            )
            lines = [self._period_line(subscription, item), *self._pending.pop(subscription_id, [])]
            invoice = self._new_invoice(subscription, lines, billing_reason="subscription_cycle", period=(start, end))
            self._emit_update(subscription, previous)
            self._collect(invoice, "failed" if fail else "succeeded")
            return copy.deepcopy(invoice)

    def pay_invoice(self, invoice_id: str) -> Obj:
        """A retry of an open invoice that now succeeds (the customer fixed their card)."""
        with self._lock:
            invoice = self._find("invoice", invoice_id, param="invoice")
            if invoice["status"] != "open":
                raise ValueError(f"{invoice_id} is {invoice['status']}")
            self._collect(invoice, "succeeded")
            return copy.deepcopy(invoice)

    def _move_clock(self, customer_id: str, when: int) -> None:
        self._clocks[customer_id] = max(self._clocks.get(customer_id, 0), when - int(time.time()))

    def _list_subscriptions(self, params: Obj, path: dict[str, str]) -> Obj:
        status = params.get("status")
        found = [
            s
            for s in self.objects.values()
            if s["object"] == "subscription"
            and params.get("customer", s["customer"]) == s["customer"]
            # Stripe lists every status but canceled ones by default.
            and (status == "all" or s["status"] == status or (status is None and s["status"] != "canceled"))
        ]
        return self._page_of(found, params, "/v1/subscriptions")

    # --- invoices and payments ------------------------------------------------------------------------------

    def _new_invoice(self, subscription: Obj, lines: list[Obj], *, billing_reason: str, period: tuple[int, int]) -> Obj:
        customer = self.objects[subscription["customer"]]
        now = self.now(customer["id"])
        invoice_id = new_id("in_")
        for line in lines:
            line["invoice"] = invoice_id
        number = f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}"
        customer["next_invoice_sequence"] += 1
        invoice = so.invoice(
            invoice_id,
            customer,
            subscription,
            lines,
            number=number,
            billing_reason=billing_reason,
            period=period,
            now=now,
            base_url=self.base_url,
        )
        # The customer's credit balance (negative: what Stripe owes them, e.g. after a downgrade) pays first.
        balance = customer["balance"] + invoice["total"]
        invoice.update(
            starting_balance=customer["balance"],
            ending_balance=min(balance, 0),
            amount_due=max(balance, 0),
            amount_remaining=max(balance, 0),
        )
        customer["balance"] = min(balance, 0)
        subscription["latest_invoice"] = invoice_id
        return self._store(invoice)

    def _collect(self, invoice: Obj, result: str) -> None:
        """Charge an open invoice: "succeeded", "failed", or "processing" (a bank debit, settled later)."""
        now = self.now(invoice["customer"])
        if invoice["amount_due"] == 0:
            self._invoice_paid(invoice, None, now)
            return
        customer = self.objects[invoice["customer"]]
        payments = self._invoice_payments.setdefault(invoice["id"], [])
        if payments:  # a retry: Stripe charges the invoice's payment intent again
            intent = self.objects[payments[-1]["payment"]["payment_intent"]]
            self._attempt(intent, customer, result)
        else:
            reason = invoice["billing_reason"].removeprefix("subscription_")
            description = f"Subscription {'creation' if reason == 'create' else reason}"
            intent = self._payment(
                invoice["amount_due"], invoice["currency"], customer, customer, description, {}, result
            )
            payments.append(so.invoice_payment(invoice, intent["id"], now))
        invoice.update(attempted=True, attempt_count=invoice["attempt_count"] + 1)
        if result == "succeeded":
            self._invoice_paid(invoice, intent, now)
        elif result == "failed":
            self._invoice_failed(invoice, now)

    def _invoice_intent(self, invoice: Obj) -> Obj:
        payment = self._invoice_payments[invoice["id"]][-1]
        intent: Obj = self.objects[payment["payment"]["payment_intent"]]
        return intent

    def _invoice_paid(self, invoice: Obj, intent: Obj | None, now: int) -> None:
        invoice.update(
            status="paid",
            amount_paid=invoice["amount_due"],
            amount_remaining=0,
            attempted=True,
            next_payment_attempt=None,
            auto_advance=False,
        )
        invoice["status_transitions"]["paid_at"] = now
        for payment in self._invoice_payments.get(invoice["id"], [])[-1:]:
            payment.update(status="paid", amount_paid=invoice["amount_due"])
            payment["status_transitions"]["paid_at"] = now
        self.objects[invoice["customer"]]["delinquent"] = False
        self._emit("invoice.paid", invoice)
        if intent is not None:  # nothing was charged for an invoice the balance covered
            self._emit("invoice.payment_succeeded", invoice)
        subscription = self.objects[invoice["parent"]["subscription_details"]["subscription"]]
        if subscription["latest_invoice"] == invoice["id"] and subscription["status"] == "past_due":
            self._set_status(subscription, "active")

    def _invoice_failed(self, invoice: Obj, now: int) -> None:
        invoice["next_payment_attempt"] = now + _RETRY_DELAY  # its invoice payment stays open for the retry
        self.objects[invoice["customer"]]["delinquent"] = True
        self._emit("invoice.payment_failed", invoice)
        subscription = self.objects[invoice["parent"]["subscription_details"]["subscription"]]
        if subscription["status"] == "active" and invoice["billing_reason"] != "subscription_create":
            self._set_status(subscription, "past_due")

    def _payment(
        self, amount: int, currency: str, customer: Obj | None, payer: Obj, description: str, metadata: Obj, result: str
    ) -> Obj:
        """A new payment intent, charged once: `result` is "succeeded", "failed" or "processing"."""
        customer_id = customer["id"] if customer else None
        intent = self._store(so.payment_intent(amount, currency, customer_id, description, self.now(customer_id)))
        intent["metadata"] = dict(metadata)
        self._attempt(intent, payer, result)
        return intent

    def _attempt(self, intent: Obj, payer: Obj, result: str) -> None:
        """One charge of `intent` (a retry charges the same intent again), settled now unless "processing"."""
        charge = self._store(so.charge(intent, payer["email"], payer["name"], self.now(intent["customer"])))
        intent.update(latest_charge=charge["id"], status="processing", last_payment_error=None)
        if result == "processing":
            self._emit("charge.pending", charge)
            self._emit("payment_intent.processing", intent)
        else:
            self._settle(intent, result == "succeeded")

    def _settle(self, intent: Obj, succeed: bool) -> None:
        charge = self.objects[intent["latest_charge"]]
        charge["outcome"] = so.outcome(succeed)
        if succeed:
            charge.update(
                status="succeeded",
                paid=True,
                captured=True,
                amount_captured=charge["amount"],
                balance_transaction=new_id("txn_"),
                receipt_url=f"{self.base_url}/receipts/{charge['id']}",
            )
            intent.update(status="succeeded", amount_received=intent["amount"])
            self._emit("charge.succeeded", charge)
            self._emit("payment_intent.succeeded", intent)
        else:
            decline = {
                "code": "card_declined",
                "decline_code": "generic_decline",
                "message": "Your card was declined.",
                "type": "card_error",
                "charge": charge["id"],
            }
            charge.update(status="failed", failure_code="card_declined", failure_message="Your card was declined.")
            intent.update(status="requires_payment_method", last_payment_error=decline)
            self._emit("charge.failed", charge)
            self._emit("payment_intent.payment_failed", intent)

    def _list_invoices(self, params: Obj, path: dict[str, str]) -> Obj:
        found = [
            i
            for i in self.objects.values()
            if i["object"] == "invoice"
            and params.get("customer", i["customer"]) == i["customer"]
            and params.get("status", i["status"]) == i["status"]
            and params.get("subscription", _subscription_of(i)) == _subscription_of(i)
        ]
        return self._page_of(found, params, "/v1/invoices")

    def _create_refund(self, params: Obj, path: dict[str, str]) -> Obj:
        if "charge" in params:
            charge = self._find("charge", params["charge"], param="charge", status=400)
        elif "payment_intent" in params:
            intent = self._find("payment_intent", params["payment_intent"], param="payment_intent", status=400)
            charge = self.objects[intent["latest_charge"]]
        else:
            raise _invalid("One of `charge` or `payment_intent` is required.", code="parameter_missing")
        if charge["status"] != "succeeded":
            raise _invalid(f"This charge {charge['id']} has not succeeded, so it cannot be refunded.", param="charge")
        left = charge["amount"] - charge["amount_refunded"]
        if left == 0:
            raise _invalid(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
        amount = _int(params.get("amount", str(left)), "amount")
        if not 0 < amount <= left:
            raise _invalid(
                f"Refund amount ({money(amount, charge['currency'])}) is greater than unrefunded amount on charge "
                f"({money(left, charge['currency'])})",
                param="amount",
                code="amount_too_large",
            )
        now = self.now(charge["customer"])
        refund = self._store(so.refund(charge, amount, params.get("reason"), params.get("metadata") or {}, now))
        previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self._emit("refund.created", refund)
        self._emit("charge.refunded", charge, previous=previous)
        return refund

    # --- billing portal -------------------------------------------------------------------------------------

    def _create_portal_session(self, params: Obj, path: dict[str, str]) -> Obj:
        if "customer" not in params:
            raise _invalid("Missing required param: customer.", param="customer", code="parameter_missing")
        customer = self._find("customer", params["customer"], param="customer", status=400)
        return self._store(so.portal_session(customer["id"], params.get("return_url"), self.now(), self.base_url))

    # --- lists and events -----------------------------------------------------------------------------------

    def _page_of(self, found: list[Obj], params: Obj, url: str) -> Obj:
        """Newest first, `limit` (default 10) at a time, paged with `starting_after` / `ending_before`."""
        newest = list(reversed(found))
        ids = [o["id"] for o in newest]
        limit = _int(params.get("limit", "10"), "limit")
        if "starting_after" in params:
            if params["starting_after"] not in ids:
                raise _invalid(
                    f"No such object: '{params['starting_after']}'", param="starting_after", code="resource_missing"
                )
            newest = newest[ids.index(params["starting_after"]) + 1 :]
        elif "ending_before" in params:
            if params["ending_before"] not in ids:
                raise _invalid(
                    f"No such object: '{params['ending_before']}'", param="ending_before", code="resource_missing"
                )
            newest = newest[max(ids.index(params["ending_before"]) - limit, 0) : ids.index(params["ending_before"])]
        page = _page(newest[:limit], url)
        page["has_more"] = len(newest) > limit
        return page

    def _list_events(self, params: Obj, path: dict[str, str]) -> Obj:
        found = [e for e in self.events if params.get("type", e["type"]) == e["type"]]
        return self._page_of(found, params, "/v1/events")

    def _emit(self, event_type: str, obj: Obj, *, previous: Obj | None = None) -> Obj:
        """Record an event with a snapshot of `obj` now, and queue it for the webhook endpoint."""
        wanted = self.webhook_url is not None and ("*" in self.enabled_events or event_type in self.enabled_events)
        event = so.event(
            event_type,
            copy.deepcopy(obj),
            self.now(self._owner(obj)),
            previous=copy.deepcopy(previous),
            request=dict(self._cause),
            pending=int(wanted),
        )
        self.events.append(event)
        self.objects[event["id"]] = event
        if wanted and self.auto_deliver:
            self._start_worker()
            self._outbox.put(event)
        return event

    def _owner(self, obj: Obj) -> str | None:
        """The customer whose clock dates events about `obj` (None: a guest, real time)."""
        if obj["object"] == "customer":
            return str(obj["id"])
        if obj["object"] == "refund":
            return self._owner(self.objects[obj["charge"]])
        customer = obj.get("customer")
        return customer if isinstance(customer, str) else None

    # --- webhooks -------------------------------------------------------------------------------------------

    def signed(
        self, event: Obj, *, timestamp: int | None = None, secret: str | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The delivery of `event` as Stripe makes it: the JSON body and headers with its signature
        (HMAC-SHA256 of "<t>.<body>" with the endpoint's secret, hex)."""
        body = json.dumps(event, indent=2).encode()
        signed_at = int(time.time()) if timestamp is None else timestamp
        key = (secret or self.webhook_secret).encode()
        signature = hmac.new(key, f"{signed_at}.".encode() + body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": f"t={signed_at},v1={signature}",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        }
        return body, headers

    def deliver_to_url(self, event: Obj, url: str | None = None, *, timeout: float = 10.0) -> httpx.Response:
        """POST one event (again, or out of order: tests decide) to `url` or the webhook endpoint."""
        target = url or self.webhook_url
        if target is None:
            raise ValueError("no webhook_url to deliver to")
        body, headers = self.signed(event)
        try:
            response = httpx.post(target, content=body, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            self.deliveries.append(Delivery(event["id"], event["type"], target, None, repr(exc)))
            raise
        self.deliveries.append(Delivery(event["id"], event["type"], target, response.status_code))
        return response

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every queued event has been delivered (or has failed to be)."""
        deadline = time.monotonic() + timeout
        with self._outbox.all_tasks_done:
            while self._outbox.unfinished_tasks:
                if not self._outbox.all_tasks_done.wait(deadline - time.monotonic()):
                    raise TimeoutError(f"{self._outbox.unfinished_tasks} webhook deliveries still pending")

    def close(self) -> None:
        """Stop the delivery thread (after what is queued)."""
        if self._worker is not None:
            self._outbox.put(None)
            self._worker.join(10)
            self._worker = None

    def _start_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._deliver_queued, name="stripe-webhooks", daemon=True)
            self._worker.start()

    def _deliver_queued(self) -> None:
        # One thread, so events arrive in the order they happened (tests reorder them on purpose, not by chance).
        while True:
            event = self._outbox.get()
            try:
                if event is None:
                    return
                # A failure is recorded in `deliveries`; Stripe would retry later, tests redeliver explicitly.
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    self.deliver_to_url(event)
            finally:
                self._outbox.task_done()

    # --- pages for people ----------------------------------------------------------------------------------

    async def _checkout_page(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        with self._lock:
            session = self.objects.get(request.path_params["session"])
            if session is None or session["object"] != "checkout.session":
                return pages.page("Checkout", "<p>This checkout page does not exist.</p>", 404)
            items = self._checkouts[session["id"]].items
            action = form.get("action", "pay")
            if request.method == "GET" or action not in _OUTCOMES:
                return pages.checkout(session, items)
            try:
                self._complete(session["id"], action)
            except StripeError as exc:
                return pages.checkout(session, items, error=str(exc))
        if session["success_url"]:
            return RedirectResponse(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]), 303)
        return pages.page("Checkout", "<p>Thanks for your payment.</p>")

    async def _portal_page(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        with self._lock:
            portal = self.objects.get(request.path_params["session"])
            if portal is None or portal["object"] != "billing_portal.session":
                return pages.page("Billing", "<p>This billing portal link is not valid.</p>", 404)
            live = [
                s
                for s in self.objects.values()
                if s["object"] == "subscription" and s["customer"] == portal["customer"] and s["status"] != "canceled"
            ]
            if request.method == "GET":
                plans = [(s, self.objects[s["items"]["data"][0]["price"]["product"]]["name"]) for s in live]
                return pages.portal(portal, plans)
            chosen = next((s for s in live if s["id"] == form.get("subscription")), None)
            if chosen is not None and form.get("action") in ("cancel", "resume"):
                # The portal cancels at the period end (its default), like the API's cancel_at_period_end.
                previous = copy.deepcopy(chosen)
                self._schedule_cancel(chosen, form["action"] == "cancel")
                self._emit_update(chosen, previous)
        return RedirectResponse(str(request.url), 303)

    async def _invoice_page(self, request: Request) -> Response:
        with self._lock:
            invoice = self.objects.get(request.path_params["invoice"])
            if invoice is None or invoice["object"] != "invoice":
                return pages.page("Invoice", "<p>This invoice does not exist.</p>", 404)
            return pages.invoice(invoice)

    async def _invoice_pdf(self, request: Request) -> Response:
        with self._lock:
            invoice = self.objects.get(request.path_params["invoice"])
            if invoice is None or invoice["object"] != "invoice":
                return Response(status_code=404)
            total = money(invoice["total"], invoice["currency"])
            return Response(
                pages.pdf(f"Invoice {invoice['number']}: {total}, {invoice['status']}"), media_type="application/pdf"
            )

    async def _receipt_page(self, request: Request) -> Response:
        with self._lock:
            charge = self.objects.get(request.path_params["charge"])
            if charge is None or charge["object"] != "charge":
                return pages.page("Receipt", "<p>This receipt does not exist.</p>", 404)
            return pages.receipt(charge)


# --- helpers ------------------------------------------------------------------------------------------------


def _idempotency_mismatch(key: str) -> Obj:
    return so.error(
        "Keys for idempotent requests can only be used with the same parameters they were first used with. "
        f"Try using a key other than '{key}' if you meant to execute a different request.",
        kind="idempotency_error",
    )


def _check_params(params: Obj, allowed: Allowed, prefix: str = "") -> None:
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else key
        if key not in allowed and "*" not in allowed:
            raise _invalid(f"Received unknown parameter: {name}", param=name, code="parameter_unknown")
        nested = allowed.get(key)
        if nested is None:
            continue
        if isinstance(value, list):
            for index, element in enumerate(value):
                if isinstance(element, dict):
                    _check_params(element, nested, f"{name}[{index}]")
        elif isinstance(value, dict):
            _check_params(value, nested, name)


def _int(value: Any, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _invalid(f"Invalid integer: {value}", param=param, code="parameter_invalid_integer") from None


def _bool(value: Any, param: str) -> bool:
    if value not in ("true", "false"):
        raise _invalid(f"Invalid boolean: {value}", param=param)
    return bool(value == "true")


def _merged(metadata: Obj, update: Any) -> Obj:
    """Stripe's metadata update: keys are merged, an empty value removes a key, an empty string clears all."""
    if update == "":
        return {}
    merged = {**metadata, **update}
    return {key: value for key, value in merged.items() if value != ""}


def _guest(session: Obj) -> Obj:
    """Who pays at the hosted page: the session's email, or a test buyer."""
    return {"email": session["customer_email"] or "buyer@example.com", "name": "Sandbox Buyer"}


def _subscription_of(invoice: Obj) -> str | None:
    parent = invoice["parent"]
    return parent["subscription_details"]["subscription"] if parent else None


def _page(data: list[Obj], url: str) -> Obj:
    return {"object": "list", "data": data, "has_more": False, "url": url}
