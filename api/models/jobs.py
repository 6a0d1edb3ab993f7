"""Jobs: the one row that every long-running piece of work (generation, store import and sync) is tracked by.

Postgres holds the truth (status, attempts, progress, error); arq only carries the job's id. Tasks are delivered
at least once, so every state change goes through `JobService` under `SELECT ... FOR UPDATE`.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, IdMixin, TenantMixin, TimestampsMixin


def _values(enum_class: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_class]


class JobKind(enum.StrEnum):
    image = "image"
    video = "video"
    edit = "edit"
    upscale = "upscale"
    background_removal = "background_removal"
    import_ = "import"
    sync = "sync"


class JobStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    canceled = "canceled"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({JobStatus.succeeded, JobStatus.failed, JobStatus.canceled})


class Job(IdMixin, TimestampsMixin, TenantMixin, Base):
    __tablename__ = "jobs"
    __table_args__ = (
        # The same request sent again with its Idempotency-Key finds the job it created.
        UniqueConstraint("organization_id", "kind", "idempotency_key"),
        # The reconciler's scan: unfinished jobs by age.
        Index(
            "ix_jobs_unfinished",
            "status",
            "updated_at",
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )

    kind: Mapped[JobKind] = mapped_column(Enum(JobKind, name="job_kind", values_callable=_values))
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, name="job_status", values_callable=_values), default=JobStatus.queued
    )
    # What arq runs and where, so the reconciler can send a lost job again without knowing the domain.
    task: Mapped[str] = mapped_column(String(100))
    queue: Mapped[str] = mapped_column(String(50))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_failed: Mapped[int] = mapped_column(Integer, default=0)
    # The latest per-item events (bounded), numbered by `item_seq`, for the events stream.
    recent_items: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    item_seq: Mapped[int] = mapped_column(Integer, default=0)
    # Where a resumed attempt picks up (e.g. the store's page cursor), committed with each unit of progress.
    checkpoint: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error_code: Mapped[str | None] = mapped_column(String(100))
    error_message: Mapped[str | None] = mapped_column(String(1000))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    # How many times the row was handed to arq; part of the arq job id so a re-send is never refused as a dup.
    dispatches: Mapped[int] = mapped_column(Integer, default=0)
    timeout_seconds: Mapped[int] = mapped_column(Integer, default=300)
    enqueued_at: Mapped[datetime | None]
    # A lease: a running job whose deadline passes is presumed dead; progress pushes it forward.
    deadline_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_api_key_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    # The credits reserved for this job's outputs (generation); whatever is still reserved when the job ends in
    # any way is released with it (api/jobs/service.py), so a dead or canceled job never keeps credits.
    hold_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credit_holds.id", ondelete="SET NULL"))

    @property
    def percent(self) -> int:
        if self.progress_total <= 0:
            return 100 if self.status == JobStatus.succeeded else 0
        return min(100, (self.progress_done + self.progress_failed) * 100 // self.progress_total)
