"""Writes the OpenAPI document the SPA's client is generated from (`frontend/openapi.json`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from api.core.config import PROJECT_ROOT, Settings

SPEC_PATH = PROJECT_ROOT / "frontend" / "openapi.json"


def build_openapi() -> dict[str, Any]:
    from api.main import create_app

    # Settings that do not depend on the machine, so the document is the same everywhere.
    app = create_app(Settings(env="local", log_json=False, frontend_dist=Path("/nonexistent")))
    return app.openapi()


def render_openapi() -> str:
    return json.dumps(build_openapi(), indent=2, ensure_ascii=False) + "\n"


def write_openapi(path: Path = SPEC_PATH) -> Path:
    path.write_text(render_openapi())
    return path
