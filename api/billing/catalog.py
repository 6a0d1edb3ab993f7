"""Platform admins edit the catalog of plans and credit packs (plans and packs are data, seeded from domain.md).

Checkout sends Stripe the price from these rows at the time (inline `price_data`), so an edited price applies to
new checkouts and plan changes; running subscriptions keep what they pay until they change plan. Every write is
audited with the row before and after. Plans are never deleted (workspaces and subscriptions point at them): a
retired plan is made not purchasable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Self, TypeVar

from fastapi import APIRouter, Depends, status
from pydantic import Field, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from api.admin.dependencies import PlatformAdminSession
from api.audit.service import record_audit
from api.billing.repository import PackRepository, PlanRepository
from api.core.errors import Conflict, InvalidInput, NotFound, error_responses
from api.core.routing import TransactionalRoute, get_session
from api.core.schemas import RequestModel, ResponseModel
from api.models import CreditPack, Plan

CODE = r"^[a-z][a-z0-9_-]{1,39}$"  # lower-case letters, digits, - and _
CURRENCY = r"^[a-z]{3}$"
MAX_CREDITS = 1_000_000
MAX_CENTS = 100_000_000


class PlanNotFound(NotFound):
    code, title = "plan_not_found", "Plan not found"


class PackNotFound(NotFound):
    code, title = "pack_not_found", "Credit pack not found"


class CatalogCodeTaken(Conflict):
    code, title = "catalog_code_taken", "That code is taken"


class PlanUpdate(RequestModel):
    """Only the fields sent change; null clears the yearly price or makes seats unlimited."""

    name: str | None = Field(default=None, min_length=1, max_length=80)
    product_slots: int | None = Field(default=None, ge=0, le=MAX_CREDITS)
    monthly_credits: int | None = Field(default=None, ge=0, le=MAX_CREDITS)
    monthly_price_cents: int | None = Field(default=None, ge=0, le=MAX_CENTS, description="Minor units (cents).")
    yearly_price_cents: int | None = Field(default=None, ge=0, le=MAX_CENTS, description="Null: no yearly price.")
    currency: str | None = Field(default=None, pattern=CURRENCY)
    seats: int | None = Field(default=None, ge=1, le=10_000, description="Null: unlimited.")
    concurrent_jobs: int | None = Field(default=None, ge=1, le=100)
    api_access: bool | None = None
    rollover_cap: int | None = Field(default=None, ge=0, le=MAX_CREDITS)
    sort_order: int | None = Field(default=None, ge=0, le=10_000)
    purchasable: bool | None = None
    trial_credits: int | None = Field(default=None, ge=0, le=10_000, description="Granted once at sign-up.")
    trial_days: int | None = Field(default=None, ge=0, le=365)


class PlanCreate(PlanUpdate):
    code: str = Field(pattern=CODE, description="Lower-case letters, digits, - and _.")
    name: str = Field(min_length=1, max_length=80)
    product_slots: int = Field(ge=0, le=MAX_CREDITS)
    monthly_credits: int = Field(ge=0, le=MAX_CREDITS)
    monthly_price_cents: int = Field(ge=0, le=MAX_CENTS, description="Minor units (cents).")

    @model_validator(mode="after")
    def _trial_terms_together(self) -> PlanCreate:
        if (self.trial_credits or 0) > 0 and not self.trial_days:
            raise ValueError("a trial grant needs trial_days")
        return self


class _CatalogRowOut(ResponseModel):
    """A plan or pack as stored: every field the shape names, read off the row."""

    @classmethod
    def of(cls, row: Plan | CreditPack) -> Self:
        return cls.model_validate({name: getattr(row, name) for name in cls.model_fields})


class AdminPlanOut(_CatalogRowOut):
    code: str
    name: str
    product_slots: int
    monthly_credits: int
    monthly_price_cents: int
    yearly_price_cents: int | None
    currency: str
    seats: int | None
    concurrent_jobs: int
    api_access: bool
    rollover_cap: int
    sort_order: int
    purchasable: bool
    trial_credits: int
    trial_days: int


class PackUpdate(RequestModel):
    """Only the fields sent change."""

    name: str | None = Field(default=None, min_length=1, max_length=80)
    credits: int | None = Field(default=None, ge=1, le=MAX_CREDITS)
    price_cents: int | None = Field(default=None, ge=1, le=MAX_CENTS, description="Minor units (cents).")
    currency: str | None = Field(default=None, pattern=CURRENCY)
    sort_order: int | None = Field(default=None, ge=0, le=10_000)
    purchasable: bool | None = None


class PackCreate(PackUpdate):
    code: str = Field(pattern=CODE, description="Lower-case letters, digits, - and _.")
    name: str = Field(min_length=1, max_length=80)
    credits: int = Field(ge=1, le=MAX_CREDITS)
    price_cents: int = Field(ge=1, le=MAX_CENTS, description="Minor units (cents).")


class AdminPackOut(_CatalogRowOut):
    code: str
    name: str
    credits: int
    price_cents: int
    currency: str
    sort_order: int
    purchasable: bool


class AdminPlanList(ResponseModel):
    items: list[AdminPlanOut]


class AdminPackList(ResponseModel):
    items: list[AdminPackOut]


_Row = TypeVar("_Row", Plan, CreditPack)
_Out = TypeVar("_Out", bound=_CatalogRowOut)


def _changes(body: RequestModel, nullable: frozenset[str]) -> dict[str, Any]:
    """The fields the request set: nulls only where the row allows them (sending null sets those; leaving them out
    keeps them)."""
    sent = body.model_dump(exclude_unset=True)
    return {name: value for name, value in sent.items() if value is not None or name in nullable}


router = APIRouter(prefix="/admin", tags=["admin"], route_class=TransactionalRoute)
Session = Annotated[AsyncSession, Depends(get_session)]
ADMIN = error_responses(NotFound)


async def _audit(
    session: AsyncSession, admin: PlatformAdminSession, action: str, code: str, before: Any, after: Any
) -> None:
    await record_audit(
        session,
        action=action,
        target_type=action.split(".")[0],
        target_id=code,
        organization_id=None,
        actor_user_id=admin.user.id,
        before=before,
        after=after,
    )


@dataclass(frozen=True)
class _Catalog(Generic[_Row, _Out]):
    """What the plan and pack endpoints differ in; everything else they do the same way."""

    kind: str  # "plan" or "pack": the audited target's type, and how errors name the row
    model: type[_Row]
    shape: type[_Out]
    missing: type[NotFound]
    nullable: frozenset[str] = frozenset()  # fields that may be null on the row itself

    async def create(
        self, session: AsyncSession, admin: PlatformAdminSession, body: RequestModel, defaults: dict[str, Any]
    ) -> _Out:
        """A new row from the fields sent over `defaults`; 409 if its code is taken. Audited with the row stored
        (before: nothing, `{}`)."""
        row = self.model(**{**defaults, **_changes(body, self.nullable)})
        if await session.get(self.model, row.code) is not None:
            raise CatalogCodeTaken(f"A {self.kind} with the code {row.code!r} exists; edit it instead.")
        session.add(row)
        await session.flush()
        await session.refresh(row)
        out = self.shape.of(row)
        await _audit(session, admin, f"{self.kind}.created", row.code, {}, out.model_dump(mode="json"))
        return out

    async def update(
        self,
        session: AsyncSession,
        admin: PlatformAdminSession,
        code: str,
        body: RequestModel,
        check: Callable[[_Row], None] = lambda row: None,
    ) -> _Out:
        """Only the fields sent change, on the row locked meanwhile; `check` sees the row as it would be stored.
        Audited with the row before and after."""
        row = await session.get(self.model, code, with_for_update=True)
        if row is None:
            raise self.missing()
        before = self.shape.of(row).model_dump(mode="json")
        for name, value in _changes(body, self.nullable).items():
            setattr(row, name, value)
        check(row)
        await session.flush()
        out = self.shape.of(row)
        await _audit(session, admin, f"{self.kind}.updated", row.code, before, out.model_dump(mode="json"))
        return out


_PLANS = _Catalog("plan", Plan, AdminPlanOut, PlanNotFound, nullable=frozenset({"yearly_price_cents", "seats"}))
_PACKS = _Catalog("pack", CreditPack, AdminPackOut, PackNotFound)
CREATE_RESPONSES = {**ADMIN, **error_responses(CatalogCodeTaken)}


def _check_trial_terms(plan: Plan) -> None:
    """An edit may send one half of the sign-up grant: the pair is checked on the row, as PlanCreate checks it."""
    if plan.trial_credits > 0 and plan.trial_days <= 0:
        raise InvalidInput("trial_days", "A sign-up grant needs the days its credits stay valid.")


@router.get("/plans", response_model=AdminPlanList, responses=ADMIN)
async def admin_list_plans(admin: PlatformAdminSession, session: Session) -> AdminPlanList:
    """Platform admins: every plan as stored, the retired and the trial included."""
    return AdminPlanList(items=[AdminPlanOut.of(plan) for plan in await PlanRepository(session).listed()])


@router.post("/plans", status_code=status.HTTP_201_CREATED, response_model=AdminPlanOut, responses=CREATE_RESPONSES)
async def admin_create_plan(body: PlanCreate, admin: PlatformAdminSession, session: Session) -> AdminPlanOut:
    """Platform admins: a new plan, on sale at once unless `purchasable` is false."""
    return await _PLANS.create(session, admin, body, defaults={"concurrent_jobs": 1, "api_access": False})


@router.patch(
    "/plans/{plan_code}",
    response_model=AdminPlanOut,
    responses={**ADMIN, **error_responses(PlanNotFound, InvalidInput)},
)
async def admin_update_plan(
    plan_code: str, body: PlanUpdate, admin: PlatformAdminSession, session: Session
) -> AdminPlanOut:
    """Platform admins: change a plan's terms; only the fields sent change (null clears the yearly price, or makes
    seats unlimited). New checkouts use the new prices; slots, seats and concurrency apply to its workspaces now."""
    return await _PLANS.update(session, admin, plan_code, body, check=_check_trial_terms)


@router.get("/packs", response_model=AdminPackList, responses=ADMIN)
async def admin_list_packs(admin: PlatformAdminSession, session: Session) -> AdminPackList:
    """Platform admins: every credit pack, those taken off sale included."""
    return AdminPackList(items=[AdminPackOut.of(pack) for pack in await PackRepository(session).listed()])


@router.post("/packs", status_code=status.HTTP_201_CREATED, response_model=AdminPackOut, responses=CREATE_RESPONSES)
async def admin_create_pack(body: PackCreate, admin: PlatformAdminSession, session: Session) -> AdminPackOut:
    """Platform admins: a new credit pack, on sale at once unless `purchasable` is false."""
    return await _PACKS.create(session, admin, body, defaults={})


@router.patch("/packs/{pack_code}", response_model=AdminPackOut, responses={**ADMIN, **error_responses(PackNotFound)})
async def admin_update_pack(
    pack_code: str, body: PackUpdate, admin: PlatformAdminSession, session: Session
) -> AdminPackOut:
    """Platform admins: change a pack; only the fields sent change. Packs already bought keep their credits."""
    return await _PACKS.update(session, admin, pack_code, body)
