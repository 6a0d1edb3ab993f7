"""Stripe's objects as the sandbox builds them: ids, form decoding, billing-period arithmetic, and one builder
per resource, shaped after `components.schemas` of API version 2026-05-27.dahlia (the sandbox's contract test
checks every object against that spec, so a field added here must exist there).

Builders return plain dicts, exactly the JSON Stripe would send. Nullable fields a client commonly reads are
present with `null`, as Stripe sends them; fields only returned on request (`line_items`, `payments`) are not.
"""

from __future__ import annotations

import calendar
import secrets
import string
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

Obj = dict[str, Any]

API_VERSION = "2026-05-27.dahlia"
_ALPHABET = string.ascii_letters + string.digits
_DAY = 86400
TIMES = "\u00d7"  # Stripe writes "1 x Pro" with the multiplication sign, U+00D7


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


class FormError(ValueError):
    """A form key that cannot be decoded (e.g. `a=1&a[b]=2`); the API answers 400 with the message."""


def decode_form(pairs: Iterable[tuple[str, str]]) -> Obj:
    """Stripe's form encoding back into nested values: `a[b][0][c]=v` → {"a": {"b": [{"c": "v"}]}}.

    `expand[]=x` appends; objects whose keys are all indices become lists (in index order)."""
    root: Obj = {}
    for key, value in pairs:
        name, _, rest = key.partition("[")
        parts = [name, *(rest[:-1].split("][") if rest else [])]
        node = root
        for depth, part in enumerate(parts):
            if not isinstance(node, dict):
                raise FormError(f"Invalid array or object: {key}")
            if part == "":  # `key[]`: the next index
                part = str(len(node))
            if depth == len(parts) - 1:
                if isinstance(node.get(part), dict):
                    raise FormError(f"Invalid value for {key}: expected an object")
                node[part] = value
            else:
                node = node.setdefault(part, {})
    decoded: Obj = _lists(root)
    return decoded


def _lists(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {key: _lists(item) for key, item in value.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


def add_intervals(anchor: int, interval: str, count: int) -> int:
    """`anchor` moved by `count` intervals. Months keep the anchor's day, clamped to short months, as Stripe's
    billing cycles do (anchored on Jan 31: Feb 28, Mar 31, ...), so periods never drift."""
    if interval == "day":
        return anchor + count * _DAY
    if interval == "week":
        return anchor + count * 7 * _DAY
    start = datetime.fromtimestamp(anchor, UTC)
    months = start.month - 1 + count * (12 if interval == "year" else 1)
    year, month = start.year + months // 12, months % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return int(start.replace(year=year, month=month, day=day).timestamp())


def money(amount: int, currency: str) -> str:
    sign = "-" if amount < 0 else ""
    value = f"{abs(amount) / 100:,.2f}"
    return f"{sign}${value}" if currency == "usd" else f"{sign}{value} {currency.upper()}"


def _list(data: list[Obj], url: str) -> Obj:
    return {"object": "list", "data": data, "has_more": False, "url": url}


_ADDRESS = {"city": None, "country": None, "line1": None, "line2": None, "postal_code": None, "state": None}
_NO_TAX = {"enabled": False, "liability": None, "provider": None, "status": None}


# --- Catalog and customers ----------------------------------------------------------------------------------


def product(name: str, now: int, *, description: str | None = None, metadata: Obj | None = None) -> Obj:
    return {
        "id": new_id("prod_", 14),
        "object": "product",
        "active": True,
        "created": now,
        "default_price": None,
        "description": description,
        "images": [],
        "livemode": False,
        "marketing_features": [],
        "metadata": metadata or {},
        "name": name,
        "package_dimensions": None,
        "shippable": None,
        "statement_descriptor": None,
        "tax_code": None,
        "unit_label": None,
        "updated": now,
        "url": None,
    }


def price(product_id: str, currency: str, unit_amount: int, now: int, recurring: Obj | None) -> Obj:
    """An ad-hoc price, as `price_data` creates one: not active, so it cannot be reused from the catalog."""
    return {
        "id": new_id("price_"),
        "object": "price",
        "active": False,
        "billing_scheme": "per_unit",
        "created": now,
        "currency": currency,
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": None,
        "metadata": {},
        "nickname": None,
        "product": product_id,
        "recurring": None
        if recurring is None
        else {
            "interval": recurring["interval"],
            "interval_count": recurring.get("interval_count", 1),
            "meter": None,
            "usage_type": "licensed",
        },
        "tax_behavior": "unspecified",
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "one_time" if recurring is None else "recurring",
        "unit_amount": unit_amount,
        "unit_amount_decimal": str(unit_amount),
    }


def customer(now: int, *, email: str | None, name: str | None, description: str | None, metadata: Obj) -> Obj:
    return {
        "id": new_id("cus_", 14),
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": now,
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": description,
        "discount": None,
        "email": email,
        "invoice_prefix": secrets.token_hex(4).upper(),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": metadata,
        "name": name,
        "next_invoice_sequence": 1,
        "phone": None,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }


# --- Checkout -----------------------------------------------------------------------------------------------


def checkout_line_item(price_obj: Obj, product_name: str, quantity: int) -> Obj:
    amount = price_obj["unit_amount"] * quantity
    return {
        "id": new_id("li_"),
        "object": "item",
        "adjustable_quantity": None,
        "amount_discount": 0,
        "amount_subtotal": amount,
        "amount_tax": 0,
        "amount_total": amount,
        "currency": price_obj["currency"],
        "description": product_name,
        "metadata": {},
        "price": price_obj,
        "quantity": quantity,
    }


def checkout_session(params: Obj, items: list[Obj], now: int, base_url: str) -> Obj:
    session_id = new_id("cs_test_a1", 56)
    amount = sum(item["amount_total"] for item in items)
    customer_id = params.get("customer")
    creation = None if customer_id else params.get("customer_creation") or "if_required"
    if params["mode"] == "subscription" and not customer_id:
        creation = "always"  # a subscription always needs a customer
    return {
        "id": session_id,
        "object": "checkout.session",
        "adaptive_pricing": None,
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": amount,
        "amount_total": amount,
        "automatic_tax": dict(_NO_TAX),
        "billing_address_collection": None,
        "cancel_url": params.get("cancel_url"),
        "client_reference_id": params.get("client_reference_id"),
        "client_secret": None,
        "consent": None,
        "consent_collection": None,
        "created": now,
        "currency": items[0]["currency"],
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer": customer_id,
        "customer_creation": creation,
        "customer_details": None,
        "customer_email": params.get("customer_email"),
        "expires_at": now + _DAY,
        "invoice": None,
        "invoice_creation": None,
        "livemode": False,
        "locale": None,
        "metadata": params.get("metadata") or {},
        "mode": params["mode"],
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "always" if params["mode"] == "subscription" else None,
        "payment_method_options": {},
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "saved_payment_method_options": None,
        "setup_intent": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": "open",
        "submit_type": None,
        "subscription": None,
        "success_url": params.get("success_url"),
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted_page",
        "url": f"{base_url}/pay/{session_id}",
    }


def customer_details(cus: Obj) -> Obj:
    return {
        "address": dict(_ADDRESS, country="US"),
        "email": cus["email"],
        "name": cus["name"],
        "phone": None,
        "tax_exempt": "none",
        "tax_ids": [],
    }


# --- Subscriptions ------------------------------------------------------------------------------------------


def subscription_item(sub_id: str, price_obj: Obj, quantity: int, now: int, start: int, end: int) -> Obj:
    return {
        "id": new_id("si_", 14),
        "object": "subscription_item",
        "billing_thresholds": None,
        "created": now,
        "current_period_end": end,
        "current_period_start": start,
        "discounts": [],
        "metadata": {},
        "price": price_obj,
        "quantity": quantity,
        "subscription": sub_id,
        "tax_rates": [],
    }


def subscription(sub_id: str, customer_id: str, item: Obj, now: int, metadata: Obj) -> Obj:
    return {
        "id": sub_id,
        "object": "subscription",
        "application": None,
        "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": item["current_period_start"],
        "billing_cycle_anchor_config": None,
        "billing_mode": {"flexible": None, "type": "classic"},
        "billing_schedules": [],
        "billing_thresholds": None,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "cancellation_details": {"comment": None, "feedback": None, "reason": None},
        "collection_method": "charge_automatically",
        "created": now,
        "currency": item["price"]["currency"],
        "customer": customer_id,
        "days_until_due": None,
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": [],
        "ended_at": None,
        "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
        "items": _list([item], f"/v1/subscription_items?subscription={sub_id}"),
        "latest_invoice": None,
        "livemode": False,
        "metadata": metadata,
        "next_pending_invoice_item_invoice": None,
        "on_behalf_of": None,
        "pause_collection": None,
        "payment_settings": {
            "payment_method_options": None,
            "payment_method_types": None,
            "save_default_payment_method": "off",
        },
        "pending_invoice_item_interval": None,
        "pending_setup_intent": None,
        "pending_update": None,
        "schedule": None,
        "start_date": now,
        "status": "active",
        "test_clock": None,
        "transfer_data": None,
        "trial_end": None,
        "trial_start": None,
    }


# --- Invoices and payments ----------------------------------------------------------------------------------


def invoice_line(
    invoice_id: str,
    sub: Obj,
    item: Obj,
    price_obj: Obj,
    *,
    amount: int,
    description: str,
    period: tuple[int, int],
    proration: bool,
) -> Obj:
    return {
        "id": new_id("il_"),
        "object": "line_item",
        "amount": amount,
        "currency": price_obj["currency"],
        "description": description,
        "discount_amounts": [],
        "discountable": not proration,
        "discounts": [],
        "invoice": invoice_id,
        "livemode": False,
        "metadata": {},
        "parent": {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": new_id("ii_") if proration else None,
                "proration": proration,
                "proration_details": {"credited_items": None},
                "subscription": sub["id"],
                "subscription_item": item["id"],
            },
            "type": "subscription_item_details",
        },
        "period": {"end": period[1], "start": period[0]},
        "pretax_credit_amounts": [],
        "pricing": {
            "price_details": {"price": price_obj["id"], "product": price_obj["product"]},
            "type": "price_details",
            "unit_amount_decimal": price_obj["unit_amount_decimal"],
        },
        "quantity": item["quantity"],
        "subtotal": amount,
        "taxes": [],
    }


def invoice(
    invoice_id: str,
    cus: Obj,
    sub: Obj,
    lines: list[Obj],
    *,
    number: str,
    billing_reason: str,
    period: tuple[int, int],
    now: int,
    base_url: str,
) -> Obj:
    """A finalized invoice, still open: the caller marks it paid or failed. `period` is the invoice's own
    period, which Stripe sets to the usage period just ended (creation time for the first invoice), not the
    period being paid for: that one is on the lines."""
    total = sum(line["amount"] for line in lines)
    due = max(total, 0)  # a negative total (downgrade credit) goes to the customer's balance
    return {
        "id": invoice_id,
        "object": "invoice",
        "account_country": "US",
        "account_name": "Epox Sandbox",
        "account_tax_ids": None,
        "amount_due": due,
        "amount_overpaid": 0,
        "amount_paid": 0,
        "amount_paid_off_stripe": 0,
        "amount_remaining": due,
        "amount_shipping": 0,
        "application": None,
        "attempt_count": 0,
        "attempted": False,
        "auto_advance": True,
        "automatic_tax": {
            "disabled_reason": None,
            "enabled": False,
            "liability": None,
            "provider": None,
            "status": None,
        },
        "automatically_finalizes_at": None,
        "billing_reason": billing_reason,
        "collection_method": "charge_automatically",
        "created": now,
        "currency": sub["currency"],
        "custom_fields": None,
        "customer": cus["id"],
        "customer_address": None,
        "customer_email": cus["email"],
        "customer_name": cus["name"],
        "customer_phone": None,
        "customer_shipping": None,
        "customer_tax_exempt": "none",
        "customer_tax_ids": [],
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": [],
        "due_date": None,
        "effective_at": now,
        "ending_balance": 0,
        "footer": None,
        "from_invoice": None,
        "hosted_invoice_url": f"{base_url}/invoices/{invoice_id}",
        "invoice_pdf": f"{base_url}/invoices/{invoice_id}/pdf",
        "issuer": {"type": "self"},
        "last_finalization_error": None,
        "latest_revision": None,
        "lines": _list(lines, f"/v1/invoices/{invoice_id}/lines"),
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": None,
        "number": number,
        "on_behalf_of": None,
        "parent": {
            "quote_details": None,
            "subscription_details": {"metadata": dict(sub["metadata"]), "subscription": sub["id"]},
            "type": "subscription_details",
        },
        "payment_settings": {"default_mandate": None, "payment_method_options": None, "payment_method_types": None},
        "period_end": period[1],
        "period_start": period[0],
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": None,
        "rendering": None,
        "shipping_cost": None,
        "shipping_details": None,
        "starting_balance": 0,
        "statement_descriptor": None,
        "status": "open",
        "status_transitions": {
            "finalized_at": now,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        "subtotal": total,
        "subtotal_excluding_tax": total,
        "test_clock": None,
        "total": total,
        "total_discount_amounts": [],
        "total_excluding_tax": total,
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": now,
    }


def invoice_payment(invoice_obj: Obj, payment_intent_id: str, now: int) -> Obj:
    return {
        "id": new_id("inpay_"),
        "object": "invoice_payment",
        "amount_paid": None,
        "amount_requested": invoice_obj["amount_due"],
        "created": now,
        "currency": invoice_obj["currency"],
        "invoice": invoice_obj["id"],
        "is_default": True,
        "livemode": False,
        "payment": {"payment_intent": payment_intent_id, "type": "payment_intent"},
        "status": "open",
        "status_transitions": {"canceled_at": None, "paid_at": None},
    }


def payment_intent(amount: int, currency: str, customer_id: str | None, description: str, now: int) -> Obj:
    """Created at confirmation, still `processing`: the caller settles it."""
    intent_id = new_id("pi_")
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": None,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic",
        "client_secret": f"{intent_id}_secret_{new_id('', 25)}",
        "confirmation_method": "automatic",
        "created": now,
        "currency": currency,
        "customer": customer_id,
        "description": description,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": {},
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": new_id("pm_"),
        "payment_method_types": ["card"],
        "processing": None,
        "receipt_email": None,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "processing",
        "transfer_data": None,
        "transfer_group": None,
    }


def charge(intent: Obj, email: str | None, name: str | None, now: int) -> Obj:
    """A pending charge for `intent`; the caller marks it succeeded or failed."""
    return {
        "id": new_id("ch_"),
        "object": "charge",
        "amount": intent["amount"],
        "amount_captured": 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": {"address": dict(_ADDRESS, country="US"), "email": email, "name": name, "phone": None},
        "calculated_statement_descriptor": "EPOX",
        "captured": False,
        "created": now,
        "currency": intent["currency"],
        "customer": intent["customer"],
        "description": intent["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None,
        "failure_message": None,
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "on_behalf_of": None,
        "outcome": None,
        "paid": False,
        "payment_intent": intent["id"],
        "payment_method": intent["payment_method"],
        "receipt_email": email,
        "receipt_number": None,
        "receipt_url": None,
        "refunded": False,
        "review": None,
        "shipping": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "pending",
        "transfer_data": None,
        "transfer_group": None,
    }


def outcome(succeeded: bool) -> Obj:
    if succeeded:
        return {
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "risk_score": 12,
            "seller_message": "Payment complete.",
            "type": "authorized",
        }
    return {
        "network_status": "declined_by_network",
        "reason": "generic_decline",
        "risk_level": "normal",
        "risk_score": 12,
        "seller_message": "The bank did not return any further details with this decline.",
        "type": "issuer_declined",
    }


def refund(ch: Obj, amount: int, reason: str | None, metadata: Obj, now: int) -> Obj:
    return {
        "id": new_id("re_"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": new_id("txn_"),
        "charge": ch["id"],
        "created": now,
        "currency": ch["currency"],
        "destination_details": {
            "card": {"reference_status": "pending", "reference_type": "acquirer_reference_number", "type": "refund"},
            "type": "card",
        },
        "metadata": metadata,
        "payment_intent": ch["payment_intent"],
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }


def portal_session(customer_id: str, return_url: str | None, now: int, base_url: str) -> Obj:
    session_id = new_id("bps_")
    return {
        "id": session_id,
        "object": "billing_portal.session",
        "configuration": "bpc_sandbox",
        "created": now,
        "customer": customer_id,
        "flow": None,
        "livemode": False,
        "locale": None,
        "on_behalf_of": None,
        "return_url": return_url,
        "url": f"{base_url}/portal/{session_id}",
    }


def event(event_type: str, obj: Obj, now: int, *, previous: Obj | None, request: Obj, pending: int) -> Obj:
    data: Obj = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": new_id("evt_"),
        "object": "event",
        "api_version": API_VERSION,
        "created": now,
        "data": data,
        "livemode": False,
        "pending_webhooks": pending,
        "request": request,
        "type": event_type,
    }


def error(
    message: str, *, kind: str = "invalid_request_error", code: str | None = None, param: str | None = None
) -> Obj:
    body: Obj = {"message": message, "type": kind}
    if code is not None:
        body["code"] = code
        body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    if param is not None:
        body["param"] = param
    return {"error": body}
