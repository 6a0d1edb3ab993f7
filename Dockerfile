# syntax=docker/dockerfile:1

# 1. The SPA, built with the locked npm dependencies.
FROM node:20-bookworm-slim AS spa
WORKDIR /app/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# 2. Python dependencies from the lock file, into a virtualenv.
FROM python:3.11-slim-bookworm AS python-deps
ENV UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY api/ api/
COPY workers/ workers/
COPY sandbox/ sandbox/
COPY migrations/ migrations/
COPY alembic.ini ./
RUN uv sync --frozen --no-dev

# 3. The runtime image: the app, its virtualenv and the built SPA, run as a non-root user.
FROM python:3.11-slim-bookworm
RUN useradd --create-home --uid 10001 epox
WORKDIR /app
COPY --from=python-deps --chown=epox:epox /app /app
COPY --from=spa --chown=epox:epox /app/frontend/dist /app/frontend/dist
ENV PATH="/app/.venv/bin:$PATH" EPOX_ENV=production PYTHONUNBUFFERED=1
USER epox
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/ready')"
ENTRYPOINT ["epox"]
CMD ["api", "--host", "0.0.0.0", "--port", "8000"]
