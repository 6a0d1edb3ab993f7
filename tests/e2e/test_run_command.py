"""`epox run` (what `make run` starts) on an empty data dir: local services, migrations, demo data, worker and
API with the SPA; ready within the budget cold and warm, and Ctrl-C stops every process it started."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.core.config import PROJECT_ROOT
from tests.helpers import free_port

EPOX = PROJECT_ROOT / ".venv" / "bin" / "epox"
COLD_BUDGET_S = 180
WARM_BUDGET_S = 15


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Outside pytest's 0700 temp tree, which other sessions reset while the servers run.
    path = Path(tempfile.mkdtemp(prefix="epox-run-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _start(data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"EPOX_DATA_DIR": str(data_dir), "EPOX_LOG_JSON": "false", "EPOX_LOG_LEVEL": "WARNING"})
    return subprocess.Popen(
        [str(EPOX), "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _wait_ready(process: subprocess.Popen[str], port: int, budget: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < budget:
        if process.poll() is not None:
            raise AssertionError(f"epox run exited early:\n{process.stdout.read() if process.stdout else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/ready", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"not ready within {budget} s")


def _stop(process: subprocess.Popen[str], signum: signal.Signals = signal.SIGINT) -> str:
    process.send_signal(signum)
    output, _ = process.communicate(timeout=60)
    # The worker runs in the command's process group: nothing of it may outlive the command.
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)
    return output


def test_run_serves_spa_and_api_then_stops_cleanly(data_dir: Path) -> None:
    if not (PROJECT_ROOT / "frontend" / "dist" / "index.html").is_file():
        pytest.skip("the SPA is not built (make test builds it)")
    port = free_port()
    process = _start(data_dir, port)
    try:
        cold = _wait_ready(process, port, COLD_BUDGET_S)
        home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert home.status_code == 200
        assert '<div id="root">' in home.text
        deep_link = httpx.get(f"http://127.0.0.1:{port}/settings/members", timeout=5)
        assert deep_link.status_code == 200
        assert '<div id="root">' in deep_link.text
        login = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/auth/login",
            json={"email": "demo@example.com", "password": "epox-demo-studio"},
            timeout=10,
        )
        assert login.status_code == 200, login.text
    finally:
        output = _stop(process)
    assert process.returncode == 0, output
    assert "Demo login: demo@example.com" in output
    assert not (data_dir / "services.json").exists()
    for pid_file in (data_dir / "postgres" / "postmaster.pid", data_dir / "redis" / "redis.pid"):
        assert not pid_file.exists(), f"{pid_file} left behind: a server is still running"

    again = _start(data_dir, port)
    try:
        warm = _wait_ready(again, port, WARM_BUDGET_S)
    finally:
        output = _stop(again, signal.SIGTERM)  # as a service manager stops it
    assert again.returncode == 0, output
    for pid_file in (data_dir / "postgres" / "postmaster.pid", data_dir / "redis" / "redis.pid"):
        assert not pid_file.exists(), f"{pid_file} left behind after SIGTERM"
    print(f"\nepox run: ready {cold:.1f} s cold (budget {COLD_BUDGET_S}), {warm:.1f} s warm (budget {WARM_BUDGET_S})")
