from __future__ import annotations

from arq.connections import ArqRedis, RedisSettings, create_pool


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


async def create_redis(url: str) -> ArqRedis:
    """One pool per process, used for the job queues and for rate limits alike."""
    return await create_pool(redis_settings(url))
