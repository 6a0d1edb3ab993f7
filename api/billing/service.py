"""Billing: the price list, checkout, plan changes, and the local mirror of the workspace's Stripe subscription.

Stripe is the source of truth for money and subscription state; the webhook worker (api/billing/webhooks.py)
copies it here with `SubscriptionMirror`. Credits are granted only from Stripe events (an invoice paid, a pack
checkout paid), never from a redirect or a request, so a merchant gets exactly what Stripe says was paid for.

A request that calls Stripe locks the organization row first (so webhook processing of the same workspace waits
for it, and two clicks cannot race each other) and keeps that short transaction open across the one or two Stripe
calls: they are quick and the local state they lead to must commit with them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import record_audit
from api.billing.client import Obj, StripeGateway
from api.billing.exceptions import (
    InvalidCheckout,
    NoBillingAccount,
    NoSubscription,
    ProductNotInWorkspace,
    SubscriptionAlreadyActive,
    UnknownPack,
    UnknownPlan,
)
from api.billing.repository import (
    BillingOrganizationRepository,
    EntitlementUsageRepository,
    InvoiceRepository,
    PackRepository,
    PlanRepository,
    SubscriptionRepository,
)
from api.billing.schemas import CheckoutRequest
from api.core.config import Settings
from api.core.ids import uuid7
from api.core.pagination import PageParams
from api.core.time import utc_now
from api.credits.service import CreditLedgerService
from api.models import (
    TRIAL_PLAN,
    CreditPack,
    Invoice,
    Organization,
    PackPurchase,
    PackPurchaseStatus,
    Plan,
    Subscription,
)

MONTHS = {"month": 1, "year": 12}
# A subscription in these states blocks a second plan checkout (change it instead).
LIVE_STATUSES = frozenset({"active", "trialing", "past_due", "incomplete", "unpaid"})
# The plan's entitlements apply in these; `past_due` keeps them while Stripe retries the card.
ENTITLED_STATUSES = frozenset({"active", "trialing", "past_due"})
# Over: the workspace is back on the trial's entitlements.
ENDED_STATUSES = frozenset({"canceled", "incomplete_expired", "unpaid"})


def at(timestamp: Any) -> datetime:
    """A Stripe timestamp (unix seconds) as an aware datetime."""
    return datetime.fromtimestamp(int(timestamp), UTC)


def from_unix(value: Any) -> datetime | None:
    return at(value) if value is not None else None


def plan_price(plan: Plan, interval: str) -> int | None:
    return plan.monthly_price_cents if interval == "month" else plan.yearly_price_cents


@dataclass(frozen=True)
class Overview:
    organization: Organization
    plan: Plan
    subscription: Subscription | None
    product_slots_used: int
    seats_used: int
    credits_available: int


@dataclass(frozen=True)
class PlanChange:
    applied: bool
    applies_at: str  # now | period_end
    effective_at: datetime | None
    plan: Plan
    interval: str
    price_difference: int
    monthly_credits_difference: int
    product_slots_difference: int
    seats_difference: int | None
    products_over_limit: int


async def purchasable_plan(session: AsyncSession, code: str, interval: str | None) -> Plan:
    plan = await PlanRepository(session).by_code(code)
    if plan is None or not plan.purchasable:
        raise UnknownPlan()
    if interval is None:
        raise InvalidCheckout("interval", "Choose the billing interval: month or year.")
    if plan_price(plan, interval) is None:
        raise InvalidCheckout("interval", f"The {plan.name} plan is not sold per {interval}.")
    return plan


class SubscriptionMirror:
    """Copies a Stripe subscription onto the workspace: the mirror row, the organization's plan, and a scheduled
    downgrade once its period has begun (archiving the products beyond the new plan's slots)."""

    def __init__(self, session: AsyncSession, organization: Organization) -> None:
        self.session = session
        self.organization = organization
        self.subscriptions = SubscriptionRepository(session, organization.id)

    async def apply(self, stripe_subscription: Obj, *, event_created: int = 0) -> Subscription | None:
        """Mirror `stripe_subscription` (freshly read from Stripe); None when it is an older subscription than
        the one the workspace has now."""
        item = stripe_subscription["items"]["data"][0]
        metadata = stripe_subscription.get("metadata") or {}
        interval = str(metadata.get("interval") or item["price"]["recurring"]["interval"])
        plan = await PlanRepository(self.session).by_code(str(metadata.get("plan_code", "")))
        period_start, period_end = at(item["current_period_start"]), at(item["current_period_end"])
        status = str(stripe_subscription["status"])
        row = await self.subscriptions.current(for_update=True)
        if row is not None and row.stripe_subscription_id != stripe_subscription["id"]:
            if row.status not in ENDED_STATUSES or status in ENDED_STATUSES:
                return None  # events about an old subscription once a newer one runs
            await self.subscriptions.delete(row)  # the workspace subscribed again: the new one replaces it
            row = None
        if row is None:
            if plan is None:
                return None  # not one of ours (no plan in its metadata)
            row = Subscription(
                organization_id=self.organization.id,
                stripe_subscription_id=stripe_subscription["id"],
                plan_code=plan.code,
                interval=interval,
                status=status,
                current_period_start=period_start,
                current_period_end=period_end,
            )
            self.session.add(row)
        row.status = status
        row.current_period_start = period_start
        row.current_period_end = period_end
        row.cancel_at_period_end = bool(stripe_subscription.get("cancel_at_period_end"))
        row.stripe_event_created = max(row.stripe_event_created or 0, event_created)
        if row.scheduled_plan_code is not None and (status in ENDED_STATUSES or row.scheduled_at is None):
            row.scheduled_plan_code = row.scheduled_interval = row.scheduled_at = row.keep_product_ids = None
        elif row.scheduled_plan_code is not None and row.scheduled_at is not None and period_start >= row.scheduled_at:
            await self._apply_scheduled(row)
        elif row.scheduled_plan_code is None and plan is not None:
            # While a downgrade waits, Stripe already carries the new price and plan (so the renewal is billed
            # at it); the workspace keeps the plan it paid for until the period ends.
            row.plan_code, row.interval = plan.code, interval
        await self.session.flush()
        await self.sync_organization_plan(row)
        return row

    async def _apply_scheduled(self, row: Subscription) -> None:
        assert row.scheduled_plan_code is not None
        plan = await PlanRepository(self.session).by_code(row.scheduled_plan_code)
        assert plan is not None
        row.plan_code = plan.code
        row.interval = row.scheduled_interval or row.interval
        keep = [uuid.UUID(i) for i in row.keep_product_ids or []]
        row.scheduled_plan_code = row.scheduled_interval = row.scheduled_at = row.keep_product_ids = None
        await archive_beyond_slots(self.session, self.organization.id, plan.product_slots, keep)

    async def sync_organization_plan(self, row: Subscription | None) -> None:
        """The workspace's entitlements follow the subscription: its plan while it is paid for (or Stripe is
        still retrying), the trial's once it ended. Products beyond the trial's slots stay; new ones are refused."""
        if row is None:
            return
        if row.status in ENTITLED_STATUSES:
            wanted = row.plan_code
        elif row.status in ENDED_STATUSES:
            wanted = TRIAL_PLAN
        else:
            return  # incomplete: the first payment is still on its way
        before = self.organization.plan_code
        if before == wanted:
            return
        self.organization.plan_code = wanted
        await self.session.flush()
        await record_audit(
            self.session,
            action="billing.plan_change",
            target_type="organization",
            target_id=self.organization.id,
            organization_id=self.organization.id,
            before={"plan_code": before},
            after={"plan_code": wanted, "subscription_status": row.status},
        )


async def archive_beyond_slots(
    session: AsyncSession, organization_id: uuid.UUID, slots: int, keep: list[uuid.UUID]
) -> int:
    """Archive (never delete) the active products beyond `slots`: the chosen ones stay, then the oldest others;
    the newest go first. How many were archived."""
    usage = EntitlementUsageRepository(session, organization_id)
    active = await usage.active_product_ids()
    if len(active) <= slots:
        return 0
    present = set(active)
    kept = [i for i in dict.fromkeys(keep) if i in present][:slots]
    kept += [i for i in active if i not in set(kept)][: slots - len(kept)]
    return await usage.archive_products(present - set(kept), utc_now())


class BillingService:
    def __init__(self, session: AsyncSession, organization_id: uuid.UUID, settings: Settings) -> None:
        self.session = session
        self.organization_id = organization_id
        self.settings = settings
        self.organizations = BillingOrganizationRepository(session)
        self.subscriptions = SubscriptionRepository(session, organization_id)
        self.usage = EntitlementUsageRepository(session, organization_id)

    # Reads.

    async def overview(self) -> Overview:
        organization = await self.organizations.get(self.organization_id)
        assert organization is not None
        plan = await PlanRepository(self.session).by_code(organization.plan_code)
        assert plan is not None
        balance = await CreditLedgerService(self.session).balance(self.organization_id)
        return Overview(
            organization=organization,
            plan=plan,
            subscription=await self.subscriptions.current(),
            product_slots_used=len(await self.usage.active_product_ids()),
            seats_used=await self.usage.seats_used(),
            credits_available=balance.available,
        )

    async def invoices(self, params: PageParams) -> tuple[list[Invoice], str | None]:
        return await InvoiceRepository(self.session, self.organization_id).page(params)

    # Checkout.

    async def checkout(self, body: CheckoutRequest, *, email: str | None) -> str:
        """A Stripe Checkout Session for a plan or a pack; its URL. Credits come later, from Stripe's events."""
        pack: CreditPack | None = None
        plan: Plan | None = None
        if body.pack_code is not None:
            pack = await PackRepository(self.session).by_code(body.pack_code)
            if pack is None or not pack.purchasable:
                raise UnknownPack()
        else:
            assert body.plan_code is not None
            plan = await purchasable_plan(self.session, body.plan_code, body.interval)
        gateway = StripeGateway(self.settings)
        organization = await self._lock()
        if plan is not None:
            current = await self.subscriptions.current()
            if current is not None and current.status in LIVE_STATUSES:
                raise SubscriptionAlreadyActive(
                    "The workspace already has a subscription: change its plan instead of buying a second one."
                )
        customer_id = await self._customer(gateway, organization, email)
        base = self.settings.public_url.rstrip("/")
        metadata = {"organization_id": str(organization.id)}
        params: Obj = {
            "customer": customer_id,
            "client_reference_id": str(organization.id),
            "success_url": f"{base}/billing?checkout=success&session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{base}/billing?checkout=canceled",
        }
        if plan is not None:
            assert body.interval is not None
            amount = plan_price(plan, body.interval)
            plan_metadata = {**metadata, "plan_code": plan.code, "interval": body.interval}
            params |= {
                "mode": "subscription",
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": plan.currency,
                            "unit_amount": amount,
                            "recurring": {"interval": body.interval},
                            "product_data": {"name": f"Epox {plan.name}"},
                        },
                    }
                ],
                "metadata": {**plan_metadata, "kind": "plan"},
                "subscription_data": {"metadata": plan_metadata},
            }
        else:
            assert pack is not None
            pack_metadata = {**metadata, "pack_code": pack.code}
            params |= {
                "mode": "payment",
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": pack.currency,
                            "unit_amount": pack.price_cents,
                            "product_data": {"name": f"Epox {pack.name}"},
                        },
                    }
                ],
                "metadata": {**pack_metadata, "kind": "pack"},
                "payment_intent_data": {"metadata": pack_metadata},
            }
        session = await gateway.create_checkout_session(params, key=f"checkout:{organization.id}:{uuid7()}")
        if pack is not None:
            # Pending until Stripe says it is paid; the events find the pack by this session id.
            await self.session.execute(
                pg_insert(PackPurchase)
                .values(
                    id=uuid7(),
                    organization_id=organization.id,
                    checkout_session_id=session["id"],
                    pack_code=pack.code,
                    credits=pack.credits,
                    amount=pack.price_cents,
                    currency=pack.currency,
                    status=PackPurchaseStatus.pending,
                    created_at=utc_now(),
                    updated_at=utc_now(),
                )
                .on_conflict_do_nothing(index_elements=["checkout_session_id"])
            )
        return str(session["url"])

    async def _customer(self, gateway: StripeGateway, organization: Organization, email: str | None) -> str:
        if organization.stripe_customer_id:
            return organization.stripe_customer_id
        # Keyed by the workspace: a retry after a lost answer (or a rolled-back transaction) gets the same customer.
        customer = await gateway.create_customer(
            name=organization.name,
            email=email,
            metadata={"organization_id": str(organization.id)},
            key=f"customer:{organization.id}",
        )
        organization.stripe_customer_id = await self.organizations.set_customer_once(organization.id, customer["id"])
        return organization.stripe_customer_id

    async def portal(self) -> str:
        organization = await self.organizations.get(self.organization_id)
        assert organization is not None
        if not organization.stripe_customer_id:
            raise NoBillingAccount("Subscribe to a plan or buy a credit pack first; the billing portal opens then.")
        gateway = StripeGateway(self.settings)
        portal = await gateway.create_portal_session(
            organization.stripe_customer_id, f"{self.settings.public_url.rstrip('/')}/billing", key=f"portal:{uuid7()}"
        )
        return str(portal["url"])

    # Plan changes.

    async def change_plan(self, plan_code: str, interval: str, *, preview: bool, actor: uuid.UUID | None) -> PlanChange:
        """Upgrades (and interval changes) apply now, prorated and invoiced at once; downgrades wait for the
        period end, when the workspace has had what it paid for. Choosing the current plan cancels a waiting
        downgrade."""
        plan = await purchasable_plan(self.session, plan_code, interval)
        organization = await self._lock() if not preview else await self._organization()
        row = await self._live_subscription()
        current = await PlanRepository(self.session).by_code(row.plan_code)
        assert current is not None
        same = plan.code == current.code and interval == row.interval
        if same and row.scheduled_plan_code is None:
            raise InvalidCheckout("plan_code", f"The workspace is already on {plan.name}, billed per {interval}.")
        upgrade = interval != row.interval or (plan.monthly_credits, plan.product_slots) > (
            current.monthly_credits,
            current.product_slots,
        )
        applies_now = same or upgrade
        active = len(await self.usage.active_product_ids())
        change = PlanChange(
            applied=not preview,
            applies_at="now" if applies_now else "period_end",
            effective_at=None if applies_now else row.current_period_end,
            plan=plan,
            interval=interval,
            price_difference=(plan_price(plan, interval) or 0) - (plan_price(current, row.interval) or 0),
            monthly_credits_difference=plan.monthly_credits - current.monthly_credits,
            product_slots_difference=plan.product_slots - current.product_slots,
            seats_difference=None if plan.seats is None or current.seats is None else plan.seats - current.seats,
            products_over_limit=max(0, active - plan.product_slots),
        )
        if preview:
            return change
        gateway = StripeGateway(self.settings)
        stripe_subscription = await gateway.subscription(row.stripe_subscription_id)
        if row.scheduled_plan_code is not None:
            # Stripe already carries the waiting downgrade's price: put the current one back first, so an upgrade
            # is prorated from what the merchant really pays now.
            stripe_subscription = await self._set_price(gateway, stripe_subscription, current, row.interval, "none")
            row.scheduled_plan_code = row.scheduled_interval = row.scheduled_at = row.keep_product_ids = None
        before = {"plan_code": current.code, "interval": row.interval}
        if same:
            action = "billing.scheduled_change_canceled"
        elif applies_now:
            stripe_subscription = await self._set_price(gateway, stripe_subscription, plan, interval, "always_invoice")
            action = "billing.plan_upgrade"
        else:
            # Stripe bills the renewal at the new price (no proration now); locally the plan changes when the
            # renewal starts the new period (SubscriptionMirror), archiving products beyond the new slots.
            stripe_subscription = await self._set_price(gateway, stripe_subscription, plan, interval, "none")
            row.scheduled_plan_code, row.scheduled_interval = plan.code, interval
            row.scheduled_at = row.current_period_end
            action = "billing.plan_downgrade_scheduled"
        await SubscriptionMirror(self.session, organization).apply(stripe_subscription)
        await record_audit(
            self.session,
            action=action,
            target_type="subscription",
            target_id=row.id,
            organization_id=self.organization_id,
            actor_user_id=actor,
            before=before,
            after={"plan_code": plan.code, "interval": interval, "applies_at": change.applies_at},
        )
        return change

    async def _set_price(
        self, gateway: StripeGateway, stripe_subscription: Obj, plan: Plan, interval: str, proration: str
    ) -> Obj:
        item = stripe_subscription["items"]["data"][0]
        params: Obj = {
            "items": [
                {
                    "id": item["id"],
                    "price_data": {
                        "currency": plan.currency,
                        "unit_amount": plan_price(plan, interval),
                        "product": item["price"]["product"],
                        "recurring": {"interval": interval},
                    },
                }
            ],
            "proration_behavior": proration,
            # Invoices copy the subscription's metadata: the allotment of each invoice follows its plan.
            "metadata": {"organization_id": str(self.organization_id), "plan_code": plan.code, "interval": interval},
        }
        return await gateway.update_subscription(stripe_subscription["id"], params, key=f"change:{uuid7()}")

    async def keep_products(self, product_ids: list[uuid.UUID]) -> Subscription:
        """Choose the products that stay active when the waiting downgrade applies; the rest are archived then."""
        await self._lock()
        row = await self._live_subscription()
        if row.scheduled_plan_code is None or row.scheduled_at is None:
            raise NoSubscription("No downgrade is waiting: every product stays active.")
        plan = await PlanRepository(self.session).by_code(row.scheduled_plan_code)
        assert plan is not None
        chosen = list(dict.fromkeys(product_ids))
        if len(chosen) > plan.product_slots:
            raise InvalidCheckout(
                "product_ids", f"The {plan.name} plan has {plan.product_slots} product slots; choose at most that many."
            )
        if set(chosen) - await self.usage.existing_product_ids(chosen):
            raise ProductNotInWorkspace("One of these products does not exist or is archived already.")
        row.keep_product_ids = [str(i) for i in chosen]
        await self.session.flush()
        return row

    async def set_cancel_at_period_end(self, cancel: bool, *, actor: uuid.UUID | None) -> Subscription:
        organization = await self._lock()
        row = await self._live_subscription()
        gateway = StripeGateway(self.settings)
        updated = await gateway.update_subscription(
            row.stripe_subscription_id, {"cancel_at_period_end": cancel}, key=f"cancel:{uuid7()}"
        )
        await SubscriptionMirror(self.session, organization).apply(updated)
        await record_audit(
            self.session,
            action="billing.cancel" if cancel else "billing.resume",
            target_type="subscription",
            target_id=row.id,
            organization_id=self.organization_id,
            actor_user_id=actor,
            after={"cancel_at_period_end": cancel, "ends_at": row.current_period_end.isoformat()},
        )
        return row

    # Internals.

    async def _organization(self) -> Organization:
        organization = await self.organizations.get(self.organization_id)
        assert organization is not None
        return organization

    async def _lock(self) -> Organization:
        organization = await self.organizations.lock(self.organization_id)
        assert organization is not None
        return organization

    async def _live_subscription(self) -> Subscription:
        row = await self.subscriptions.current()
        if row is None or row.status not in ENTITLED_STATUSES:
            raise NoSubscription("The workspace has no active subscription: choose a plan at checkout first.")
        return row
