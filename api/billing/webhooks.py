"""Stripe webhooks: verified on the raw body, stored once per event id, acknowledged at once, processed by a worker.

Processing is idempotent and runs in one transaction per event, holding the stored event's row lock and the
workspace's organization row lock, so duplicates and concurrent deliveries apply once and one workspace's events
apply one after the other. Subscriptions are re-read from Stripe rather than taken from the event: events arrive
late, twice and out of order, and the object as Stripe has it now is the only state worth mirroring.

Credits: an invoice paid grants its period's allotment (once per period and plan level, so an upgrade adds the
difference); a pack checkout paid grants the pack (once per session); a refund or a lost dispute of a pack claws
back what is left of it (once per purchase).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import stripe
from sqlalchemy.ext.asyncio import AsyncSession

from api.billing.client import Obj, StripeGateway
from api.billing.exceptions import BillingNotConfigured, InvalidStripeSignature
from api.billing.repository import (
    BillingOrganizationRepository,
    EntitlementUsageRepository,
    InvoiceRepository,
    PackPurchaseRepository,
    PackRepository,
    PlanRepository,
    StripeEventRepository,
)
from api.billing.service import MONTHS, SubscriptionMirror, at, from_unix
from api.core.config import Settings
from api.core.queue import DEFAULT_QUEUE, enqueue_after_commit
from api.core.time import utc_now
from api.credits.service import CreditLedgerService
from api.models import (
    Invoice,
    LotCategory,
    LotSource,
    Organization,
    PackPurchase,
    PackPurchaseStatus,
    StripeEvent,
)
from api.notifications.service import NotificationService

logger = logging.getLogger("epox.billing")

EVENT_TASK = "handle_stripe_event"
SUBSCRIPTION_EVENTS = frozenset(
    {"customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"}
)
INVOICE_PAID_EVENTS = frozenset({"invoice.paid", "invoice.payment_succeeded"})
CHECKOUT_PAID_EVENTS = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})


def event_job_id(event_id: str) -> str:
    return f"stripe:{event_id}"


class StripeWebhookService:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.events = StripeEventRepository(session)

    # --- the request's side: verify, store, enqueue -------------------------------------------------------

    async def receive(self, headers: Mapping[str, str], body: bytes) -> str:
        """Verify and store one delivery (`accepted` or `duplicate`); nothing is written unless it verifies."""
        secret = self.settings.stripe_webhook_secret
        if secret is None:
            raise BillingNotConfigured("Stripe webhooks are not set up on this server.")
        try:
            # The signature covers the exact bytes Stripe sent, with a timestamp that must be recent (replays).
            stripe.WebhookSignature.verify_header(
                body.decode("utf-8"),
                headers.get("stripe-signature", ""),
                secret.get_secret_value(),
                self.settings.stripe_webhook_tolerance_seconds,
            )
            event = json.loads(body)
        except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
            raise InvalidStripeSignature("The Stripe-Signature header does not match this body.") from exc
        if not (
            isinstance(event, dict)
            and isinstance(event.get("id"), str)
            and isinstance(event.get("type"), str)
            and isinstance(event.get("created"), int)
            and isinstance((event.get("data") or {}).get("object"), dict)
        ):
            raise InvalidStripeSignature("The body is not a Stripe event.")
        if not await self.events.insert_once(event["id"], event["type"], event["created"], event):
            return "duplicate"
        enqueue_after_commit(
            self.session, EVENT_TASK, event["id"], queue=DEFAULT_QUEUE, job_id=event_job_id(event["id"])
        )
        return "accepted"

    # --- the worker's side ----------------------------------------------------------------------------------

    async def process(self, event_id: str) -> str | None:
        """Apply one stored event once; its outcome, or None when it was processed already (or is unknown)."""
        event = await self.events.get_for_update(event_id)
        if event is None or event.processed_at is not None:
            return None
        event.attempts += 1
        outcome = await EventHandler(self.session, self.settings, event).run()
        event.processed_at = utc_now()
        event.outcome = outcome[:200]
        event.last_error = None
        await self.session.flush()
        return outcome

    async def record_failure(self, event_id: str, error: str) -> None:
        """A failed attempt (its transaction rolled back): counted, and left for the reconciler to retry."""
        event = await self.events.get_for_update(event_id)
        if event is not None and event.processed_at is None:
            event.attempts += 1
            event.last_error = error[:2000]
            await self.session.flush()


class EventHandler:
    def __init__(self, session: AsyncSession, settings: Settings, event: StripeEvent) -> None:
        self.session = session
        self.settings = settings
        self.event = event
        self.object: Obj = event.payload["data"]["object"]
        self.organizations = BillingOrganizationRepository(session)
        self._gateway: StripeGateway | None = None

    @property
    def gateway(self) -> StripeGateway:
        if self._gateway is None:
            self._gateway = StripeGateway(self.settings)
        return self._gateway

    async def run(self) -> str:
        kind = self.event.type
        if kind in SUBSCRIPTION_EVENTS:
            return await self._subscription_changed()
        if kind in INVOICE_PAID_EVENTS:
            return await self._invoice_paid()
        if kind == "invoice.payment_failed":
            return await self._invoice_payment_failed()
        if kind in CHECKOUT_PAID_EVENTS:
            return await self._checkout_completed()
        if kind == "checkout.session.async_payment_failed":
            return await self._checkout_failed()
        if kind == "charge.refunded":
            return await self._pack_payment_reversed(self.object.get("payment_intent"), "refunded")
        if kind == "charge.dispute.closed":
            if self.object.get("status") != "lost":
                return "ignored: dispute not lost"
            return await self._pack_payment_reversed(self.object.get("payment_intent"), "lost in a dispute")
        return "ignored: event type not handled"

    async def _organization(self, customer: Any, *, fallback: Any = None) -> Organization | None:
        """The workspace behind the event, locked: found by its Stripe customer, or (a checkout) by our id in the
        metadata when that workspace has no other customer."""
        found = await self.organizations.by_customer(customer) if isinstance(customer, str) else None
        if found is None and isinstance(fallback, str):
            try:
                found = await self.organizations.get(uuid.UUID(fallback))
            except ValueError:
                found = None
            if found is not None and found.stripe_customer_id not in (None, customer):
                return None
        if found is None:
            return None
        locked = await self.organizations.lock(found.id)
        if locked is not None and locked.stripe_customer_id is None and isinstance(customer, str):
            locked.stripe_customer_id = customer
        return locked

    # Subscriptions.

    async def _sync_subscription(self, organization: Organization, subscription_id: Any) -> Obj | None:
        if not isinstance(subscription_id, str):
            return None
        stripe_subscription = await self.gateway.subscription(subscription_id)
        await SubscriptionMirror(self.session, organization).apply(
            stripe_subscription, event_created=self.event.created
        )
        return stripe_subscription

    async def _subscription_changed(self) -> str:
        organization = await self._organization(self.object.get("customer"))
        if organization is None:
            return "ignored: unknown customer"
        stripe_subscription = await self._sync_subscription(organization, self.object.get("id"))
        return f"subscription {stripe_subscription['status'] if stripe_subscription else 'unknown'}"

    # Invoices.

    async def _invoice_paid(self) -> str:
        invoice = self.object
        organization = await self._organization(invoice.get("customer"))
        if organization is None:
            return "ignored: unknown customer"
        subscription_id = _subscription_of(invoice)
        await self._sync_subscription(organization, subscription_id)
        await self._mirror_invoice(organization, invoice)
        if subscription_id is None or invoice.get("status") != "paid":
            return "invoice mirrored"
        return await self._grant_allotment(organization, invoice, subscription_id)

    async def _grant_allotment(self, organization: Organization, invoice: Obj, subscription_id: str) -> str:
        """The invoice's period allotment: the plan's monthly credits times the months in the period, expiring at the
        period end. Keyed by (subscription, period end, target): a duplicate grants nothing, and a mid-period
        upgrade's invoice grants only what the bigger plan adds to what the period already got."""
        details = (invoice.get("parent") or {}).get("subscription_details") or {}
        metadata = details.get("metadata") or {}
        plan = await PlanRepository(self.session).by_code(str(metadata.get("plan_code", "")))
        interval = str(metadata.get("interval", "month"))
        period = _paid_period(invoice)
        if plan is None or period is None or interval not in MONTHS:
            return "invoice mirrored; no plan or period to grant for"
        start, end = period
        target = plan.monthly_credits * MONTHS[interval]
        prefix = f"allotment:{subscription_id}:{int(end.timestamp())}:"
        granted = await EntitlementUsageRepository(self.session, organization.id).granted_with_prefix(prefix)
        amount = target - granted
        if amount <= 0:
            return f"allotment already granted ({granted} credits)"
        if end <= utc_now():
            return "period already over: nothing to grant"
        grant = await CreditLedgerService(self.session).grant(
            organization.id,
            amount,
            source=LotSource.allotment,
            category=LotCategory.paid,
            reason=f"{plan.name} plan: credits for {start:%d %b %Y} to {end:%d %b %Y}",
            expires_at=end,
            external_reference=f"{prefix}{target}",
        )
        if grant.created:
            await NotificationService(self.session).notify_organization(
                organization.id,
                "credits_granted",
                title=f"{amount} credits added with your {plan.name} plan",
                body=f"{amount} credits were added for the period ending {end:%d %B %Y}; they expire then.",
                data={"lot_id": str(grant.lot.id), "amount": amount},
                email=False,  # Stripe already emails the receipt
            )
        return f"granted {amount} credits" if grant.created else "allotment already granted"

    async def _invoice_payment_failed(self) -> str:
        invoice = self.object
        organization = await self._organization(invoice.get("customer"))
        if organization is None:
            return "ignored: unknown customer"
        await self._sync_subscription(organization, _subscription_of(invoice))
        await self._mirror_invoice(organization, invoice)
        amount = _money(invoice.get("amount_due", 0), str(invoice.get("currency", "usd")))
        await NotificationService(self.session).notify_organization(
            organization.id,
            "payment_failed",
            title="Your subscription payment failed",
            body=(
                f"We could not charge {amount} for your Epox subscription. Stripe will retry; update your card "
                f"in the billing portal ({self.settings.public_url.rstrip('/')}/billing) to keep your plan."
            ),
            data={"invoice": str(invoice.get("id"))},
        )
        return "payment failure recorded"

    async def _mirror_invoice(self, organization: Organization, invoice: Obj) -> None:
        invoices = InvoiceRepository(self.session, organization.id)
        row = await invoices.by_stripe_id(str(invoice["id"]))
        created = from_unix(invoice.get("created")) or utc_now()
        if row is None:
            row = Invoice(organization_id=organization.id, stripe_invoice_id=str(invoice["id"]), created=created)
            self.session.add(row)
        elif row.status in ("paid", "void") and invoice.get("status") not in ("paid", "void"):
            return  # a late event about an earlier state: a paid invoice stays paid
        row.number = invoice.get("number")
        row.status = str(invoice.get("status"))
        row.currency = str(invoice.get("currency", "usd"))
        row.amount_due = int(invoice.get("amount_due") or 0)
        row.amount_paid = int(invoice.get("amount_paid") or 0)
        row.billing_reason = invoice.get("billing_reason")
        period = _paid_period(invoice)
        row.period_start, row.period_end = period if period else (None, None)
        row.hosted_invoice_url = invoice.get("hosted_invoice_url")
        row.invoice_pdf = invoice.get("invoice_pdf")
        await self.session.flush()

    # Checkout.

    async def _checkout_completed(self) -> str:
        session = self.object
        metadata = session.get("metadata") or {}
        organization = await self._organization(
            session.get("customer"), fallback=metadata.get("organization_id") or session.get("client_reference_id")
        )
        if organization is None:
            return "ignored: unknown customer"
        if session.get("mode") == "subscription":
            # Linked and mirrored only: the subscription's credits come with its paid invoice (invoice.paid).
            await self._sync_subscription(organization, session.get("subscription"))
            return "subscription linked"
        purchase = await self._purchase(organization, session)
        if purchase is None:
            return "ignored: not a credit pack checkout"
        if isinstance(session.get("payment_intent"), str):
            purchase.payment_intent_id = session["payment_intent"]
        if session.get("payment_status") != "paid":
            await self.session.flush()
            return "pack payment pending"  # async_payment_succeeded grants it later
        if purchase.status != PackPurchaseStatus.pending:
            return f"pack already {purchase.status}"
        grant = await CreditLedgerService(self.session).grant(
            organization.id,
            purchase.credits,
            source=LotSource.pack,
            category=LotCategory.paid,
            reason=f"Credit pack: {purchase.credits} credits",
            external_reference=f"checkout:{purchase.checkout_session_id}",
        )
        purchase.status = PackPurchaseStatus.paid
        purchase.lot_id = grant.lot.id
        await self.session.flush()
        if grant.created:
            await NotificationService(self.session).notify_organization(
                organization.id,
                "credits_granted",
                title=f"{purchase.credits} credits added",
                body=f"Your credit pack of {purchase.credits} credits is ready to use. Pack credits never expire.",
                data={"lot_id": str(grant.lot.id), "amount": purchase.credits},
                email=False,
            )
        return f"granted {purchase.credits} pack credits"

    async def _purchase(self, organization: Organization, session: Obj) -> PackPurchase | None:
        purchases = PackPurchaseRepository(self.session)
        purchase = await purchases.by_session(str(session["id"]), for_update=True)
        if purchase is not None:
            return purchase if purchase.organization_id == organization.id else None
        # The checkout request rolled back after Stripe created the session: rebuild the purchase from it.
        pack = await PackRepository(self.session).by_code(str((session.get("metadata") or {}).get("pack_code", "")))
        if pack is None:
            return None
        purchase = PackPurchase(
            organization_id=organization.id,
            checkout_session_id=str(session["id"]),
            pack_code=pack.code,
            credits=pack.credits,
            amount=int(session.get("amount_total") or pack.price_cents),
            currency=str(session.get("currency") or pack.currency),
            status=PackPurchaseStatus.pending,
        )
        self.session.add(purchase)
        await self.session.flush()
        return purchase

    async def _checkout_failed(self) -> str:
        session = self.object
        if session.get("mode") != "payment":
            return "ignored: the subscription's events follow"
        purchase = await PackPurchaseRepository(self.session).by_session(str(session["id"]), for_update=True)
        if purchase is None:
            return "ignored: unknown checkout"
        if purchase.status == PackPurchaseStatus.pending:
            purchase.status = PackPurchaseStatus.failed
            await self.session.flush()
        return f"pack {purchase.status}"

    # Refunds and disputes.

    async def _pack_payment_reversed(self, payment_intent: Any, what: str) -> str:
        if not isinstance(payment_intent, str):
            return "ignored: no payment"
        purchase = await PackPurchaseRepository(self.session).by_payment_intent(payment_intent)
        if purchase is None:
            return "ignored: not a credit pack payment"
        await self.organizations.lock(purchase.organization_id)
        if purchase.status != PackPurchaseStatus.paid or purchase.lot_id is None:
            return f"pack {purchase.status}: nothing to claw back"
        entry = await CreditLedgerService(self.session).clawback(
            purchase.organization_id,
            lot_id=purchase.lot_id,
            reason=f"The credit pack payment was {what}: its unspent credits were taken back.",
            reference=f"{self.event.type}:{self.object.get('id')}",
            idempotency_key=f"clawback:{purchase.checkout_session_id}",
        )
        purchase.status = PackPurchaseStatus.refunded
        await self.session.flush()
        return f"clawed back {-entry.amount if entry else 0} credits"


def _subscription_of(invoice: Obj) -> str | None:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    subscription = details.get("subscription") or invoice.get("subscription")
    return subscription if isinstance(subscription, str) else None


def _paid_period(invoice: Obj) -> tuple[datetime, datetime] | None:
    """The period the invoice pays for: its plan line's (the invoice's own period_start/end is the usage period
    just ended); for an upgrade's proration-only invoice, the period its lines run to."""
    lines = ((invoice.get("lines") or {}).get("data")) or []
    periods = []
    for line in lines:
        period = line.get("period") or {}
        details = (line.get("parent") or {}).get("subscription_item_details") or {}
        if period.get("start") is None or period.get("end") is None:
            continue
        periods.append((bool(details.get("proration")), int(period["end"]), int(period["start"])))
    if not periods:
        return None
    plan_lines = [p for p in periods if not p[0]]
    _, end, start = max(plan_lines or periods, key=lambda p: p[1])
    return at(start), at(end)


def _money(amount: Any, currency: str) -> str:
    return f"{int(amount or 0) / 100:,.2f} {currency.upper()}"
