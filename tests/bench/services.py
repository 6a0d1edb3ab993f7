"""What every benchmark starts from: throwaway PostgreSQL and Valkey, migrated, and settings pointing at them."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from api.cli import migrate
from api.core.config import Settings
from api.core.embedded import start_services


@contextmanager
def bench_settings() -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="epox-bench-") as data_dir:
        services = start_services(Path(data_dir), ephemeral=True, log=lambda line: None)
        try:
            assert services.database_url
            assert services.redis_url
            settings = Settings(
                env="test",
                database_url=services.database_url,
                redis_url=services.redis_url,
                data_dir=Path(data_dir),
                log_json=False,
            )
            migrate(settings)
            yield settings
        finally:
            services.stop()
