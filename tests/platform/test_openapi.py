"""The OpenAPI document is complete, stable, and the committed copy matches the code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from api.openapi import SPEC_PATH, build_openapi, render_openapi

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _operations() -> list[tuple[str, str, dict]]:
    spec = build_openapi()
    return [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]


def test_operation_ids_are_unique_and_every_endpoint_is_documented() -> None:
    operations = _operations()
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))
    for path, method, op in operations:
        assert path.startswith("/api/v1/"), path
        assert op.get("description"), f"{method.upper()} {path} has no docstring"


def test_every_error_response_is_a_problem() -> None:
    for path, method, op in _operations():
        if op["operationId"] == "ready":  # a probe's 503 carries the per-dependency status body on purpose
            continue
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")) and status != "422":
                assert "application/problem+json" in response["content"], f"{method} {path} {status}"


def test_committed_spec_matches_the_code() -> None:
    assert SPEC_PATH.read_text() == render_openapi(), "run `make openapi` and commit frontend/openapi.json"


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_generated_client_matches_the_spec() -> None:
    if not (FRONTEND / "node_modules").is_dir():
        pytest.skip("frontend dependencies not installed (make test installs them)")
    result = subprocess.run(
        ["npm", "run", "--silent", "check-client"], cwd=FRONTEND, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
