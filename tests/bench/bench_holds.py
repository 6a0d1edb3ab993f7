"""Holds per second through `CreditLedgerService.hold()`, next to bare decrements, in the same run.

    .venv/bin/python -m tests.bench.bench_holds [--holds 2000] [--concurrency 16] [--rounds 3]

Starts its own throwaway PostgreSQL, applies the migrations, then measures, each with the same number of
operations and the same number of concurrent workers (each operation its own session and transaction):

- the full hold path (account lock, lots read, hold + allocations + entry written, commit) on one account,
  where every hold waits for the previous one's lock, and spread over 50 accounts;
- the baseline: `UPDATE bench_balances SET balance = balance - 1 WHERE id = :id AND balance >= 1`, alone in its
  transaction, on one row and on 50 rows.

Target (issue 4): the hold path at >= 40% of the bare-statement rate on one account.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.cli import migrate
from api.core.config import Settings
from api.core.db import create_engine, create_sessionmaker
from api.core.embedded import start_services
from api.core.time import utc_now
from api.credits.service import MAX_AMOUNT, CreditLedgerService
from api.models import LotCategory, LotSource, Organization

ACCOUNTS = 50
TARGET = 0.40


async def _run(count: int, concurrency: int, operation: Callable[[int], Awaitable[None]]) -> float:
    """Operations per second: `count` operations by `concurrency` workers."""
    next_index = iter(range(count))

    async def worker() -> None:
        for index in next_index:
            await operation(index)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - started)


async def _organizations(sessions: async_sessionmaker[AsyncSession], count: int) -> list[uuid.UUID]:
    async with sessions() as session:
        organizations = [Organization(name=f"bench {i}") for i in range(count)]
        session.add_all(organizations)
        await session.flush()
        ledger = CreditLedgerService(session)
        for organization in organizations:
            await ledger.grant(organization.id, MAX_AMOUNT, source=LotSource.pack, category=LotCategory.paid)
        await session.commit()
        return [o.id for o in organizations]


async def bench(database_url: str, holds: int, concurrency: int, rounds: int) -> dict[str, float]:
    engine = create_engine(database_url, pool_size=concurrency, max_overflow=0)
    sessions = create_sessionmaker(engine)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE bench_balances (id int PRIMARY KEY, balance bigint NOT NULL)"))
            await connection.execute(
                text("INSERT INTO bench_balances SELECT i, :balance FROM generate_series(0, :n) i"),
                {"balance": 10 * holds, "n": ACCOUNTS},
            )
        organizations = await _organizations(sessions, ACCOUNTS)
        expires_at = utc_now() + timedelta(hours=1)

        def hold_on(pick: Callable[[int], uuid.UUID]) -> Callable[[int], Awaitable[None]]:
            async def hold(index: int) -> None:
                async with sessions() as session:
                    await CreditLedgerService(session).hold(pick(index), 1, expires_at=expires_at)
                    await session.commit()

            return hold

        def update_on(pick: Callable[[int], int]) -> Callable[[int], Awaitable[None]]:
            async def update(index: int) -> None:
                async with sessions() as session:
                    await session.execute(
                        text("UPDATE bench_balances SET balance = balance - 1 WHERE id = :id AND balance >= 1"),
                        {"id": pick(index)},
                    )
                    await session.commit()

            return update

        # Warm up connections, statement caches and the lots index.
        await _run(200, concurrency, hold_on(lambda i: organizations[i % ACCOUNTS]))
        await _run(200, concurrency, update_on(lambda i: i % ACCOUNTS))
        measurements: dict[str, Callable[[int], Awaitable[None]]] = {
            "bare_one": update_on(lambda i: 0),
            "holds_one": hold_on(lambda i: organizations[0]),
            "bare_many": update_on(lambda i: i % ACCOUNTS),
            "holds_many": hold_on(lambda i: organizations[i % ACCOUNTS]),
        }
        # Interleaved rounds, median of each: a noisy neighbour then slows both sides alike.
        samples: dict[str, list[float]] = {name: [] for name in measurements}
        for _ in range(rounds):
            for name, operation in measurements.items():
                samples[name].append(await _run(holds, concurrency, operation))
        return {name: statistics.median(values) for name, values in samples.items()}
    finally:
        await engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holds", type=int, default=2000, help="operations per measurement")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent sessions")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="epox-bench-") as data_dir:
        services = start_services(Path(data_dir), redis=False, ephemeral=True, log=lambda line: None)
        try:
            assert services.database_url
            migrate(Settings(env="test", database_url=services.database_url, log_json=False))
            rates = asyncio.run(bench(services.database_url, args.holds, args.concurrency, args.rounds))
        finally:
            services.stop()
    print(
        f"{args.holds} operations per figure (median of {args.rounds} interleaved rounds), "
        f"{args.concurrency} concurrent sessions, one transaction each"
    )
    print(f"{'':32}{'one account':>14}{f'{ACCOUNTS} accounts':>14}")
    print(f"{'holds/s (CreditLedgerService)':32}{rates['holds_one']:14.0f}{rates['holds_many']:14.0f}")
    print(f"{'bare UPDATE ... balance >= 1 /s':32}{rates['bare_one']:14.0f}{rates['bare_many']:14.0f}")
    one, many = rates["holds_one"] / rates["bare_one"], rates["holds_many"] / rates["bare_many"]
    print(f"{'ratio':32}{one:14.0%}{many:14.0%}")
    print(f"target: >= {TARGET:.0%} on one account: {'met' if one >= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
