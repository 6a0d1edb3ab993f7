"""`epox credits verify`: recomputes every account from its entries and lots; exit 1 on any difference."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import update

from api import cli
from api.core.config import Settings, get_settings
from api.models import CreditHold, CreditLot
from tests.credits.conftest import Ledger


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url or "")
    monkeypatch.setenv("REDIS_URL", settings.redis_url or "")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = await asyncio.to_thread(cli.main, ["credits", "verify"])
    return code, capsys.readouterr().out


async def test_verify_passes_on_a_consistent_ledger_and_reports_each_difference(
    app: FastAPI, ledger: Ledger, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    org = await ledger.organization()
    lot = await ledger.grant(org, 10)
    held = await ledger.hold(org, 4)
    await ledger(lambda s: s.capture(org, held.id, "a", 1))
    assert await verify(capsys) == (0, "1 credit account(s) checked: entries, lots and holds agree\n")

    async with app.state.sessionmaker() as session:  # corrupt the state beside the entries
        await session.execute(update(CreditLot).where(CreditLot.id == lot).values(remaining=CreditLot.remaining + 1))
        await session.execute(update(CreditHold).where(CreditHold.id == held.id).values(captured=2))
        await session.commit()
    code, out = await verify(capsys)
    assert code == 1
    assert f"lot {lot}: lot remaining: entry allocations vs lot: derived 9, stored 10" in out
    assert "total: sum of entries vs lots remaining minus shortfall: derived 9, stored 10" in out
    assert f"hold {held.id}: hold captured: capture entries vs hold: derived 1, stored 2" in out
    assert "difference(s) found" in out


def test_verify_is_listed_in_the_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["credits", "--help"])
    assert "verify" in capsys.readouterr().out
