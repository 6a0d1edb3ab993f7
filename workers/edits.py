"""AI edit jobs (instruction edit, upscale, background removal): one item, run through the provider's `edit()`.

Everything after the provider call is the generation worker's (workers/generation.py): the image is checked and
stored, the asset written with its parent, the item's credits captured and the provider calls recorded in one
short transaction; a refusal or failure releases the item's credits instead. A job whose edit failed ends
`failed` with the provider's reason (e.g. an instruction the local provider cannot perform), so the merchant
sees why and that nothing was charged.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from sqlalchemy import select

from api.core.errors import EpoxError
from api.core.storage import StoredFileNotFound
from api.generation.providers.base import EditRequest, GeneratedImage, editor_for
from api.generation.registry import get_provider
from api.models import GenerationItem, ItemStatus, ProviderCall
from workers.generation import GenerationRun, ItemFailed
from workers.jobs import JobContext, PermanentJobError, run_job
from workers.session import task_session

logger = logging.getLogger("epox.edits")


async def edit_asset(ctx: dict[str, Any], job_id: str) -> None:
    """arq task: run one delivery of an AI edit job (a duplicate delivery does nothing)."""
    await run_job(ctx, job_id, lambda job: EditRun(ctx, job).run())


class EditRun(GenerationRun):
    def __init__(self, ctx: dict[str, Any], job: JobContext) -> None:
        super().__init__(ctx, job)
        self.operation = f"image.{job.run.params.get('operation', 'edit')}"

    async def _produce(self, item: GenerationItem) -> tuple[GeneratedImage, list[ProviderCall]]:
        spec = item.request
        try:
            source = await self.storage.get(spec["source_key"])
            mask = await self.storage.get(spec["mask_key"]) if spec.get("mask_key") else None
        except StoredFileNotFound as exc:
            raise ItemFailed("source_missing", "The image to edit is no longer stored.", []) from exc
        try:
            provider = editor_for(get_provider(self.settings, spec["provider"]), spec["operation"])
        except EpoxError as exc:  # the provider was unconfigured since the request was accepted
            raise ItemFailed("provider_not_available", exc.detail, []) from exc
        request = EditRequest(
            operation=spec["operation"],
            image=source,
            instruction=spec.get("instruction") or "",
            mask=mask,
            quality=spec.get("target_quality"),
            seed=item.seed,
        )
        return await self._with_retries(item, provider.name, lambda: provider.edit(request))

    async def run(self) -> dict[str, Any]:
        result = await super().run()
        async with task_session(self.ctx) as session:
            item = await session.scalar(select(GenerationItem).where(GenerationItem.job_id == self.run_.id))
        assert item is not None
        if item.request.get("mask_key"):  # the item is settled: only its edit needed the mask
            with contextlib.suppress(Exception):  # a leftover file is harmless
                await self.storage.delete(item.request["mask_key"])
        if item.status == ItemStatus.failed:
            # Its credits are released already (the item's own release); the job fails with the reason.
            raise PermanentJobError(
                item.error_code or "edit_failed", item.error_message or "The edit failed.", result=result
            )
        return {**result, "asset_id": str(item.asset_id) if item.asset_id else None}
