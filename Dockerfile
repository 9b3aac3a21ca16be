# The invoice_graph API. Configure it with environment variables (see README.md), above all
# DATABASE_URL: without it the app would start an embedded PostgreSQL inside the container.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 app
WORKDIR /app

COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install .

USER app
EXPOSE 8000
CMD ["invoice-graph", "serve", "--host", "0.0.0.0"]
