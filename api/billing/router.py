from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.dependencies import AdminAccess, AuthContext, MemberIdempotency, ViewerAccess
from api.auth.exceptions import InsufficientRole
from api.billing.exceptions import (
    BillingNotConfigured,
    InvalidCheckout,
    InvalidStripeSignature,
    NoBillingAccount,
    NoSubscription,
    ProductNotInWorkspace,
    StripeRequestFailed,
    SubscriptionAlreadyActive,
    UnknownPack,
    UnknownPlan,
)
from api.billing.repository import PackRepository, PlanRepository
from api.billing.schemas import (
    ChangeOut,
    ChangePlanRequest,
    CheckoutOut,
    CheckoutRequest,
    InvoiceOut,
    KeepProductsOut,
    KeepProductsRequest,
    PackList,
    PackOut,
    PlanList,
    PlanOut,
    PortalOut,
    ScheduledChange,
    StripeWebhookAck,
    SubscriptionOut,
    Usage,
)
from api.billing.service import BillingService, Overview, PlanChange
from api.billing.webhooks import StripeWebhookService
from api.core.config import Settings, get_settings
from api.core.errors import NotAuthenticated, error_responses
from api.core.idempotency import IDEMPOTENCY_ERRORS, IdempotentRoute
from api.core.pagination import Page, PageQuery
from api.core.routing import TransactionalRoute, get_session

router = APIRouter(prefix="/billing", tags=["billing"], route_class=IdempotentRoute)
webhook_router = APIRouter(prefix="/webhooks", tags=["webhooks"], route_class=TransactionalRoute)

TENANT = error_responses(NotAuthenticated, InsufficientRole)
STRIPE = error_responses(BillingNotConfigured, StripeRequestFailed)
CHANGE = {**TENANT, **STRIPE, **error_responses(NoSubscription, UnknownPlan, InvalidCheckout)}

Session = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _billing(ctx: AuthContext, session: AsyncSession, settings: Settings) -> BillingService:
    return BillingService(session, ctx.organization_id, settings)


def _subscription_out(overview: Overview) -> SubscriptionOut:
    row = overview.subscription
    scheduled = None
    if row is not None and row.scheduled_plan_code and row.scheduled_at and row.scheduled_interval:
        scheduled = ScheduledChange(
            plan_code=row.scheduled_plan_code,
            interval=row.scheduled_interval,
            applies_at=row.scheduled_at,
            keep_product_ids=row.keep_product_ids,
        )
    return SubscriptionOut(
        plan=PlanOut.of(overview.plan),
        status=row.status if row else "none",
        interval=row.interval if row else None,
        current_period_start=row.current_period_start if row else None,
        current_period_end=row.current_period_end if row else None,
        cancel_at_period_end=row.cancel_at_period_end if row else False,
        scheduled_change=scheduled,
        usage=Usage(
            product_slots_used=overview.product_slots_used,
            product_slots_limit=overview.plan.product_slots,
            seats_used=overview.seats_used,
            seats_limit=overview.plan.seats,
            credits_available=overview.credits_available,
        ),
    )


def _change_out(change: PlanChange) -> ChangeOut:
    return ChangeOut(
        applied=change.applied,
        applies_at=change.applies_at,
        effective_at=change.effective_at,
        plan_code=change.plan.code,
        interval=change.interval,
        price_difference=change.price_difference,
        currency=change.plan.currency,
        monthly_credits_difference=change.monthly_credits_difference,
        product_slots_difference=change.product_slots_difference,
        seats_difference=change.seats_difference,
        products_over_limit=change.products_over_limit,
    )


@router.get("/plans", response_model=PlanList)
async def list_plans(session: Session) -> PlanList:
    """Public: the plans with their prices per interval and limits (the free trial first, for comparison)."""
    return PlanList(items=[PlanOut.of(plan) for plan in await PlanRepository(session).listed()])


@router.get("/packs", response_model=PackList)
async def list_packs(session: Session) -> PackList:
    """Public: the credit packs on sale; pack credits never expire."""
    return PackList(items=[PackOut.of(pack) for pack in await PackRepository(session).purchasable()])


@router.get("/subscription", response_model=SubscriptionOut, responses=TENANT)
async def get_subscription(ctx: ViewerAccess, session: Session, settings: SettingsDep) -> SubscriptionOut:
    """The workspace's plan, subscription state, a waiting plan change, and what it uses of its plan."""
    return _subscription_out(await _billing(ctx, session, settings).overview())


@router.post(
    "/checkout",
    response_model=CheckoutOut,
    responses={
        **TENANT,
        **STRIPE,
        **error_responses(UnknownPlan, UnknownPack, InvalidCheckout, SubscriptionAlreadyActive, *IDEMPOTENCY_ERRORS),
    },
)
async def create_checkout(
    body: CheckoutRequest, ctx: AdminAccess, session: Session, settings: SettingsDep, idempotency: MemberIdempotency
) -> CheckoutOut:
    """Start a Stripe Checkout for a plan (`plan_code` + `interval`) or a credit pack (`pack_code`): send the
    merchant to `checkout_url`. Credits arrive when Stripe confirms the payment, not on the way back."""
    email = ctx.user.email if ctx.user else None
    return CheckoutOut(checkout_url=await _billing(ctx, session, settings).checkout(body, email=email))


@router.post("/subscription/change", response_model=ChangeOut, responses=CHANGE)
async def change_subscription(
    body: ChangePlanRequest, ctx: AdminAccess, session: Session, settings: SettingsDep
) -> ChangeOut:
    """Preview (`preview: true`) or make a plan change: upgrades apply now (prorated), downgrades at the period
    end; `products_over_limit` says how many products must go (choose the ones to keep with keep-products)."""
    change = await _billing(ctx, session, settings).change_plan(
        body.plan_code, body.interval, preview=body.preview, actor=ctx.actor_user_id
    )
    return _change_out(change)


@router.post(
    "/subscription/keep-products",
    response_model=KeepProductsOut,
    responses={**TENANT, **error_responses(NoSubscription, InvalidCheckout, ProductNotInWorkspace)},
)
async def keep_products(
    body: KeepProductsRequest, ctx: AdminAccess, session: Session, settings: SettingsDep
) -> KeepProductsOut:
    """Choose the products that stay active when the waiting downgrade applies; the others are archived then
    (never deleted). Without a choice, the newest products are archived first."""
    row = await _billing(ctx, session, settings).keep_products(body.product_ids)
    assert row.scheduled_at is not None
    return KeepProductsOut(keep_product_ids=row.keep_product_ids or [], applies_at=row.scheduled_at)


@router.post(
    "/subscription/cancel",
    response_model=SubscriptionOut,
    responses={**TENANT, **STRIPE, **error_responses(NoSubscription)},
)
async def cancel_subscription(ctx: AdminAccess, session: Session, settings: SettingsDep) -> SubscriptionOut:
    """Cancel at the end of the paid period: the plan and its credits stay until then."""
    billing = _billing(ctx, session, settings)
    await billing.set_cancel_at_period_end(True, actor=ctx.actor_user_id)
    return _subscription_out(await billing.overview())


@router.post(
    "/subscription/resume",
    response_model=SubscriptionOut,
    responses={**TENANT, **STRIPE, **error_responses(NoSubscription)},
)
async def resume_subscription(ctx: AdminAccess, session: Session, settings: SettingsDep) -> SubscriptionOut:
    """Undo a cancellation before the period ends."""
    billing = _billing(ctx, session, settings)
    await billing.set_cancel_at_period_end(False, actor=ctx.actor_user_id)
    return _subscription_out(await billing.overview())


@router.post("/portal", response_model=PortalOut, responses={**TENANT, **STRIPE, **error_responses(NoBillingAccount)})
async def create_portal_session(ctx: AdminAccess, session: Session, settings: SettingsDep) -> PortalOut:
    """A Stripe billing portal link (payment method, invoices, cancellation)."""
    return PortalOut(url=await _billing(ctx, session, settings).portal())


@router.get("/invoices", response_model=Page[InvoiceOut], responses=TENANT)
async def list_invoices(ctx: AdminAccess, session: Session, settings: SettingsDep, page: PageQuery) -> Page[InvoiceOut]:
    """The workspace's invoices, newest first (mirrored from Stripe as they are issued and paid)."""
    rows, cursor = await _billing(ctx, session, settings).invoices(page)
    return Page(items=[InvoiceOut.of(row) for row in rows], next_cursor=cursor)


@webhook_router.post(
    "/stripe",
    response_model=StripeWebhookAck,
    responses=error_responses(InvalidStripeSignature, BillingNotConfigured),
)
async def receive_stripe_webhook(request: Request, session: Session, settings: SettingsDep) -> StripeWebhookAck:
    """Public: Stripe's events, authenticated by the Stripe-Signature header over the raw body; stored once and
    processed in the background."""
    status = await StripeWebhookService(session, settings).receive(request.headers, await request.body())
    return StripeWebhookAck(status=status)
