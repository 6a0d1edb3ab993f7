"""The onboarding wizard's progress (api/onboarding/service.py): read by the wizard and the dashboard, changed by
skipping a step or keeping the free trial."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.dependencies import MemberAccess, ViewerAccess
from api.auth.exceptions import InsufficientRole
from api.core.errors import NotAuthenticated, error_responses
from api.core.routing import TransactionalRoute, get_session
from api.core.schemas import RequestModel, ResponseModel
from api.onboarding.service import OnboardingService, Progress, Step, StepStatus

router = APIRouter(prefix="/onboarding", tags=["onboarding"], route_class=TransactionalRoute)
TENANT = error_responses(NotAuthenticated, InsufficientRole)
Session = Annotated[AsyncSession, Depends(get_session)]


class OnboardingUpdate(RequestModel):
    skip: Step | None = Field(default=None, description="A step to skip for now.")
    unskip: Step | None = Field(default=None, description="A skipped step to do after all.")
    trial_kept: bool | None = Field(default=None, description="Stay on the free trial for now.")

    @model_validator(mode="after")
    def _one_change(self) -> OnboardingUpdate:
        if self.skip is None and self.unskip is None and self.trial_kept is None:
            raise ValueError("say what changes: skip, unskip or trial_kept")
        if self.skip is not None and self.skip == self.unskip:
            raise ValueError("a step cannot be skipped and unskipped at once")
        return self


class OnboardingStepOut(ResponseModel):
    step: Step
    status: StepStatus = Field(description="done (the workspace's data says so), skipped, or todo.")


class OnboardingOut(ResponseModel):
    steps: list[OnboardingStepOut] = Field(description="In the wizard's order.")
    next_step: Step | None = Field(description="The first step neither done nor skipped; null when none is left.")
    done: int
    total: int
    trial_kept: bool = Field(description="The merchant chose to stay on the free trial for now.")

    @classmethod
    def of(cls, progress: Progress) -> OnboardingOut:
        return cls(
            steps=[OnboardingStepOut(step=state.step, status=state.status) for state in progress.steps],
            next_step=progress.next_step,
            done=progress.done,
            total=len(progress.steps),
            trial_kept=progress.trial_kept,
        )


@router.get("", response_model=OnboardingOut, responses=TENANT)
async def get_onboarding(ctx: ViewerAccess, session: Session) -> OnboardingOut:
    """Where the workspace is in the onboarding wizard: each step done, skipped or still to do."""
    return OnboardingOut.of(await OnboardingService(session, ctx.organization_id).progress())


@router.patch("", response_model=OnboardingOut, responses=TENANT)
async def update_onboarding(body: OnboardingUpdate, ctx: MemberAccess, session: Session) -> OnboardingOut:
    """Skip a step for now (`skip`; the wizard lists it as skipped until it is done), take a skip back (`unskip`),
    or stay on the free trial for now (`trial_kept`: the plan step counts as done; a plan can be picked on Billing
    any time)."""
    service = OnboardingService(session, ctx.organization_id)
    await service.choose(skip=body.skip, unskip=body.unskip, trial_kept=body.trial_kept)
    return OnboardingOut.of(await service.progress())
