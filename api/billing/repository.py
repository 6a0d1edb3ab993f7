from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from api.core.pagination import PageParams, paginate
from api.core.repository import Repository, TenantRepository
from api.core.time import utc_now
from api.models import (
    CreditLot,
    CreditPack,
    Invitation,
    Invoice,
    Membership,
    Organization,
    PackPurchase,
    Plan,
    Product,
    StripeEvent,
    Subscription,
)


class PlanRepository(Repository[Plan]):
    model = Plan

    async def by_code(self, code: str) -> Plan | None:
        return await self.session.get(Plan, code)

    async def listed(self) -> list[Plan]:
        """The plans on sale, plus the trial (shown for comparison), in their display order."""
        statement = select(Plan).order_by(Plan.sort_order, Plan.code)
        return list((await self.session.scalars(statement)).all())


class PackRepository(Repository[CreditPack]):
    model = CreditPack

    async def by_code(self, code: str) -> CreditPack | None:
        return await self.session.get(CreditPack, code)

    async def listed(self) -> list[CreditPack]:
        """Every pack, those off sale included, in display order."""
        statement = select(CreditPack).order_by(CreditPack.sort_order, CreditPack.code)
        return list((await self.session.scalars(statement)).all())

    async def purchasable(self) -> list[CreditPack]:
        statement = select(CreditPack).where(CreditPack.purchasable).order_by(CreditPack.sort_order, CreditPack.code)
        return list((await self.session.scalars(statement)).all())


class BillingOrganizationRepository(Repository[Organization]):
    """Organizations as billing sees them: found by their Stripe customer, locked while an event applies."""

    model = Organization

    async def by_customer(self, customer_id: str) -> Organization | None:
        result: Organization | None = await self.session.scalar(
            select(Organization).where(Organization.stripe_customer_id == customer_id)
        )
        return result

    async def lock(self, organization_id: uuid.UUID) -> Organization | None:
        # FOR NO KEY UPDATE: serializes billing changes of one workspace without blocking inserts that
        # reference the organization (their foreign key checks take KEY SHARE locks).
        statement = select(Organization).where(Organization.id == organization_id).with_for_update(key_share=True)
        result: Organization | None = await self.session.scalar(statement)
        return result

    async def set_customer_once(self, organization_id: uuid.UUID, customer_id: str) -> str:
        """Store the customer unless another request stored one first; the customer the workspace has."""
        await self.session.execute(
            update(Organization)
            .where(Organization.id == organization_id, Organization.stripe_customer_id.is_(None))
            .values(stripe_customer_id=customer_id)
        )
        stored = await self.session.scalar(
            select(Organization.stripe_customer_id).where(Organization.id == organization_id)
        )
        return str(stored)


class SubscriptionRepository(TenantRepository[Subscription]):
    model = Subscription

    async def current(self, *, for_update: bool = False) -> Subscription | None:
        statement = self.base_statement()
        if for_update:
            statement = statement.with_for_update()
        result: Subscription | None = await self.session.scalar(statement)
        return result


class InvoiceRepository(TenantRepository[Invoice]):
    model = Invoice

    async def page(self, params: PageParams) -> tuple[list[Invoice], str | None]:
        return await paginate(self.session, self.base_statement(), params, order_by=(Invoice.created, Invoice.id))

    async def by_stripe_id(self, stripe_invoice_id: str) -> Invoice | None:
        result: Invoice | None = await self.session.scalar(
            self.base_statement().where(Invoice.stripe_invoice_id == stripe_invoice_id)
        )
        return result


class PackPurchaseRepository(Repository[PackPurchase]):
    """Across workspaces: Stripe events name a checkout session or a payment, not a workspace."""

    model = PackPurchase

    async def by_session(self, checkout_session_id: str, *, for_update: bool = False) -> PackPurchase | None:
        statement = select(PackPurchase).where(PackPurchase.checkout_session_id == checkout_session_id)
        if for_update:
            statement = statement.with_for_update()
        result: PackPurchase | None = await self.session.scalar(statement)
        return result

    async def by_payment_intent(self, payment_intent_id: str) -> PackPurchase | None:
        statement = select(PackPurchase).where(PackPurchase.payment_intent_id == payment_intent_id).with_for_update()
        result: PackPurchase | None = await self.session.scalar(statement)
        return result


class StripeEventRepository(Repository[StripeEvent]):
    model = StripeEvent

    async def insert_once(self, event_id: str, event_type: str, created: int, payload: dict[str, Any]) -> bool:
        """Store the event; False when it was stored before (Stripe retries, and sometimes sends twice)."""
        statement = (
            pg_insert(StripeEvent)
            .values(id=event_id, type=event_type, created=created, payload=payload, received_at=utc_now())
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(StripeEvent.id)
        )
        return await self.session.scalar(statement) is not None

    async def get_for_update(self, event_id: str) -> StripeEvent | None:
        statement = select(StripeEvent).where(StripeEvent.id == event_id).with_for_update()
        result: StripeEvent | None = await self.session.scalar(statement)
        return result

    async def unprocessed_ids(self, received_before: datetime, max_attempts: int, limit: int) -> list[str]:
        statement = (
            select(StripeEvent.id)
            .where(
                StripeEvent.processed_at.is_(None),
                StripeEvent.received_at < received_before,
                StripeEvent.attempts < max_attempts,
            )
            .order_by(StripeEvent.received_at)
            .limit(limit)
        )
        return list((await self.session.scalars(statement)).all())


class EntitlementUsageRepository:
    """What a workspace uses of its plan: active products, seats, and allotments granted per period."""

    def __init__(self, session: Any, organization_id: uuid.UUID) -> None:
        self.session = session
        self.organization_id = organization_id

    async def active_product_ids(self) -> list[uuid.UUID]:
        """Active products, oldest first."""
        statement = (
            select(Product.id)
            .where(Product.organization_id == self.organization_id, Product.archived_at.is_(None))
            .order_by(Product.created_at, Product.id)
        )
        return list((await self.session.scalars(statement)).all())

    async def existing_product_ids(self, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        statement = select(Product.id).where(
            Product.organization_id == self.organization_id, Product.id.in_(list(ids)), Product.archived_at.is_(None)
        )
        return set((await self.session.scalars(statement)).all())

    async def archive_products(self, ids: Collection[uuid.UUID], when: datetime) -> int:
        if not ids:
            return 0
        result = await self.session.execute(
            update(Product)
            .where(Product.organization_id == self.organization_id, Product.id.in_(list(ids)))
            .values(archived_at=when)
        )
        return int(result.rowcount or 0)

    async def seats_used(self) -> int:
        members = await self.session.scalar(
            select(func.count()).select_from(Membership).where(Membership.organization_id == self.organization_id)
        )
        pending = await self.session.scalar(
            select(func.count())
            .select_from(Invitation)
            .where(
                Invitation.organization_id == self.organization_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utc_now(),
            )
        )
        return int(members or 0) + int(pending or 0)

    async def granted_with_prefix(self, prefix: str) -> int:
        """Credits granted by lots whose reference starts with `prefix` (the allotments of one period)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = select(func.coalesce(func.sum(CreditLot.amount), 0)).where(
            CreditLot.organization_id == self.organization_id,
            CreditLot.external_reference.like(f"{escaped}%", escape="\\"),
        )
        return int(await self.session.scalar(statement) or 0)

    async def lot_by_reference(self, reference: str) -> CreditLot | None:
        result: CreditLot | None = await self.session.scalar(
            select(CreditLot).where(CreditLot.external_reference == reference)
        )
        return result
