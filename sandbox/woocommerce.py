"""A loopback stand-in for WooCommerce: the wc-auth key handshake, the REST API v3 calls Epox makes
(api/stores/woocommerce.py), webhooks with signed deliveries, and the product images.

Many sites share one server: site `<name>` is `{base_url}/<name>`, the URL the app is given. Answers follow the
WooCommerce REST API docs (products, product categories, webhooks) and, where the docs are silent, WooCommerce's
own code: the auth errors (WC_REST_Authentication), the handshake (WC_Auth) and the delivery headers (WC_Webhook).
Tests flip `rate_limit_next` / `fail_next` for 429 / 5xx answers and read `calls` to see which site was asked what.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from http import HTTPStatus
from typing import Any, NamedTuple

import httpx
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox.catalog import COLLECTIONS, IMAGES_PER_PRODUCT, PRODUCTS, SampleCollection, SampleProduct, product_image

API_PREFIX = "/wp-json/wc/v3"
WC_VERSION = "10.3.0"
WP_VERSION = "6.8.3"
# WordPress numbers products and their image attachments from one sequence (both are posts): product n is post
# 100 + 10n and its images are the posts right after it. Categories are terms, numbered on their own.
PRODUCT_ID_BASE = 100
CATEGORY_ID_BASE = 16
CATALOG_CREATED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # product n was created n hours later
# The sandbox sites run three hours behind GMT, like the docs' example site, so an app that reads `date_modified`
# (site time) where it means `date_modified_gmt` gets visibly wrong times.
SITE_UTC_OFFSET = timedelta(hours=-3)
CALLBACK_TIMEOUT = 10.0  # WooCommerce waits 60 s for the key callback; tests should not
SCOPES = {"read": "Read", "write": "Write", "read_write": "Read/Write"}
AUTH_PARAMS = ("app_name", "user_id", "return_url", "callback_url", "scope")
WEBHOOK_STATUSES = ("active", "paused", "disabled")
# The WordPress actions behind each topic (WC_Webhook::get_default_topic_hooks). Its keys are the valid topics,
# besides `action.<any WordPress action>`.
TOPIC_HOOKS: dict[str, list[str]] = {
    "coupon.created": ["woocommerce_process_shop_coupon_meta", "woocommerce_new_coupon"],
    "coupon.updated": ["woocommerce_process_shop_coupon_meta", "woocommerce_update_coupon"],
    "coupon.deleted": ["wp_trash_post"],
    "coupon.restored": ["untrashed_post"],
    "customer.created": ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
    "customer.updated": ["profile_update", "woocommerce_update_customer"],
    "customer.deleted": ["delete_user"],
    "order.created": ["woocommerce_new_order"],
    "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded", "woocommerce_delete_order_refund"],
    "order.deleted": ["wp_trash_post", "woocommerce_trash_order"],
    "order.restored": ["untrashed_post", "woocommerce_untrash_order"],
    "product.created": [
        "woocommerce_process_product_meta",
        "woocommerce_new_product",
        "woocommerce_new_product_variation",
    ],
    "product.updated": [
        "woocommerce_process_product_meta",
        "woocommerce_update_product",
        "woocommerce_update_product_variation",
    ],
    "product.deleted": ["wp_trash_post"],
    "product.restored": ["untrashed_post"],
    "product.published": ["woocommerce_product_published"],
}
PRODUCT_ORDERBY = ("date", "modified", "id", "include", "title", "slug", "price", "popularity", "rating", "menu_order")
PRODUCT_STATUSES = ("any", "future", "trash", "draft", "pending", "private", "publish")
CATEGORY_ORDERBY = ("id", "include", "name", "slug", "term_group", "description", "count")
CURRENCY_SYMBOLS = {"USD": "&#36;", "EUR": "&euro;", "GBP": "&pound;"}
# What each endpoint says to a request no valid key authenticated (the controllers' permission checks).
CANNOT = {
    "list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "view": ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
    "create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "edit": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "delete": ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
}
_CRITICAL = (
    '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/'
    'article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>'
)


def product_id(number: int) -> int:
    return PRODUCT_ID_BASE + number * 10


def image_id(number: int, position: int) -> int:
    return product_id(number) + 1 + position


def category_id(collection: SampleCollection) -> int:
    return CATEGORY_ID_BASE + collection.number


def php_json(data: Any) -> bytes:
    """JSON as WordPress writes it (wp_json_encode): compact, ASCII only, `/` escaped as `\\/`. Webhook signatures
    cover these exact bytes, so an app that re-serializes the parsed body before checking fails here as it would
    against a real store."""
    return json.dumps(data, separators=(",", ":")).replace("/", "\\/").encode()  # `/` only occurs inside strings


def sign_body(secret: str, body: bytes) -> str:
    """X-WC-Webhook-Signature: the base64 HMAC-SHA256 of the raw body with the webhook's secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _dates(name: str, moment: datetime) -> dict[str, str]:
    """`name` in the site's time and `name_gmt`, both without a zone, as wc_rest_prepare_date_response writes them."""
    local = (moment + SITE_UTC_OFFSET).strftime("%Y-%m-%dT%H:%M:%S")
    return {name: local, f"{name}_gmt": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")}


def _with_query(url: str, **params: str) -> str:
    """WordPress's add_query_arg: set these parameters on a URL that may already have a query."""
    return str(httpx.URL(url).copy_merge_params(params))


def _wp_list(items: Sequence[str]) -> str:
    """WordPress's `%l` list: "a and b", "a, b, and c"."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"


class WPResponse(Response):
    """A WordPress REST answer."""

    media_type = "application/json; charset=UTF-8"

    def render(self, content: Any) -> bytes:
        return php_json(content)


class WooError(Exception):
    """A WP_Error: `{"code", "message", "data": {"status", ...}}` with that status."""

    def __init__(self, code: str, message: str, status: int, **data: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.data = code, message, status, data

    def response(self) -> Response:
        body = {"code": self.code, "message": self.message, "data": {"status": self.status, **self.data}}
        return WPResponse(body, status_code=self.status)


def _invalid(name: str, message: str, code: str) -> WooError:
    details = {name: {"code": code, "message": message, "data": None}}
    return WooError("rest_invalid_param", f"Invalid parameter(s): {name}", 400, params={name: message}, details=details)


def _int_arg(query: QueryParams, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = query.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _invalid(name, f"{name} is not of type integer.", "rest_invalid_type") from None
    if high is not None and not low <= value <= high:
        raise _invalid(name, f"{name} must be between {low} (inclusive) and {high} (inclusive)", "rest_out_of_bounds")
    if value < low:
        raise _invalid(name, f"{name} must be greater than or equal to {low}", "rest_out_of_bounds")
    return value


def _enum_arg(query: QueryParams, name: str, default: str, options: Sequence[str]) -> str:
    value = query.get(name, "") or default
    if value not in options:
        raise _invalid(name, f"{name} is not one of {_wp_list(options)}.", "rest_not_in_enum")
    return value


def _ids_arg(query: QueryParams, name: str) -> list[int]:
    """An id list: `include=1,2` or `include[]=1&include[]=2`."""
    tokens = [t.strip() for raw in query.getlist(name) for t in raw.split(",") if t.strip()]
    tokens += [t for t in query.getlist(f"{name}[]") if t]
    for index, token in enumerate(tokens):
        if not token.isdigit():
            raise _invalid(name, f"{name}[{index}] is not of type integer.", "rest_invalid_type")
    return [int(t) for t in tokens]


def _bool_arg(query: QueryParams, name: str, default: bool) -> bool:
    raw = query.get(name, "").lower()
    if raw == "":
        return default
    if raw not in {"true", "false", "1", "0"}:
        raise _invalid(name, f"{name} is not of type boolean.", "rest_invalid_type")
    return raw in {"true", "1"}


def _credentials(request: Request) -> tuple[str, str]:
    """The consumer key and secret: the query's first, else HTTP Basic. (WooCommerce takes Basic only over HTTPS
    and wants OAuth 1.0a signatures over plain HTTP; the loopback sandbox takes Basic on HTTP too.)"""
    key, secret = request.query_params.get("consumer_key", ""), request.query_params.get("consumer_secret", "")
    if key and secret:
        return key, secret
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return user, password


def _wp_die(message: str) -> Response:
    """WC_Auth's failure page: wp_die() with "Access denied" and status 401."""
    text = escape(message.rstrip("."))
    page = (
        '<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"><title>Access denied</title></head>'
        f'<body id="error-page"><div class="wp-die-message">Error: {text}.</div></body></html>'
    )
    return HTMLResponse(page, status_code=401)


def _formatted_url(url: str) -> str:
    """WC_Auth::get_formatted_url: a URL without a scheme is taken as https."""
    return url if "://" in url else f"https://{url}"


def _auth_params(params: Mapping[str, str]) -> dict[str, str]:
    """WC_Auth::make_validation: every parameter given, a known scope, two valid URLs, the callback over SSL.
    Raises ValueError with WooCommerce's message."""
    data: dict[str, str] = {}
    for name in AUTH_PARAMS:
        if not params.get(name):
            raise ValueError(f"Missing parameter {name}")
        data[name] = params[name]
    if data["scope"] not in SCOPES:
        raise ValueError(f"Invalid scope {data['scope']}")
    for name in ("return_url", "callback_url"):
        data[name] = _formatted_url(data[name])
        try:
            url = httpx.URL(data[name])
        except httpx.InvalidURL:
            raise ValueError(f"The {data[name]} is not a valid URL") from None
        if url.scheme not in {"http", "https"} or not url.host:
            raise ValueError(f"The {data[name]} is not a valid URL")
    callback = httpx.URL(data["callback_url"])
    # WooCommerce posts keys only over SSL; on loopback (the app in development and tests) the sandbox allows http.
    if callback.scheme != "https" and callback.host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError("The callback_url needs to be over SSL")
    return data


class ApiKey(NamedTuple):
    consumer_secret: str
    permissions: str  # read, write or read_write
    key_id: int


@dataclass
class SiteState:
    keys: dict[str, ApiKey] = field(default_factory=dict)  # consumer key -> its secret, permissions, id
    # webhook id -> name, topic, delivery_url, secret, status, created, modified
    webhooks: dict[int, dict[str, Any]] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)  # catalog numbers of products deleted in the store
    titles: dict[int, str] = field(default_factory=dict)  # catalog number -> the name the merchant gave it
    modified: dict[int, datetime] = field(default_factory=dict)  # catalog number -> when the merchant edited it
    nonces: set[str] = field(default_factory=set)  # wc_auth_nonce values handed out on authorize pages
    currency: str = "USD"
    last_key_id: int = 0
    last_webhook_id: int = 0
    # catalog number -> the product's image list as the API shows it (seeded from the catalog on first change)
    images: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    attachments: dict[int, dict[str, Any]] = field(default_factory=dict)  # media library: attachment id -> image
    last_attachment_id: int = 10_000
    images_added: int = 0  # images added to products by URL, ever


Handler = Callable[[Request, str], Awaitable[Response]]


class WooSandbox:
    def __init__(self) -> None:
        self.base_url = ""  # set once served
        self.sites: dict[str, SiteState] = {}
        self.calls: list[tuple[str, str]] = []  # (site, "METHOD /path within the site")
        self.rate_limit_next = 0  # answer 429 to this many REST calls
        self.retry_after = 1
        self.fail_next = 0  # answer `fail_status` to this many REST calls
        self.fail_status = 500  # 500: WordPress's critical error (JSON); 502: the site's proxy (HTML)
        self.reject_images = 0  # refuse this many image URLs as WordPress does one it cannot sideload
        rest = f"/{{site}}{API_PREFIX}"
        self.app = Starlette(
            routes=[
                Route("/cdn/woo/{number:int}/{position:int}.png", self.image, methods=["GET"]),
                Route("/{site}/wc-auth/v1/authorize", self.authorize, methods=["GET"]),
                Route("/{site}/wc-auth/v1/access_granted", self.access_granted, methods=["GET", "POST"]),
                Route(f"{rest}/products", self._rest("list", self._list_products), methods=["GET"]),
                Route(f"{rest}/products/categories", self._rest("list", self._list_categories), methods=["GET"]),
                Route(f"{rest}/products/{{id:int}}", self._rest("view", self._get_product), methods=["GET"]),
                Route(
                    f"{rest}/products/{{id:int}}",
                    self._rest("edit", self._update_product),
                    methods=["PUT", "POST", "PATCH"],
                ),
                Route(
                    f"{rest}/settings/general/woocommerce_currency",
                    self._rest("list", self._currency),
                    methods=["GET"],
                ),
                Route(f"{rest}/webhooks", self._rest("list", self._list_webhooks), methods=["GET"]),
                Route(f"{rest}/webhooks", self._rest("create", self._create_webhook), methods=["POST"]),
                Route(f"{rest}/webhooks/{{id:int}}", self._rest("view", self._get_webhook), methods=["GET"]),
                Route(f"{rest}/webhooks/{{id:int}}", self._rest("delete", self._delete_webhook), methods=["DELETE"]),
                Route("/{site}/wp-json/{rest:path}", self._no_route, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
            ]
        )

    def site(self, site: str) -> SiteState:
        return self.sites.setdefault(site, SiteState())

    def site_url(self, site: str) -> str:
        return f"{self.base_url}/{site}"

    def reset(self) -> None:
        """Forget every site, call and pending failure (the server keeps running)."""
        self.sites.clear()
        self.calls.clear()
        self.rate_limit_next = self.fail_next = self.reject_images = 0
        self.retry_after = 1
        self.fail_status = 500

    def _record(self, request: Request) -> str:
        site: str = request.path_params["site"]
        self.calls.append((site, f"{request.method} {request.url.path.removeprefix('/' + site)}"))
        return site

    # --- store-side edits -----------------------------------------------------------------------------------

    def delete_product(self, site: str, number: int) -> None:
        """The merchant deleted the product for good (not to the trash): the API answers 404 for it."""
        self.site(site).deleted.add(number)

    def rename_product(self, site: str, number: int, title: str) -> None:
        state = self.site(site)
        state.titles[number] = title
        state.modified[number] = datetime.now(UTC).replace(microsecond=0)

    def revoke_keys(self, site: str) -> None:
        """The merchant revoked the app's keys (WooCommerce → Settings → Advanced → REST API)."""
        self.site(site).keys.clear()

    # --- wc-auth: the key handshake -------------------------------------------------------------------------

    def grant_keys(self, site: str, user_id: str, scope: str, app_name: str = "") -> dict[str, Any]:
        """A new key pair for the site; returns the body WooCommerce posts to the app's callback_url. `user_id` is
        the app's own value, echoed back as the string it came as."""
        if scope not in SCOPES:
            raise ValueError(f"Invalid scope {scope}")
        state = self.site(site)
        state.last_key_id += 1
        consumer_key, consumer_secret = f"ck_{secrets.token_hex(20)}", f"cs_{secrets.token_hex(20)}"
        state.keys[consumer_key] = ApiKey(consumer_secret, scope, state.last_key_id)
        return {
            "key_id": state.last_key_id,
            "user_id": user_id,
            "consumer_key": consumer_key,
            "consumer_secret": consumer_secret,
            "key_permissions": scope,
        }

    def approve(self, authorize_url: str) -> tuple[str, dict[str, Any]]:
        """The merchant approves at once: grants the keys and returns (callback_url, the JSON body WooCommerce would
        post there), for tests whose app runs in-process and so cannot be posted to. Raises ValueError for a URL
        WooCommerce would refuse."""
        url = httpx.URL(authorize_url)
        site, found, _ = url.path.strip("/").partition("/wc-auth/v1/authorize")
        if not found or not site:
            raise ValueError(f"not a wc-auth authorize URL: {authorize_url}")
        data = _auth_params(dict(url.params))
        return data["callback_url"], self.grant_keys(site, data["user_id"], data["scope"], data["app_name"])

    async def authorize(self, request: Request) -> Response:
        """The grant-access screen of a merchant who is already logged in (the login step is skipped)."""
        site = self._record(request)
        try:
            data = _auth_params(request.query_params)
        except ValueError as exc:
            return _wp_die(str(exc))
        nonce = secrets.token_hex(5)
        self.site(site).nonces.add(nonce)
        # As WC_Auth builds them: Approve carries the parameters and a nonce; Deny is a plain link back to the app.
        granted = httpx.URL(f"{self.site_url(site)}/wc-auth/v1/access_granted", params={**data, "wc_auth_nonce": nonce})
        denied = _with_query(data["return_url"], success="0", user_id=data["user_id"])
        scope = data["scope"]
        permissions = {
            "read": ["View coupons", "View customers", "View orders and sales reports", "View products"],
            "write": ["Create webhooks", "Create coupons", "Create customers", "Create orders", "Create products"],
            "read_write": [
                "Create webhooks",
                "View and manage coupons",
                "View and manage customers",
                "View and manage orders and sales reports",
                "View and manage products",
            ],
        }[scope]
        items = "".join(f"<li>{escape(p)}</li>" for p in permissions)
        page = f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>Application authentication request</title></head>
<body class="wc-auth wp-core-ui">
<h1 id="wc-logo">WooCommerce</h1>
<div class="wc-auth-content">
<p><strong>{escape(data["app_name"])}</strong> would like to connect to your store with
<strong>{SCOPES[scope]}</strong> access, which will allow it to:</p>
<ul class="wc-auth-permissions">{items}</ul>
<div class="wc-auth-logged-in-as"><p>Logged in as admin</p></div>
</div>
<p class="wc-auth-actions">
<a href="{escape(str(granted))}" class="button button-primary wc-auth-approve">Approve</a>
<a href="{escape(denied)}" class="button wc-auth-deny">Deny</a>
</p>
</body></html>"""
        return HTMLResponse(page)

    async def access_granted(self, request: Request) -> Response:
        """Approve: create the keys, post them to callback_url, and keep them only if it answered 200."""
        site = self._record(request)
        params = dict(request.query_params)
        if request.method == "POST":
            params.update({name: str(value) for name, value in (await request.form()).items()})
        try:
            data = _auth_params(params)
        except ValueError as exc:
            return _wp_die(str(exc))
        if params.get("wc_auth_nonce") not in self.site(site).nonces:
            return _wp_die("Invalid nonce verification")
        body = self.grant_keys(site, data["user_id"], data["scope"], data["app_name"])
        failure = None
        try:
            async with httpx.AsyncClient(timeout=CALLBACK_TIMEOUT) as client:
                answer = await client.post(
                    data["callback_url"],
                    content=php_json(body),
                    headers={"Content-Type": "application/json;charset=UTF-8"},
                )
            if answer.status_code != 200:  # exactly 200: WooCommerce refuses 201 and 204 as well
                failure = "An error occurred in the request and at the time were unable to send the consumer data"
        except httpx.HTTPError as exc:
            failure = str(exc) or type(exc).__name__
        if failure is not None:
            # WooCommerce deletes the keys and shows an error page; the merchant is not sent back to the app.
            self.site(site).keys.pop(body["consumer_key"], None)
            return _wp_die(failure)
        return RedirectResponse(_with_query(data["return_url"], success="1", user_id=data["user_id"]), 302)

    # --- REST API v3 ----------------------------------------------------------------------------------------

    def _rest(self, action: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """Wrap an endpoint: record the call, apply the failure knobs, authenticate, map WooError to its answer."""

        async def endpoint(request: Request) -> Response:
            site = self._record(request)
            failure = self._knob()
            if failure is not None:
                return failure
            try:
                self._authenticate(request, site, action)
                return await handler(request, site)
            except WooError as error:
                return error.response()

        return endpoint

    def _knob(self) -> Response | None:
        # These come from in front of WordPress (the host's limiter or proxy) or from PHP dying, so they are
        # answered before any authentication.
        if self.rate_limit_next > 0:
            self.rate_limit_next -= 1
            page = (
                "<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>"
            )
            return HTMLResponse(page, status_code=429, headers={"Retry-After": str(self.retry_after)})
        if self.fail_next > 0:
            self.fail_next -= 1
            if self.fail_status == 500:
                body = {"code": "internal_server_error", "message": _CRITICAL, "data": {"status": 500}}
                return WPResponse({**body, "additional_errors": []}, status_code=500)
            title = f"{self.fail_status} {HTTPStatus(self.fail_status).phrase}"
            page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><hr>nginx</body></html>"
            return HTMLResponse(page, status_code=self.fail_status)
        return None

    def _authenticate(self, request: Request, site: str, action: str) -> None:
        key, secret = _credentials(request)
        issued = self.site(site).keys.get(key) if key and secret else None
        if issued is None:
            # An unknown or revoked key leaves the request anonymous; the endpoint's permission check refuses it.
            code, message = CANNOT[action]
            raise WooError(code, message, 401)
        if not hmac.compare_digest(issued.consumer_secret, secret):
            raise WooError("woocommerce_rest_authentication_error", "Consumer secret is invalid.", 401)
        needed = "read" if request.method in {"GET", "HEAD"} else "write"
        if issued.permissions not in {needed, "read_write"}:
            message = f"The API key provided does not have {needed} permissions."
            raise WooError("woocommerce_rest_authentication_error", message, 401)

    async def _no_route(self, request: Request) -> Response:
        self._record(request)
        return WooError("rest_no_route", "No route was found matching the URL and request method.", 404).response()

    def _page(self, request: Request, items: Sequence[Any], render: Callable[[Any], dict[str, Any]]) -> Response:
        """One page of a collection with WordPress's paging headers (pages past the end are empty, not errors)."""
        page = _int_arg(request.query_params, "page", 1, 1)
        per_page = _int_arg(request.query_params, "per_page", 10, 1, 100)
        pages = math.ceil(len(items) / per_page)
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)}
        links = []
        if page > 1:
            links.append(f'<{request.url.include_query_params(page=max(min(page - 1, pages), 1))}>; rel="prev"')
        if pages > page:
            links.append(f'<{request.url.include_query_params(page=page + 1)}>; rel="next"')
        if links:
            headers["Link"] = ", ".join(links)
        return WPResponse([render(item) for item in chunk], headers=headers)

    # products

    def _visible(self, site: str) -> list[SampleProduct]:
        deleted = self.site(site).deleted
        return [p for p in PRODUCTS if p.number not in deleted]

    def _created(self, product: SampleProduct) -> datetime:
        return CATALOG_CREATED + timedelta(hours=product.number)

    def _modified(self, site: str, product: SampleProduct) -> datetime:
        return self.site(site).modified.get(product.number, self._created(product))

    def product_json(self, site: str, product: SampleProduct) -> dict[str, Any]:
        """A product as GET /products/<id> answers it (the fields of the docs' example, in their order)."""
        state = self.site(site)
        pid = product_id(product.number)
        name = state.titles.get(product.number, product.title)
        created = self._created(product)
        symbol = CURRENCY_SYMBOLS.get(state.currency, state.currency)
        price_html = (
            '<span class="woocommerce-Price-amount amount"><span class="woocommerce-Price-currencySymbol">'
            f"{symbol}</span>{product.price}</span>"
        )
        site_url = self.site_url(site)
        return {
            "id": pid,
            "name": name,
            "slug": product.handle,
            "permalink": f"{site_url}/product/{product.handle}/",
            **_dates("date_created", created),
            **_dates("date_modified", self._modified(site, product)),
            "type": "simple",
            "status": "publish",
            "featured": False,
            "catalog_visibility": "visible",
            "description": f"{product.description_html}\n",
            "short_description": f"<p>{escape(name)} from the Epox sample shop.</p>\n",
            "sku": product.sku,
            "price": product.price,
            "regular_price": product.price,
            "sale_price": "",
            "date_on_sale_from": None,
            "date_on_sale_from_gmt": None,
            "date_on_sale_to": None,
            "date_on_sale_to_gmt": None,
            "price_html": price_html,
            "on_sale": False,
            "purchasable": True,
            "total_sales": 0,
            "virtual": False,
            "downloadable": False,
            "downloads": [],
            "download_limit": -1,
            "download_expiry": -1,
            "external_url": "",
            "button_text": "",
            "tax_status": "taxable",
            "tax_class": "",
            "manage_stock": False,
            "stock_quantity": None,
            "stock_status": "instock",
            "backorders": "no",
            "backorders_allowed": False,
            "backordered": False,
            "sold_individually": False,
            "weight": "",
            "dimensions": {"length": "", "width": "", "height": ""},
            "shipping_required": True,
            "shipping_taxable": True,
            "shipping_class": "",
            "shipping_class_id": 0,
            "reviews_allowed": True,
            "average_rating": "0.00",
            "rating_count": 0,
            "related_ids": [],
            "upsell_ids": [],
            "cross_sell_ids": [],
            "parent_id": 0,
            "purchase_note": "",
            "categories": [
                {"id": category_id(c), "name": c.title, "slug": c.handle}
                for c in COLLECTIONS
                if c.handle in product.collection_handles
            ],
            "tags": [],
            "images": self.product_images(site, product, name),
            "attributes": [],
            "default_attributes": [],
            "variations": [],
            "grouped_products": [],
            "menu_order": 0,
            "meta_data": [],
            "_links": self._links(site, f"products/{pid}"),
        }

    def _image_json(self, product: SampleProduct, position: int, name: str) -> dict[str, Any]:
        uploaded = self._created(product) - timedelta(minutes=1)
        return {
            "id": image_id(product.number, position),
            **_dates("date_created", uploaded),
            **_dates("date_modified", uploaded),
            "src": f"{self.base_url}/cdn/woo/{product.number}/{position}.png",
            "name": f"{product.handle}-{position + 1}",
            "alt": f"{name} {position + 1}",
        }

    def product_images(self, site: str, product: SampleProduct, name: str | None = None) -> list[dict[str, Any]]:
        state = self.site(site)
        if product.number in state.images:
            return [dict(image) for image in state.images[product.number]]
        name = name or state.titles.get(product.number, product.title)
        return [self._image_json(product, position, name) for position in range(IMAGES_PER_PRODUCT)]

    def added_images(self, site: str) -> list[dict[str, Any]]:
        """Images on the site's products that did not come with the catalog (added through the API)."""
        state = self.site(site)
        return [image for images in state.images.values() for image in images if image["id"] > 10_000]

    def remove_image_outside(self, site: str, number: int, image_id: int) -> None:
        """The merchant removed an image from product `number` in wp-admin."""
        product = PRODUCTS[number]
        state = self.site(site)
        state.images[number] = [i for i in self.product_images(site, product) if i["id"] != image_id]
        state.modified[number] = datetime.now(UTC).replace(microsecond=0)

    async def _update_product(self, request: Request, site: str) -> Response:
        """PUT products/<id>: the sandbox applies `name` and `images` (WC_REST_Products_Controller::set_product_images:
        an image with an `id` is kept, one with a `src` is sideloaded as a new attachment, the rest leave the
        product; the first becomes the featured image)."""
        wanted = request.path_params["id"]
        product = next((p for p in self._visible(site) if product_id(p.number) == wanted), None)
        if product is None:
            raise WooError("woocommerce_rest_product_invalid_id", "Invalid ID.", 400)
        try:
            body = await request.json()
        except ValueError:
            raise WooError("rest_invalid_json", "Invalid JSON body passed.", 400) from None
        if not isinstance(body, dict):
            body = {}
        state = self.site(site)
        now = datetime.now(UTC).replace(microsecond=0)
        if isinstance(body.get("images"), list):
            known = {image["id"]: image for image in self.product_images(site, product)} | state.attachments
            images: list[dict[str, Any]] = []
            for item in body["images"]:
                if not isinstance(item, dict):
                    continue
                if item.get("id"):
                    image = known.get(int(item["id"]))
                    if image is None:
                        message = f"#{item['id']} is an invalid image ID."
                        raise WooError("woocommerce_product_invalid_image_id", message, 400)
                    image = {**image, **{k: str(item[k]) for k in ("name", "alt") if k in item}}
                elif item.get("src"):
                    image = self._sideload(state, str(item["src"]), item, now)
                else:
                    continue
                images.append(image)
            state.images[product.number] = images
            for image in images:
                state.attachments[image["id"]] = image
        if body.get("name"):
            state.titles[product.number] = str(body["name"])
        state.modified[product.number] = now
        return WPResponse(self.product_json(site, product))

    def _sideload(self, state: SiteState, src: str, item: dict[str, Any], now: datetime) -> dict[str, Any]:
        """What media_sideload_image makes of a URL: a new attachment (the sandbox records the URL, it does not
        download it), or the error WooCommerce answers when the download or the file type fails."""
        url = httpx.URL(src)
        if url.scheme not in {"http", "https"} or not url.host or self.reject_images > 0:
            self.reject_images = max(0, self.reject_images - 1)
            message = f"Error getting remote image {src}. Error: Sorry, you are not allowed to upload this file type."
            raise WooError("woocommerce_product_image_upload_error", message, 400)
        state.last_attachment_id += 1
        state.images_added += 1
        filename = url.path.rsplit("/", 1)[-1] or "image"
        return {
            "id": state.last_attachment_id,
            **_dates("date_created", now),
            **_dates("date_modified", now),
            "src": src,
            "name": str(item.get("name") or filename.rsplit(".", 1)[0]),
            "alt": str(item.get("alt") or ""),
        }

    def _links(self, site: str, path: str) -> dict[str, list[dict[str, str]]]:
        base = f"{self.site_url(site)}{API_PREFIX}"
        return {"self": [{"href": f"{base}/{path}"}], "collection": [{"href": f"{base}/{path.rsplit('/', 1)[0]}"}]}

    async def _list_products(self, request: Request, site: str) -> Response:
        query = request.query_params
        order = _enum_arg(query, "order", "desc", ("asc", "desc"))
        orderby = _enum_arg(query, "orderby", "date", PRODUCT_ORDERBY)
        status = _enum_arg(query, "status", "any", PRODUCT_STATUSES)
        include = _ids_arg(query, "include")
        products = self._visible(site) if status in {"any", "publish"} else []  # every sandbox product is published
        if include:
            products = [p for p in products if product_id(p.number) in include]
        if orderby == "include" and include:
            products.sort(key=lambda p: include.index(product_id(p.number)))  # the caller's order; `order` is ignored
        else:
            keys: dict[str, Callable[[SampleProduct], Any]] = {
                "date": self._created,
                "modified": lambda p: self._modified(site, p),
                "title": lambda p: self.site(site).titles.get(p.number, p.title),
                "slug": lambda p: p.handle,
                "price": lambda p: float(p.price),
                "id": lambda p: p.number,
            }
            # Sales, ratings and menu order are all zero here, so those orders come down to the id tie-break.
            key = keys.get(orderby, keys["id"])
            products.sort(key=lambda p: (key(p), p.number), reverse=order == "desc")
        return self._page(request, products, lambda p: self.product_json(site, p))

    async def _get_product(self, request: Request, site: str) -> Response:
        wanted = request.path_params["id"]
        product = next((p for p in self._visible(site) if product_id(p.number) == wanted), None)
        if product is None:
            raise WooError("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
        return WPResponse(self.product_json(site, product))

    # categories

    def category_json(self, site: str, collection: SampleCollection) -> dict[str, Any]:
        members = [p for p in self._visible(site) if collection.handle in p.collection_handles]
        # The category's picture is its first product's first image, as a merchant would usually pick.
        first = next(p for p in PRODUCTS if collection.handle in p.collection_handles)
        return {
            "id": category_id(collection),
            "name": collection.title,
            "slug": collection.handle,
            "parent": 0,
            "description": "",
            "display": "default",
            "image": self._image_json(first, 0, first.title),
            "menu_order": collection.number,
            "count": len(members),
            "_links": self._links(site, f"products/categories/{category_id(collection)}"),
        }

    async def _list_categories(self, request: Request, site: str) -> Response:
        query = request.query_params
        order = _enum_arg(query, "order", "asc", ("asc", "desc"))
        orderby = _enum_arg(query, "orderby", "name", CATEGORY_ORDERBY)
        keys: dict[str, Callable[[SampleCollection], Any]] = {
            "id": category_id,
            "name": lambda c: c.title,
            "slug": lambda c: c.handle,
            "count": lambda c: self.category_json(site, c)["count"],
        }
        key = keys.get(orderby, category_id)
        categories = sorted(COLLECTIONS, key=lambda c: (key(c), c.number), reverse=order == "desc")
        return self._page(request, categories, lambda c: self.category_json(site, c))

    # settings

    async def _currency(self, request: Request, site: str) -> Response:
        description = (
            "This controls what currency prices are listed at in the catalog and which currency gateways will take "
            "payments in."
        )
        return WPResponse(
            {
                "id": "woocommerce_currency",
                "label": "Currency",
                "description": description,
                "type": "select",
                "default": "USD",
                "options": {
                    "EUR": "Euro (&euro;)",
                    "GBP": "Pound sterling (&pound;)",
                    "USD": "United States (US) dollar ($)",
                },
                "tip": description,
                "value": self.site(site).currency,
                "group_id": "general",
                "_links": self._links(site, "settings/general/woocommerce_currency"),
            }
        )

    # webhooks

    def webhook_json(self, site: str, webhook_id: int) -> dict[str, Any]:
        """A webhook as the API answers it: the docs' fields, never the secret."""
        hook = self.site(site).webhooks[webhook_id]
        resource, _, event = str(hook["topic"]).partition(".")
        return {
            "id": webhook_id,
            "name": hook["name"],
            "status": hook["status"],
            "topic": hook["topic"],
            "resource": resource,
            "event": event,
            "hooks": list(TOPIC_HOOKS.get(hook["topic"], [event] if resource == "action" else [])),
            "delivery_url": hook["delivery_url"],
            **_dates("date_created", hook["created"]),
            **_dates("date_modified", hook["modified"]),
            "_links": self._links(site, f"webhooks/{webhook_id}"),
        }

    async def _list_webhooks(self, request: Request, site: str) -> Response:
        status = _enum_arg(request.query_params, "status", "all", ("all", *WEBHOOK_STATUSES))
        hooks = self.site(site).webhooks
        ids = sorted(
            (i for i, hook in hooks.items() if status in {"all", hook["status"]}), reverse=True
        )  # newest first
        return self._page(request, ids, lambda i: self.webhook_json(site, i))

    async def _create_webhook(self, request: Request, site: str) -> Response:
        if "json" in request.headers.get("content-type", ""):
            try:
                body = await request.json()
            except ValueError:
                raise WooError("rest_invalid_json", "Invalid JSON body passed.", 400) from None
            if not isinstance(body, dict):
                body = {}
        else:
            body = {name: str(value) for name, value in (await request.form()).items()}
        missing = [name for name in ("topic", "delivery_url") if name not in body]
        if missing:
            raise WooError(
                "rest_missing_callback_param", f"Missing parameter(s): {', '.join(missing)}", 400, params=missing
            )
        status = str(body.get("status") or "active")
        if status not in WEBHOOK_STATUSES:
            raise _invalid("status", f"status is not one of {_wp_list(WEBHOOK_STATUSES)}.", "rest_not_in_enum")
        topic = str(body["topic"]).lower()
        resource, _, event = topic.partition(".")
        if topic not in TOPIC_HOOKS and not (resource == "action" and event):
            raise WooError(
                "woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic is required and must be valid.", 400
            )
        delivery_url = str(body["delivery_url"])
        if not delivery_url.startswith(("http://", "https://")) or not httpx.URL(delivery_url).host:
            message = "Webhook delivery URL must be a valid URL starting with http:// or https://."
            raise WooError("woocommerce_rest_shop_webhook_invalid_delivery_url", message, 400)
        state = self.site(site)
        state.last_webhook_id += 1
        now = datetime.now(UTC).replace(microsecond=0)
        state.webhooks[state.last_webhook_id] = {
            "name": str(body.get("name") or f"Webhook created on {now + SITE_UTC_OFFSET:%B %d, %Y @ %I:%M %p}"),
            "topic": topic,
            "delivery_url": delivery_url,
            "secret": str(body.get("secret") or secrets.token_urlsafe(38)[:50]),
            "status": status,
            "created": now,
            "modified": now,
        }
        location = f"{self.site_url(site)}{API_PREFIX}/webhooks/{state.last_webhook_id}"
        # (WooCommerce also sends a ping to the delivery URL here, ignoring the answer; see `ping`.)
        return WPResponse(
            self.webhook_json(site, state.last_webhook_id), status_code=201, headers={"Location": location}
        )

    async def _get_webhook(self, request: Request, site: str) -> Response:
        webhook_id = request.path_params["id"]
        if webhook_id not in self.site(site).webhooks:
            # Yes, 400 and not 404: the v2/v3 controller answers a missing webhook this way.
            raise WooError("woocommerce_rest_shop_webhook_invalid_id", "ID is invalid.", 400)
        return WPResponse(self.webhook_json(site, webhook_id))

    async def _delete_webhook(self, request: Request, site: str) -> Response:
        webhook_id = request.path_params["id"]
        if not _bool_arg(request.query_params, "force", False):
            raise WooError("woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501)
        if webhook_id not in self.site(site).webhooks:
            raise WooError("woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.", 404)
        deleted = self.webhook_json(site, webhook_id)
        del self.site(site).webhooks[webhook_id]
        return WPResponse(deleted)

    # --- images ---------------------------------------------------------------------------------------------

    async def image(self, request: Request) -> Response:
        number, position = request.path_params["number"], request.path_params["position"]
        if not (0 <= number < len(PRODUCTS) and 0 <= position < IMAGES_PER_PRODUCT):
            return Response(status_code=404)
        return Response(product_image(number, position), media_type="image/png")

    # --- webhook deliveries ---------------------------------------------------------------------------------

    def webhook(
        self, site: str, topic: str, number: int, *, delivery_id: str | None = None
    ) -> tuple[str, bytes, dict[str, str]]:
        """A delivery of catalog product `number` as WooCommerce sends it to the site's first active webhook of
        `topic`: (delivery_url, raw body, headers). The body is the product as the API shows it, or {"id": N} for
        product.deleted; the signature is the base64 HMAC-SHA256 of the body with that webhook's secret."""
        resource, _, event = topic.partition(".")
        if resource != "product":
            raise ValueError(f"only product topics are delivered by the sandbox, not {topic}")
        hooks = self.site(site).webhooks
        webhook_id = next(
            (i for i in sorted(hooks) if hooks[i]["topic"] == topic and hooks[i]["status"] == "active"), None
        )
        if webhook_id is None:
            raise LookupError(f"{site} has no active {topic} webhook")
        hook = hooks[webhook_id]
        payload = {"id": product_id(number)} if event == "deleted" else self.product_json(site, PRODUCTS[number])
        body = php_json(payload)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})",
            "X-WC-Webhook-Source": f"{self.site_url(site)}/",
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": sign_body(str(hook["secret"]), body),
            "X-WC-Webhook-ID": str(webhook_id),
            "X-WC-Webhook-Delivery-ID": delivery_id or secrets.token_hex(16),
        }
        return str(hook["delivery_url"]), body, headers

    async def send_webhook(
        self,
        site: str,
        topic: str,
        number: int,
        *,
        delivery_id: str | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> int:
        """Deliver `webhook(...)` and return the receiver's status code. Pass `client` (e.g. one on an ASGI
        transport) to reach an app that runs in-process."""
        url, body, headers = self.webhook(site, topic, number, delivery_id=delivery_id)
        if client is not None:
            return (await client.post(url, content=body, headers=headers)).status_code
        async with httpx.AsyncClient(timeout=CALLBACK_TIMEOUT) as own:
            return (await own.post(url, content=body, headers=headers)).status_code

    def ping(self, site: str, webhook_id: int) -> tuple[str, bytes, dict[str, str]]:
        """The ping WooCommerce posts when a webhook is created: form-encoded `webhook_id=N`, with no signature
        and no X-WC-Webhook headers. A receiver should answer it 2xx without treating it as an event."""
        hook = self.site(site).webhooks[webhook_id]
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})",
        }
        return str(hook["delivery_url"]), f"webhook_id={webhook_id}".encode(), headers
