"""The Stripe sandbox behaves like Stripe where Epox depends on it: driven only through the official SDK (and a
plain HTTP client for the hosted pages), its objects, events, errors and webhook signatures match Stripe's, and
every object it answers with matches Stripe's published spec (checked after each test by `stripe_sandbox`)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import stripe

from sandbox.stripe import ENDPOINTS, StripeSandbox
from sandbox.stripe_objects import add_intervals, decode_form
from tests.billing.conftest import StripeContract, WebhookReceiver

SUCCESS_URL = "https://app.example/billing/done?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "https://app.example/billing"


# --- helpers -------------------------------------------------------------------------------------------------


def plan_line(name: str = "Pro", amount: int = 14900, interval: str = "month") -> dict[str, Any]:
    return {
        "quantity": 1,
        "price_data": {
            "currency": "usd",
            "unit_amount": amount,
            "recurring": {"interval": interval},
            "product_data": {"name": name},
        },
    }


def pack_line(name: str = "200 credits", amount: int = 4000) -> dict[str, Any]:
    return {"quantity": 1, "price_data": {"currency": "usd", "unit_amount": amount, "product_data": {"name": name}}}


def checkout(client: stripe.StripeClient, mode: str, line: dict[str, Any], **params: Any) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(
        params={
            "mode": mode,
            "line_items": [line],
            "success_url": SUCCESS_URL,
            "cancel_url": CANCEL_URL,
            **params,
        }
    )


def press(session: stripe.checkout.Session, action: str) -> httpx.Response:
    """Press a button of the hosted checkout page, as the buyer's browser would."""
    assert session.url is not None
    return httpx.post(session.url, data={"action": action})


def subscribe(client: stripe.StripeClient, name: str = "Pro", amount: int = 14900, interval: str = "month") -> str:
    session = checkout(client, "subscription", plan_line(name, amount, interval), customer_email="owner@shop.example")
    assert press(session, "pay").status_code == 303
    subscription = client.v1.checkout.sessions.retrieve(session.id).subscription
    assert isinstance(subscription, str)
    return subscription


def types(sandbox: StripeSandbox, since: int = 0, *, among: tuple[str, ...] = ()) -> list[str]:
    found = [event["type"] for event in sandbox.events[since:]]
    return [t for t in found if t in among] if among else found


def last(sandbox: StripeSandbox, event_type: str) -> dict[str, Any]:
    return next(e for e in reversed(sandbox.events) if e["type"] == event_type)


def day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


# --- checkout ------------------------------------------------------------------------------------------------


def test_subscription_checkout_creates_the_subscription_its_paid_invoice_and_events_in_order(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    session = checkout(
        stripe_client,
        "subscription",
        plan_line("Pro", 14900, "month"),
        client_reference_id="org_42",
        customer_email="owner@shop.example",
        metadata={"organization_id": "org_42", "plan": "pro"},
        subscription_data={"metadata": {"organization_id": "org_42"}},
    )
    assert session.id.startswith("cs_test_")
    assert session.url == f"{stripe_sandbox.base_url}/pay/{session.id}"
    assert (session.status, session.payment_status, session.amount_total) == ("open", "unpaid", 14900)
    assert session.subscription is None
    assert session.customer is None

    page = httpx.get(session.url)
    assert page.status_code == 200
    for text in ("Pro", "$149.00 / month", "Pay", "Fail payment", "Pay later (async)"):
        assert text in page.text

    paid = press(session, "pay")
    assert paid.status_code == 303
    assert paid.headers["location"] == SUCCESS_URL.replace("{CHECKOUT_SESSION_ID}", session.id)

    done = stripe_client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["line_items"]})
    assert (done.status, done.payment_status) == ("complete", "paid")
    assert done.line_items is not None
    assert done.line_items.data[0].price.unit_amount == 14900
    assert done.metadata.to_dict() == {"organization_id": "org_42", "plan": "pro"}
    assert done.client_reference_id == "org_42"
    assert isinstance(done.customer, str)
    assert done.customer.startswith("cus_")
    assert isinstance(done.subscription, str)
    assert done.subscription.startswith("sub_")

    customer = stripe_client.v1.customers.retrieve(done.customer)
    assert customer.email == "owner@shop.example"
    subscription = stripe_client.v1.subscriptions.retrieve(done.subscription)
    assert (subscription.status, subscription.customer) == ("active", customer.id)
    assert subscription.metadata.to_dict() == {"organization_id": "org_42"}
    [item] = subscription["items"].data
    assert item.id.startswith("si_")
    assert item.price.id.startswith("price_")
    assert item.quantity == 1
    assert isinstance(item.price.product, str)
    assert item.price.product.startswith("prod_")
    assert (item.price.unit_amount, item.price.recurring.interval) == (14900, "month")
    assert item.current_period_end == add_intervals(item.current_period_start, "month", 1)
    assert abs(item.current_period_start - time.time()) < 60

    [invoice] = stripe_client.v1.invoices.list(params={"customer": customer.id}).data
    assert invoice.id == done.invoice == subscription.latest_invoice
    assert (invoice.status, invoice.billing_reason) == ("paid", "subscription_create")
    assert (invoice.amount_due, invoice.amount_paid, invoice.amount_remaining) == (14900, 14900, 0)
    assert invoice.parent.subscription_details.subscription == subscription.id
    assert invoice.parent.subscription_details.metadata.to_dict() == {"organization_id": "org_42"}
    [line] = invoice.lines.data
    assert (line.period.start, line.period.end) == (item.current_period_start, item.current_period_end)
    assert line.description == "1 \u00d7 Pro (at $149.00 / month)"
    assert invoice.hosted_invoice_url
    assert "Pro" in httpx.get(invoice.hosted_invoice_url).text
    assert invoice.invoice_pdf
    assert httpx.get(invoice.invoice_pdf).content.startswith(b"%PDF-")

    # invoice.paid comes before checkout.session.completed, as Stripe sends them.
    flow = ("customer.created", "customer.subscription.created", "invoice.paid", "invoice.payment_succeeded")
    assert types(stripe_sandbox, among=(*flow, "checkout.session.completed")) == [*flow, "checkout.session.completed"]
    completed = last(stripe_sandbox, "checkout.session.completed")["data"]["object"]
    assert (completed["payment_status"], completed["subscription"], completed["client_reference_id"]) == (
        "paid",
        subscription.id,
        "org_42",
    )
    created = last(stripe_sandbox, "customer.subscription.created")["data"]["object"]
    assert created["status"] == "active"
    assert created["latest_invoice"] == invoice.id


def test_pack_checkout_is_a_one_time_payment(stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox) -> None:
    customer = stripe_client.v1.customers.create(params={"email": "owner@shop.example", "metadata": {"org": "7"}})
    session = checkout(
        stripe_client,
        "payment",
        pack_line("200 credits", 4000),
        customer=customer.id,
        metadata={"pack": "credits_200"},
        payment_intent_data={"metadata": {"pack": "credits_200"}},
    )
    assert press(session, "pay").status_code == 303

    done = stripe_client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent"]})
    assert (done.status, done.payment_status, done.customer, done.subscription) == (
        "complete",
        "paid",
        customer.id,
        None,
    )
    intent = done.payment_intent
    assert isinstance(intent, stripe.PaymentIntent)
    assert (intent.status, intent.amount_received, intent.metadata.to_dict()) == (
        "succeeded",
        4000,
        {"pack": "credits_200"},
    )
    charge = stripe_client.v1.charges.retrieve(str(intent.latest_charge))
    assert (charge.status, charge.amount, charge.paid, charge.customer) == ("succeeded", 4000, True, customer.id)

    assert types(stripe_sandbox) == [
        "customer.created",
        "charge.succeeded",
        "payment_intent.succeeded",
        "checkout.session.completed",
    ]
    completed = last(stripe_sandbox, "checkout.session.completed")["data"]["object"]
    assert (completed["mode"], completed["payment_status"], completed["amount_total"]) == ("payment", "paid", 4000)
    assert completed["metadata"] == {"pack": "credits_200"}

    # The page is spent: another press changes nothing.
    count = len(stripe_sandbox.events)
    again = press(session, "pay")
    assert again.status_code == 409
    assert "already complete" in again.text
    assert len(stripe_sandbox.events) == count


def test_a_guest_pack_purchase_has_no_customer(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    session = checkout(stripe_client, "payment", pack_line(), customer_email="guest@shop.example")
    assert press(session, "pay").status_code == 303
    done = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert done.customer is None
    assert done.customer_details.email == "guest@shop.example"
    assert stripe_sandbox.of_type("customer") == []


def test_pay_later_completes_unpaid_then_settles(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    good = checkout(stripe_client, "payment", pack_line("1,000 credits", 15000))
    bad = checkout(stripe_client, "payment", pack_line("50 credits", 1200))
    for session in (good, bad):
        assert press(session, "async").status_code == 303
        completed = last(stripe_sandbox, "checkout.session.completed")["data"]["object"]
        assert (completed["id"], completed["status"], completed["payment_status"]) == (session.id, "complete", "unpaid")
        intent = stripe_client.v1.payment_intents.retrieve(str(completed["payment_intent"]))
        assert intent.status == "processing"

    before = len(stripe_sandbox.events)
    stripe_sandbox.settle_async(good.id)
    assert types(stripe_sandbox, before) == [
        "charge.succeeded",
        "payment_intent.succeeded",
        "checkout.session.async_payment_succeeded",
    ]
    assert (
        last(stripe_sandbox, "checkout.session.async_payment_succeeded")["data"]["object"]["payment_status"] == "paid"
    )
    assert stripe_client.v1.checkout.sessions.retrieve(good.id).payment_status == "paid"

    before = len(stripe_sandbox.events)
    stripe_sandbox.settle_async(bad.id, succeed=False)
    assert types(stripe_sandbox, before) == [
        "charge.failed",
        "payment_intent.payment_failed",
        "checkout.session.async_payment_failed",
    ]
    failed = stripe_client.v1.checkout.sessions.retrieve(bad.id, params={"expand": ["payment_intent"]})
    assert failed.payment_status == "unpaid"
    assert failed.payment_intent.status == "requires_payment_method"
    assert failed.payment_intent.last_payment_error.code == "card_declined"
    with pytest.raises(ValueError, match="no payment waiting"):
        stripe_sandbox.settle_async(good.id)


def test_a_subscription_paid_later_starts_incomplete_and_activates_on_settlement(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    session = checkout(stripe_client, "subscription", plan_line("Starter", 4900))
    assert press(session, "async").status_code == 303
    done = stripe_client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["subscription", "invoice"]})
    assert done.payment_status == "unpaid"
    assert done.subscription.status == "incomplete"
    assert done.invoice.status == "open"

    before = len(stripe_sandbox.events)
    stripe_sandbox.settle_async(session.id)
    among = ("invoice.paid", "customer.subscription.updated", "checkout.session.async_payment_succeeded")
    assert types(stripe_sandbox, before, among=among) == list(among)
    updated = last(stripe_sandbox, "customer.subscription.updated")["data"]
    assert (updated["object"]["status"], updated["previous_attributes"]["status"]) == ("active", "incomplete")
    assert stripe_client.v1.invoices.retrieve(str(done.invoice.id)).status == "paid"


def test_a_declined_card_shows_an_error_and_creates_nothing(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    session = checkout(stripe_client, "subscription", plan_line())
    declined = press(session, "fail")
    assert declined.status_code == 402
    assert "Your card was declined." in declined.text
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert stripe_sandbox.events == []
    assert [o["object"] for o in stripe_sandbox.objects.values()] == ["product", "price", "checkout.session"]

    assert press(session, "pay").status_code == 303  # the buyer tries another card
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"


def test_checkout_refuses_what_stripe_refuses(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as recurring_in_payment:
        checkout(stripe_client, "payment", plan_line())
    assert "recurring price" in str(recurring_in_payment.value.user_message)
    with pytest.raises(stripe.InvalidRequestError) as one_time_in_subscription:
        checkout(stripe_client, "subscription", pack_line())
    assert "at least one recurring price" in str(one_time_in_subscription.value.user_message)
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        checkout(stripe_client, "payment", pack_line(), allow_promotion_code=True)
    assert unknown.value.code == "parameter_unknown"
    assert unknown.value.param == "allow_promotion_code"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.checkout.sessions.create(params={"line_items": [pack_line()]})
    assert (missing.value.code, missing.value.param) == ("parameter_missing", "mode")


# --- subscriptions over time ---------------------------------------------------------------------------------


def test_advancing_three_periods_bills_each_one(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    subscription_id = subscribe(stripe_client, "Pro", 14900, "month")
    start = stripe_client.v1.subscriptions.retrieve(subscription_id)["items"].data[0]
    anchor, end = start.current_period_start, start.current_period_end
    before = len(stripe_sandbox.events)

    for cycle in (1, 2, 3):
        invoice = stripe_sandbox.advance(subscription_id)
        assert invoice is not None
        item = stripe_client.v1.subscriptions.retrieve(subscription_id)["items"].data[0]
        assert (item.current_period_start, item.current_period_end) == (end, add_intervals(anchor, "month", cycle + 1))
        retrieved = stripe_client.v1.invoices.retrieve(invoice["id"])
        assert (retrieved.status, retrieved.billing_reason, retrieved.amount_paid) == (
            "paid",
            "subscription_cycle",
            14900,
        )
        [line] = retrieved.lines.data
        # The line covers the period paid for; the invoice's own period is the one that just ended (Stripe's quirk).
        assert (line.period.start, line.period.end) == (item.current_period_start, item.current_period_end)
        assert retrieved.period_end == item.current_period_start
        assert retrieved.created == item.current_period_start  # issued at the renewal, on the customer's clock
        end = item.current_period_end

    assert day(end) == day(add_intervals(anchor, "month", 4))
    renewal = ("customer.subscription.updated", "invoice.paid", "invoice.payment_succeeded")
    assert types(stripe_sandbox, before, among=renewal) == list(renewal) * 3
    updated = last(stripe_sandbox, "customer.subscription.updated")["data"]
    assert (
        updated["previous_attributes"]["items"]["data"][0]["current_period_end"]
        == updated["object"]["items"]["data"][0]["current_period_start"]
    )

    # Newest first, paged like Stripe: the SDK's auto-pagination walks all four.
    customer = stripe_client.v1.subscriptions.retrieve(subscription_id).customer
    first_page = stripe_client.v1.invoices.list(params={"customer": str(customer), "limit": 2})
    assert first_page.has_more
    assert [i.billing_reason for i in first_page.data] == ["subscription_cycle"] * 2
    everything = list(first_page.auto_paging_iter())
    assert [i.billing_reason for i in everything] == ["subscription_cycle"] * 3 + ["subscription_create"]
    assert len({i.id for i in everything}) == 4


def test_a_failed_renewal_leaves_the_subscription_past_due_until_paid(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    subscription_id = subscribe(stripe_client, "Business", 29900)
    before = len(stripe_sandbox.events)
    invoice = stripe_sandbox.advance(subscription_id, fail=True)
    assert invoice is not None

    failed = stripe_client.v1.invoices.retrieve(invoice["id"])
    assert (failed.status, failed.attempted, failed.attempt_count) == ("open", True, 1)
    assert (failed.amount_paid, failed.amount_remaining) == (0, 29900)
    assert failed.next_payment_attempt is not None
    assert failed.next_payment_attempt > failed.created
    assert stripe_client.v1.subscriptions.retrieve(subscription_id).status == "past_due"
    assert types(stripe_sandbox, before, among=("invoice.payment_failed", "customer.subscription.updated")) == [
        "customer.subscription.updated",  # the new period
        "invoice.payment_failed",
        "customer.subscription.updated",  # active -> past_due
    ]
    past_due = last(stripe_sandbox, "customer.subscription.updated")["data"]
    assert (past_due["object"]["status"], past_due["previous_attributes"]) == ("past_due", {"status": "active"})
    assert "invoice.paid" not in types(stripe_sandbox, before)

    stripe_sandbox.pay_invoice(invoice["id"])  # the customer updates their card; the retry succeeds
    retried = stripe_client.v1.invoices.retrieve(invoice["id"], params={"expand": ["payments"]})
    assert (retried.status, retried.attempt_count, retried.amount_paid) == ("paid", 2, 29900)
    [payment] = retried.payments.data  # Stripe charges the same payment intent again
    intent = stripe_client.v1.payment_intents.retrieve(payment.payment.payment_intent)
    assert (payment.status, intent.status, intent.amount_received) == ("paid", "succeeded", 29900)
    assert stripe_client.v1.subscriptions.retrieve(subscription_id).status == "active"
    assert types(stripe_sandbox, before)[-3:] == [
        "invoice.paid",
        "invoice.payment_succeeded",
        "customer.subscription.updated",
    ]


def test_an_upgrade_with_proration_invoices_the_difference_at_once(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    subscription_id = subscribe(stripe_client, "Starter", 4900)
    subscription = stripe_client.v1.subscriptions.retrieve(subscription_id)
    item = subscription["items"].data[0]
    before = len(stripe_sandbox.events)

    upgraded = stripe_client.v1.subscriptions.update(
        subscription_id,
        params={
            "items": [
                {
                    "id": item.id,
                    "price_data": {
                        "currency": "usd",
                        "product": str(item.price.product),
                        "unit_amount": 14900,
                        "recurring": {"interval": "month"},
                    },
                }
            ],
            "proration_behavior": "always_invoice",
            "metadata": {"plan": "pro"},
        },
    )
    new_item = upgraded["items"].data[0]
    assert (new_item.id, new_item.price.unit_amount) == (item.id, 14900)
    assert (new_item.current_period_start, new_item.current_period_end) == (
        item.current_period_start,
        item.current_period_end,
    )
    assert upgraded.metadata.to_dict() == {"plan": "pro"}

    invoice = stripe_client.v1.invoices.retrieve(str(upgraded.latest_invoice))
    assert (invoice.status, invoice.billing_reason) == ("paid", "subscription_update")
    credit, charge = invoice.lines.data
    assert credit.amount < 0 < charge.amount
    assert credit.description.startswith("Unused time on Starter")
    assert charge.parent.subscription_item_details.proration is True
    assert 9900 <= invoice.amount_paid <= 10000  # (149 - 49) dollars for (nearly) the whole period
    assert invoice.amount_paid == credit.amount + charge.amount

    assert types(stripe_sandbox, before, among=("customer.subscription.updated", "invoice.paid")) == [
        "customer.subscription.updated",
        "invoice.paid",
    ]
    updated = last(stripe_sandbox, "customer.subscription.updated")["data"]
    assert updated["previous_attributes"]["items"]["data"][0]["price"]["unit_amount"] == 4900
    assert updated["previous_attributes"]["metadata"] == {}


def test_a_downgrade_without_proration_applies_at_the_next_renewal(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    subscription_id = subscribe(stripe_client, "Pro", 14900)
    item = stripe_client.v1.subscriptions.retrieve(subscription_id)["items"].data[0]
    invoices_before = len(stripe_sandbox.of_type("invoice"))
    stripe_client.v1.subscriptions.update(
        subscription_id,
        params={
            "items": [
                {
                    "id": item.id,
                    "price_data": {
                        "currency": "usd",
                        "product": str(item.price.product),
                        "unit_amount": 4900,
                        "recurring": {"interval": "month"},
                    },
                }
            ],
            "proration_behavior": "none",
        },
    )
    assert len(stripe_sandbox.of_type("invoice")) == invoices_before
    renewal = stripe_sandbox.advance(subscription_id)
    assert renewal is not None
    assert renewal["amount_paid"] == 4900

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.subscriptions.update(
            subscription_id,
            params={"items": [{"id": item.id, "price_data": {"currency": "usd", "product_data": {"name": "X"}}}]},
        )
    assert refused.value.param == "items[0][price_data][product_data]"
    assert "Received unknown parameter" in str(refused.value.user_message)


def test_cancel_at_period_end_ends_the_subscription_at_the_next_advance(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    subscription_id = subscribe(stripe_client)
    period_end = stripe_client.v1.subscriptions.retrieve(subscription_id)["items"].data[0].current_period_end
    before = len(stripe_sandbox.events)

    canceling = stripe_client.v1.subscriptions.update(subscription_id, params={"cancel_at_period_end": True})
    assert (canceling.status, canceling.cancel_at_period_end, canceling.cancel_at) == ("active", True, period_end)
    assert canceling.cancellation_details.reason == "cancellation_requested"
    resumed = stripe_client.v1.subscriptions.update(subscription_id, params={"cancel_at_period_end": False})
    assert (resumed.cancel_at_period_end, resumed.cancel_at, resumed.canceled_at) == (False, None, None)
    stripe_client.v1.subscriptions.update(subscription_id, params={"cancel_at_period_end": True})
    changes = [e["data"]["previous_attributes"]["cancel_at_period_end"] for e in stripe_sandbox.events[before:]]
    assert changes == [False, True, False]

    assert stripe_sandbox.advance(subscription_id) is None
    ended = stripe_client.v1.subscriptions.retrieve(subscription_id)
    assert (ended.status, ended.ended_at) == ("canceled", period_end)
    assert types(stripe_sandbox, before)[-1] == "customer.subscription.deleted"
    assert last(stripe_sandbox, "customer.subscription.deleted")["data"]["object"]["status"] == "canceled"
    assert not [e for e in stripe_sandbox.events[before:] if e["type"].startswith("invoice.")]
    with pytest.raises(ValueError, match="canceled"):
        stripe_sandbox.advance(subscription_id)


def test_cancel_now_deletes_the_subscription(stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox) -> None:
    subscription_id = subscribe(stripe_client)
    canceled = stripe_client.v1.subscriptions.cancel(
        subscription_id, params={"cancellation_details": {"comment": "closing the shop"}}
    )
    assert (canceled.status, canceled.cancellation_details.comment) == ("canceled", "closing the shop")
    assert canceled.ended_at is not None
    assert canceled.canceled_at == canceled.ended_at
    assert types(stripe_sandbox)[-1] == "customer.subscription.deleted"
    with pytest.raises(stripe.InvalidRequestError, match="canceled subscription"):
        stripe_client.v1.subscriptions.update(subscription_id, params={"cancel_at_period_end": False})
    # Stripe lists live subscriptions unless asked for all.
    customer = str(canceled.customer)
    assert stripe_client.v1.subscriptions.list(params={"customer": customer}).data == []
    assert len(stripe_client.v1.subscriptions.list(params={"customer": customer, "status": "all"}).data) == 1


# --- refunds and the portal ----------------------------------------------------------------------------------


def test_refunds_update_the_charge_and_emit_charge_refunded(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    session = checkout(stripe_client, "payment", pack_line("200 credits", 4000))
    press(session, "pay")
    intent_id = str(stripe_client.v1.checkout.sessions.retrieve(session.id).payment_intent)
    charge_id = str(stripe_client.v1.payment_intents.retrieve(intent_id).latest_charge)

    partial = stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 1000})
    assert partial.id.startswith("re_")
    assert (partial.status, partial.amount, partial.charge, partial.payment_intent) == (
        "succeeded",
        1000,
        charge_id,
        intent_id,
    )
    refunded = last(stripe_sandbox, "charge.refunded")["data"]
    assert (refunded["object"]["amount_refunded"], refunded["object"]["refunded"]) == (1000, False)
    assert refunded["previous_attributes"] == {"amount_refunded": 0, "refunded": False}

    rest = stripe_client.v1.refunds.create(params={"charge": charge_id, "reason": "requested_by_customer"})
    assert (rest.amount, rest.reason) == (3000, "requested_by_customer")
    charge = stripe_client.v1.charges.retrieve(charge_id)
    assert (charge.amount_refunded, charge.refunded) == (4000, True)
    assert last(stripe_sandbox, "charge.refunded")["data"]["object"]["amount_refunded"] == 4000
    assert types(stripe_sandbox, among=("charge.refunded",)) == ["charge.refunded"] * 2

    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.refunds.create(params={"charge": charge_id})
    assert again.value.code == "charge_already_refunded"


def test_billing_portal_session_links_to_a_page_that_can_cancel(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    subscription_id = subscribe(stripe_client, "Scale", 89900)
    customer = str(stripe_client.v1.subscriptions.retrieve(subscription_id).customer)
    portal = stripe_client.v1.billing_portal.sessions.create(
        params={"customer": customer, "return_url": "https://app.example/billing"}
    )
    assert portal.id.startswith("bps_")
    assert portal.object == "billing_portal.session"
    assert (portal.customer, portal.return_url) == (customer, "https://app.example/billing")
    page = httpx.get(portal.url)
    assert "Scale" in page.text
    assert "$899.00 / month" in page.text
    assert 'href="https://app.example/billing"' in page.text

    pressed = httpx.post(portal.url, data={"subscription": subscription_id, "action": "cancel"})
    assert pressed.status_code == 303
    assert stripe_client.v1.subscriptions.retrieve(subscription_id).cancel_at_period_end is True
    assert last(stripe_sandbox, "customer.subscription.updated")["data"]["object"]["cancel_at_period_end"] is True
    assert "Don&#x27;t cancel" in httpx.get(portal.url).text or "Don't cancel" in httpx.get(portal.url).text

    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.billing_portal.sessions.create(params={"customer": "cus_nobody"})
    assert (missing.value.http_status, missing.value.code, missing.value.param) == (400, "resource_missing", "customer")


# --- the API's rules -----------------------------------------------------------------------------------------


def test_an_idempotency_key_replays_the_first_answer_and_refuses_other_parameters(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    params = {"email": "owner@shop.example", "metadata": {"organization_id": "org_1"}}
    first = stripe_client.v1.customers.create(params=params, options={"idempotency_key": "org_1-customer"})
    again = stripe_client.v1.customers.create(params=params, options={"idempotency_key": "org_1-customer"})
    assert first.id == again.id
    assert len(stripe_sandbox.of_type("customer")) == 1
    assert types(stripe_sandbox) == ["customer.created"]
    assert [c.replayed for c in stripe_sandbox.calls] == [False, True]
    event = last(stripe_sandbox, "customer.created")
    assert event["request"] == {"id": stripe_sandbox.calls[0].request_id, "idempotency_key": "org_1-customer"}

    with pytest.raises(stripe.IdempotencyError) as mismatch:
        stripe_client.v1.customers.create(
            params={**params, "email": "other@shop.example"}, options={"idempotency_key": "org_1-customer"}
        )
    assert mismatch.value.http_status == 400
    assert mismatch.value.json_body is not None
    assert mismatch.value.json_body["error"]["type"] == "idempotency_error"
    assert "org_1-customer" in mismatch.value.json_body["error"]["message"]
    assert len(stripe_sandbox.of_type("customer")) == 1

    # Without a key of its own, every SDK call gets a fresh one: two calls, two customers.
    stripe_client.v1.customers.create(params=params)
    stripe_client.v1.customers.create(params=params)
    assert len(stripe_sandbox.of_type("customer")) == 3


def test_a_wrong_or_missing_api_key_is_refused(stripe_sandbox: StripeSandbox) -> None:
    wrong = stripe.StripeClient("sk_test_wrongkey1234", base_addresses={"api": stripe_sandbox.base_url})
    with pytest.raises(stripe.AuthenticationError) as refused:
        wrong.v1.customers.create(params={"email": "x@shop.example"})
    assert refused.value.http_status == 401
    assert refused.value.json_body is not None
    assert refused.value.json_body["error"]["type"] == "invalid_request_error"
    assert refused.value.json_body["error"]["message"] == "Invalid API Key provided: sk_test_********1234"

    anonymous = httpx.get(f"{stripe_sandbox.base_url}/v1/customers/cus_x")
    assert anonymous.status_code == 401
    assert "You did not provide an API key" in anonymous.json()["error"]["message"]
    basic = httpx.get(f"{stripe_sandbox.base_url}/v1/events", auth=(stripe_sandbox.api_key, ""))
    assert basic.status_code == 200
    assert basic.json()["object"] == "list"
    assert stripe_sandbox.of_type("customer") == []


def test_missing_objects_answer_stripes_404(stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox) -> None:
    for retrieve, object_id, name in (
        (stripe_client.v1.customers.retrieve, "cus_missing", "customer"),
        (stripe_client.v1.subscriptions.retrieve, "sub_missing", "subscription"),
        (stripe_client.v1.invoices.retrieve, "in_missing", "invoice"),
        (stripe_client.v1.checkout.sessions.retrieve, "cs_test_missing", "checkout.session"),
    ):
        with pytest.raises(stripe.InvalidRequestError) as missing:
            retrieve(object_id)
        assert (missing.value.http_status, missing.value.code, missing.value.param) == (404, "resource_missing", "id")
        assert missing.value.user_message == f"No such {name}: '{object_id}'"

    unknown = httpx.get(f"{stripe_sandbox.base_url}/v1/nothing", auth=(stripe_sandbox.api_key, ""))
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"].startswith("Unrecognized request URL (GET: /v1/nothing)")
    with pytest.raises(stripe.InvalidRequestError, match="cannot be expanded"):
        stripe_client.v1.customers.retrieve(
            stripe_client.v1.customers.create().id, params={"expand": ["no_such_field"]}
        )


def test_forms_decode_like_stripe_encodes_them() -> None:
    pairs = [
        ("line_items[0][price_data][product_data][name]", "Pro"),
        ("line_items[0][quantity]", "1"),
        ("line_items[1][price]", "price_1"),
        ("expand[]", "customer"),
        ("expand[]", "invoice"),
        ("metadata[org]", "7"),
    ]
    assert decode_form(pairs) == {
        "line_items": [{"price_data": {"product_data": {"name": "Pro"}}, "quantity": "1"}, {"price": "price_1"}],
        "expand": ["customer", "invoice"],
        "metadata": {"org": "7"},
    }
    assert add_intervals(int(datetime(2026, 1, 31, 12, tzinfo=UTC).timestamp()), "month", 1) == int(
        datetime(2026, 2, 28, 12, tzinfo=UTC).timestamp()
    )
    assert add_intervals(int(datetime(2026, 1, 31, tzinfo=UTC).timestamp()), "month", 2) == int(
        datetime(2026, 3, 31, tzinfo=UTC).timestamp()
    )


# --- webhooks ------------------------------------------------------------------------------------------------


def test_events_are_signed_so_the_sdk_accepts_them_and_refuses_tampering(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox
) -> None:
    assert stripe_sandbox.webhook_secret.startswith("whsec_")
    stripe_client.v1.customers.create(params={"email": "owner@shop.example"})
    event = last(stripe_sandbox, "customer.created")
    assert event["id"].startswith("evt_")
    assert event["object"] == "event"
    assert event["livemode"] is False
    assert event["api_version"] == "2026-05-27.dahlia"
    assert event["pending_webhooks"] == 0

    body, headers = stripe_sandbox.signed(event)
    signature = headers["Stripe-Signature"]
    assert signature.startswith("t=")
    assert ",v1=" in signature
    verified = stripe.Webhook.construct_event(body, signature, stripe_sandbox.webhook_secret)
    assert (verified.id, verified.type, verified.data.object.email) == (
        event["id"],
        "customer.created",
        "owner@shop.example",
    )

    tampered = body.replace(b"owner@shop.example", b"thief@shop.example")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(tampered, signature, stripe_sandbox.webhook_secret)
    reserialized = json.dumps(json.loads(body)).encode()  # same content, other bytes: refused too
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(reserialized, signature, stripe_sandbox.webhook_secret)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, signature, "whsec_someone_else")
    stale_body, stale = stripe_sandbox.signed(event, timestamp=int(time.time()) - 3600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(stale_body, stale["Stripe-Signature"], stripe_sandbox.webhook_secret)


def test_events_are_delivered_in_order_and_can_be_resent_or_reordered(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox, webhook_receiver: WebhookReceiver
) -> None:
    stripe_sandbox.webhook_url = webhook_receiver.url
    subscribe(stripe_client)
    stripe_sandbox.flush()
    emitted = [e["id"] for e in stripe_sandbox.events]
    assert [e.id for e in webhook_receiver.accepted] == emitted
    assert all(e["pending_webhooks"] == 1 for e in stripe_sandbox.events)
    assert {d.status for d in stripe_sandbox.deliveries} == {200}

    # Tests replay history as Stripe may: a duplicate, then two events swapped.
    paid, completed = last(stripe_sandbox, "invoice.paid"), last(stripe_sandbox, "checkout.session.completed")
    for event in (paid, completed, paid):
        assert stripe_sandbox.deliver_to_url(event).status_code == 200
    assert [e.id for e in webhook_receiver.accepted[len(emitted) :]] == [paid["id"], completed["id"], paid["id"]]

    stripe_sandbox.webhook_secret, real_secret = "whsec_rotated", stripe_sandbox.webhook_secret
    try:
        assert stripe_sandbox.deliver_to_url(paid).status_code == 400
    finally:
        stripe_sandbox.webhook_secret = real_secret
    assert webhook_receiver.refused == 1

    stripe_sandbox.auto_deliver = False  # tests that deliver by hand still get every event recorded
    stripe_client.v1.customers.create()
    stripe_sandbox.flush()
    assert types(stripe_sandbox)[-1] == "customer.created"
    assert len(webhook_receiver.accepted) == len(emitted) + 3


# --- the contract --------------------------------------------------------------------------------------------


def test_every_object_and_event_matches_stripes_spec(
    stripe_client: stripe.StripeClient, stripe_sandbox: StripeSandbox, stripe_contract: StripeContract
) -> None:
    """One of everything, each answer and event validated here (the fixture re-checks them all on teardown)."""
    subscription_id = subscribe(stripe_client)
    stripe_sandbox.advance(subscription_id)
    stripe_sandbox.advance(subscription_id, fail=True)
    pack = checkout(stripe_client, "payment", pack_line())
    press(pack, "pay")
    later = checkout(stripe_client, "payment", pack_line())
    press(later, "async")
    stripe_sandbox.settle_async(later.id, succeed=False)
    intent = str(stripe_client.v1.checkout.sessions.retrieve(pack.id).payment_intent)
    stripe_client.v1.refunds.create(params={"payment_intent": intent, "amount": 100})
    customer = str(stripe_client.v1.subscriptions.retrieve(subscription_id).customer)
    stripe_client.v1.billing_portal.sessions.create(params={"customer": customer})
    stripe_client.v1.subscriptions.update(subscription_id, params={"cancel_at_period_end": True})
    stripe_client.v1.invoices.list(params={"customer": customer, "expand": ["data.payments"]})
    stripe_client.v1.checkout.sessions.line_items.list(pack.id)
    stripe_client.v1.events.list(params={"limit": 3})
    stripe_client.v1.subscriptions.cancel(subscription_id)
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.customers.retrieve("cus_missing")

    answers = [(c.body, "error" if c.status >= 400 else None) for c in stripe_sandbox.calls]
    for body, schema in answers:
        stripe_contract.check(body, schema)
    for event in stripe_sandbox.events:
        stripe_contract.check_event(event)
    assert {
        "customer",
        "checkout.session",
        "item",
        "subscription",
        "subscription_item",
        "price",
        "invoice",
        "line_item",
        "invoice_payment",
        "payment_intent",
        "charge",
        "refund",
        "billing_portal.session",
        "event",
        "error",
    } <= stripe_contract.checked
    assert len(set(types(stripe_sandbox))) >= 15


def test_the_contract_check_is_strict(stripe_contract: StripeContract) -> None:
    """The validator itself: it must refuse invented fields, wrong types and missing required ones."""
    customer = {"id": "cus_1", "object": "customer", "created": 1, "livemode": False, "email": None}
    assert stripe_contract.errors(customer) == []
    assert stripe_contract.errors({**customer, "plan": "pro"})  # not in the schema
    assert stripe_contract.errors({**customer, "created": "yesterday"})
    assert stripe_contract.errors({k: v for k, v in customer.items() if k != "livemode"})
    assert stripe_contract.errors({**customer, "test_clock": "clock_1"}) == []  # expandable: an id is fine


def test_the_parameters_the_sandbox_accepts_exist_in_stripes_spec(stripe_contract: StripeContract) -> None:
    """The sandbox never accepts a parameter real Stripe would refuse."""

    def walk(allowed: dict[str, Any] | None, schema: dict[str, Any], where: str) -> list[str]:
        if allowed is None or "*" in allowed:
            return []
        options = [schema, *schema.get("anyOf", [])]
        options += [option["items"] for option in options if option.get("type") == "array"]
        known = {name: prop for option in options for name, prop in option.get("properties", {}).items()}
        unknown = [f"{where}[{name}]" for name in allowed if name not in known]
        return unknown + [e for name, sub in allowed.items() if name in known for e in walk(sub, known[name], name)]

    problems = []
    for (method, path), allowed in ENDPOINTS.items():
        operation = stripe_contract.spec["paths"][path][method]
        if method == "post":
            schema = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
            problems += walk(allowed, schema, f"{method} {path}")
        else:
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if method == "delete":  # the SDK sends DELETE parameters in the query, the spec has them as a body
                body = operation.get("requestBody", {}).get("content", {})
                form = body.get("application/x-www-form-urlencoded", {}).get("schema", {})
                names |= set(form.get("properties", {}))
            problems += [f"{method} {path} {name}" for name in allowed if name not in names]
    assert problems == []
