from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from api.core.schemas import RequestModel, ResponseModel
from api.models import CreditPack, Invoice, Plan

Interval = Literal["month", "year"]


class Price(ResponseModel):
    interval: Interval
    amount: int = Field(description="Minor units (cents).")
    currency: str


class PlanLimits(ResponseModel):
    seats: int | None = Field(description="Members plus pending invitations; null means unlimited.")
    concurrent_jobs: int
    api_access: bool
    rollover_cap: int


class TrialTerms(ResponseModel):
    credits: int = Field(description="Credits granted once when a workspace starts on this plan.")
    days: int = Field(description="How long those credits stay valid.")


class PlanOut(ResponseModel):
    code: str
    name: str
    product_slots: int
    monthly_credits: int
    prices: list[Price]
    limits: PlanLimits
    purchasable: bool
    trial: TrialTerms | None = Field(description="The free trial's one-off grant (the trial plan only).")

    @classmethod
    def of(cls, plan: Plan) -> PlanOut:
        prices = [Price(interval="month", amount=plan.monthly_price_cents, currency=plan.currency)]
        if plan.yearly_price_cents is not None:
            prices.append(Price(interval="year", amount=plan.yearly_price_cents, currency=plan.currency))
        return cls(
            code=plan.code,
            name=plan.name,
            product_slots=plan.product_slots,
            monthly_credits=plan.monthly_credits,
            prices=prices,
            limits=PlanLimits(
                seats=plan.seats,
                concurrent_jobs=plan.concurrent_jobs,
                api_access=plan.api_access,
                rollover_cap=plan.rollover_cap,
            ),
            purchasable=plan.purchasable,
            trial=TrialTerms(credits=plan.trial_credits, days=plan.trial_days) if plan.trial_credits > 0 else None,
        )


class PlanList(ResponseModel):
    items: list[PlanOut]


class PackPrice(ResponseModel):
    amount: int = Field(description="Minor units (cents).")
    currency: str


class PackOut(ResponseModel):
    code: str
    name: str
    credits: int
    price: PackPrice

    @classmethod
    def of(cls, pack: CreditPack) -> PackOut:
        return cls(
            code=pack.code,
            name=pack.name,
            credits=pack.credits,
            price=PackPrice(amount=pack.price_cents, currency=pack.currency),
        )


class PackList(ResponseModel):
    items: list[PackOut]


class ScheduledChange(ResponseModel):
    plan_code: str
    interval: Interval
    applies_at: datetime
    keep_product_ids: list[uuid.UUID] | None


class Usage(ResponseModel):
    product_slots_used: int
    product_slots_limit: int
    seats_used: int
    seats_limit: int | None
    credits_available: int


class SubscriptionOut(ResponseModel):
    plan: PlanOut = Field(description="The plan whose entitlements apply now (the trial without a subscription).")
    status: str = Field(description="Stripe's subscription status, or `none`.")
    interval: Interval | None
    current_period_start: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    scheduled_change: ScheduledChange | None
    usage: Usage


class CheckoutRequest(RequestModel):
    """A plan (with its interval) or a credit pack."""

    plan_code: str | None = Field(default=None, max_length=40)
    interval: Interval | None = None
    pack_code: str | None = Field(default=None, max_length=40)

    @model_validator(mode="after")
    def _one_kind(self) -> CheckoutRequest:
        if (self.plan_code is None) == (self.pack_code is None):
            raise ValueError("Send either plan_code (with interval) or pack_code.")
        return self


class CheckoutOut(ResponseModel):
    checkout_url: str


class ChangePlanRequest(RequestModel):
    plan_code: str = Field(max_length=40)
    interval: Interval
    preview: bool = False


class ChangeOut(ResponseModel):
    applied: bool = Field(description="False for a preview.")
    applies_at: Literal["now", "period_end"]
    effective_at: datetime | None = Field(description="When a period-end change takes effect.")
    plan_code: str
    interval: Interval
    price_difference: int = Field(description="New price minus current price per period, minor units.")
    currency: str
    monthly_credits_difference: int
    product_slots_difference: int
    seats_difference: int | None = Field(description="Null when either plan has unlimited seats.")
    products_over_limit: int = Field(
        description="Active products beyond the new plan's slots: choose that many fewer to keep, or the newest "
        "ones are archived when the change applies."
    )


class KeepProductsRequest(RequestModel):
    product_ids: list[uuid.UUID] = Field(max_length=5000)


class KeepProductsOut(ResponseModel):
    keep_product_ids: list[uuid.UUID]
    applies_at: datetime


class PortalOut(ResponseModel):
    url: str


class InvoiceOut(ResponseModel):
    id: uuid.UUID
    stripe_invoice_id: str
    number: str | None
    status: str
    currency: str
    amount_due: int
    amount_paid: int
    billing_reason: str | None
    period_start: datetime | None
    period_end: datetime | None
    hosted_invoice_url: str | None
    invoice_pdf: str | None
    created: datetime

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceOut:
        return cls.model_validate(invoice)


class StripeWebhookAck(ResponseModel):
    status: Literal["accepted", "duplicate"]
