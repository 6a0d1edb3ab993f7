"""Fixed-window counters in Redis, keyed by action and client address."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from redis.asyncio import Redis

from api.core.errors import RateLimited


@dataclass(frozen=True)
class RateLimit:
    action: str
    limit: int
    window_s: int

    def _key(self, subject: str) -> str:
        return f"ratelimit:{self.action}:{subject}"

    async def check(self, redis: Redis, subject: str) -> None:
        """Refuse with 429 when `subject` has used up the window, without counting this attempt."""
        key = self._key(subject)
        used = await redis.get(key)
        if used is not None and int(used) >= self.limit:
            raise RateLimited(await self._retry_after(redis, key))

    async def hit(self, redis: Redis, subject: str) -> None:
        """Count one attempt."""
        key = self._key(subject)
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self.window_s, nx=True)
            await pipe.execute()

    async def consume(self, redis: Redis, subject: str) -> None:
        """Count one attempt and refuse it if it is over the limit."""
        key = self._key(subject)
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self.window_s, nx=True)
            used, _ = await pipe.execute()
        if int(used) > self.limit:
            raise RateLimited(await self._retry_after(redis, key))

    async def _retry_after(self, redis: Redis, key: str) -> int:
        ttl = int(await redis.ttl(key))
        return max(ttl, 1)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
