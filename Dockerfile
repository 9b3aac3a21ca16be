# The invoice_graph API. Configure it with environment variables (see README.md), above all
# DATABASE_URL: without it the app would start an embedded PostgreSQL inside the container.
#
# Two stages: the first builds a virtual environment, the second copies only that venv onto a
# clean slim image (no pip cache, no build files) and runs as an unprivileged user.

FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p src/invoice_graph && touch src/invoice_graph/__init__.py \
    && pip install . && pip uninstall -y invoice-graph
COPY src ./src
RUN pip install --no-deps . \
    # pgserver's bundled PostgreSQL serves only the no-DATABASE_URL fallback; keep the binaries
    # it needs, drop its docs and headers.
    && rm -rf /opt/venv/lib/python3.11/site-packages/pgserver/pginstall/share/doc \
              /opt/venv/lib/python3.11/site-packages/pgserver/pginstall/include

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    # Safe defaults for an image: production behaviour and JSON logs; override per deployment.
    ENVIRONMENT=production \
    LOG_FORMAT=json \
    DATA_DIR=/home/app/data

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv

USER app
WORKDIR /home/app
EXPOSE 8000

# Liveness only: the process answers. Load balancers should use /readyz (database, migrations,
# holiday calendar) to decide whether to send traffic here.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]

# `serve` migrates first (a lock makes concurrent starts migrate once), then serves. On SIGTERM it
# stops accepting connections and lets requests in flight finish (SHUTDOWN_GRACE_SECONDS).
CMD ["invoice-graph", "serve", "--host", "0.0.0.0", "--port", "8000"]
