"""The onboarding wizard's state, kept on the server so it resumes on any device: workspace name → a plan or the
free trial → a store or products → a first image → approving it.

A step is done when the workspace's own data says so (a named workspace, a paid plan, products, an asset, an
approved asset). The server stores only what the data cannot tell: the steps a merchant skipped and that they kept
the free trial on purpose (`Organization.onboarding`)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.billing.service import ENTITLED_STATUSES
from api.core.errors import NotFound
from api.models import (
    Approval,
    Asset,
    Membership,
    Organization,
    Product,
    Role,
    StoreConnection,
    Subscription,
    User,
)


class Step(enum.StrEnum):
    workspace = "workspace"
    plan = "plan"
    catalog = "catalog"
    generate = "generate"
    approve = "approve"


class StepStatus(enum.StrEnum):
    done = "done"
    skipped = "skipped"
    todo = "todo"


class OrganizationMissing(NotFound):
    code, title = "organization_not_found", "Workspace not found"


def default_workspace_name(user_name: str) -> str:
    """The name sign-up gives a workspace when the merchant names none (api/auth/service.py)."""
    return f"{user_name}'s workspace"


@dataclass(frozen=True)
class StepState:
    step: Step
    status: StepStatus


@dataclass(frozen=True)
class Progress:
    steps: list[StepState]
    trial_kept: bool

    @property
    def next_step(self) -> Step | None:
        return next((state.step for state in self.steps if state.status == StepStatus.todo), None)

    @property
    def done(self) -> int:
        return sum(state.status == StepStatus.done for state in self.steps)


class OnboardingService:
    def __init__(self, session: AsyncSession, organization_id: uuid.UUID) -> None:
        self.session = session
        self.organization_id = organization_id

    async def _organization(self, *, for_update: bool = False) -> Organization:
        organization = await self.session.get(Organization, self.organization_id, with_for_update=for_update)
        if organization is None:
            raise OrganizationMissing()
        return organization

    async def _exists(self, condition: ColumnElement[bool]) -> bool:
        return bool(await self.session.scalar(select(exists().where(condition))))

    async def _done(self, organization: Organization) -> dict[Step, bool]:
        org = self.organization_id
        owner_names = (
            select(User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == org, Membership.role == Role.owner)
        )
        owners = (await self.session.scalars(owner_names)).all()
        live_asset = (Asset.organization_id == org) & Asset.deleted_at.is_(None)
        return {
            Step.workspace: organization.name.strip() not in {default_workspace_name(name) for name in owners},
            Step.plan: await self._exists(
                (Subscription.organization_id == org) & Subscription.status.in_(ENTITLED_STATUSES)
            ),
            Step.catalog: await self._exists(Product.organization_id == org)
            or await self._exists(StoreConnection.organization_id == org),
            Step.generate: await self._exists(live_asset),
            Step.approve: await self._exists(live_asset & (Asset.approval == Approval.approved)),
        }

    async def progress(self) -> Progress:
        organization = await self._organization()
        state = _stored(organization)
        done = await self._done(organization)
        if state["trial_kept"]:
            done[Step.plan] = True
        skipped = set(state["skipped"])

        def status(step: Step) -> StepStatus:
            if done[step]:
                return StepStatus.done
            return StepStatus.skipped if step in skipped else StepStatus.todo

        return Progress(steps=[StepState(step, status(step)) for step in Step], trial_kept=state["trial_kept"])

    async def choose(
        self, *, skip: Step | None = None, unskip: Step | None = None, trial_kept: bool | None = None
    ) -> None:
        """Record the merchant's choices; skipping a step twice changes nothing."""
        organization = await self._organization(for_update=True)
        state = _stored(organization)
        skipped = [s for s in state["skipped"] if s not in (skip, unskip)] + ([skip.value] if skip else [])
        kept = state["trial_kept"] if trial_kept is None else trial_kept
        organization.onboarding = {"skipped": skipped, "trial_kept": kept}
        await self.session.flush()


def _stored(organization: Organization) -> dict[str, Any]:
    """The stored choices, read defensively (unknown steps dropped) so an old shape never breaks the wizard."""
    raw = organization.onboarding or {}
    known = {step.value for step in Step}
    skipped = [s for s in raw.get("skipped", []) if isinstance(s, str) and s in known]
    return {"skipped": list(dict.fromkeys(skipped)), "trial_kept": raw.get("trial_kept") is True}
