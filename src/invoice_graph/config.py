"""Settings, read once from the environment (prefix-free names such as DATABASE_URL)."""

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from invoice_graph.domain.applications import InvoiceMedium
from invoice_graph.domain.holiday_schedule import EMPTY_SCHEDULE, HolidaySchedule, parse_holiday_schedule

# A request may run its longest statement and still have time to answer.
REQUEST_TIMEOUT_MARGIN_SECONDS = 5.0
DEFAULT_REQUEST_TIMEOUT_SECONDS = 30.0


class Settings(BaseSettings):
    """All configuration of invoice_graph.

    With no DATABASE_URL, commands start an embedded PostgreSQL kept in `data_dir`.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str | None = None
    data_dir: Path = Path(".invoice_graph")
    database_pool_size: int = 10
    support_hotline: str = "400-028-9900"
    # The media offered (a comma list in the environment, e.g. PAPER,ELECTRONIC); the first is the
    # default when an application names none.
    invoice_mediums: Annotated[list[InvoiceMedium], NoDecode] = Field(
        default_factory=lambda: [InvoiceMedium.PAPER, InvoiceMedium.ELECTRONIC], min_length=1
    )
    default_page_size: int = 20
    max_page_size: int = 100
    graphiql: bool = True

    # Operations
    # Seconds to wait for a new database connection, and for a free one from the pool: while
    # PostgreSQL is down requests fail fast with SERVICE_UNAVAILABLE instead of hanging.
    database_connect_timeout: float = Field(default=3.0, gt=0, le=30)
    database_pool_timeout: float = Field(default=5.0, gt=0, le=60)
    # "json" (one JSON object a line) or "console" (readable); unset: json in production only.
    log_format: Literal["json", "console"] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Run `statements generate` every N seconds inside the server; 0 or unset: never.
    statement_schedule_seconds: float | None = Field(default=None, ge=0)
    # Seconds the server waits for requests in flight when asked to stop.
    shutdown_grace_seconds: int = Field(default=20, ge=0)
    # Every request's deadline: past it the answer is 503 SERVICE_UNAVAILABLE, even while PostgreSQL
    # hangs (frozen, or cut off by a network partition) and no timeout of its own fires. Unset: the
    # statement timeout plus REQUEST_TIMEOUT_MARGIN_SECONDS, or 30 s with no statement timeout.
    request_timeout_seconds: float | None = Field(default=None, gt=0, le=3600)
    # A TOML file of official holidays and adjusted workdays of years chinesecalendar does not know
    # yet (README "Holidays past the calendar's data"); read and checked when the settings load.
    holidays_file: Path | None = None
    # The bearer token Prometheus scrapes /metrics with. Set: required in every environment.
    # Unset: /metrics is open in development and test, and refused (403) in production.
    metrics_token: SecretStr | None = Field(default=None, min_length=16)
    _holiday_schedule: HolidaySchedule = PrivateAttr(default=EMPTY_SCHEDULE)
    _download_key: bytes | None = PrivateAttr(default=None)

    # E-invoices (SPEC section 9). Who the invoices are issued by, as printed on them.
    seller_name: str = "云栈科技（演示）有限公司"
    seller_taxpayer_id: str = "91330106MA2CFXXD7U"
    seller_address: str = "浙江省杭州市西湖区文三路 90 号"
    seller_phone: str = "0571-88880000"
    seller_bank_name: str = "招商银行杭州高新支行"
    seller_bank_account: str = "571909876510801"
    # SMTP relay for invoice e-mails, e.g. smtp://user:password@host:587?starttls=true or
    # smtps://host:465; unset: messages are written as .eml files to OUTBOX_DIR.
    smtp_url: SecretStr | None = None
    # A CA bundle to trust for the relay's certificate (a private relay); unset: the system's.
    smtp_ca_file: Path | None = None
    mail_from: str = "invoices@invoice-graph.localhost"
    outbox_dir: Path = Path(".invoice_graph/outbox")
    # Download links of invoice files: valid this long, signed with DOWNLOAD_LINK_SECRET (unset: a
    # random secret per start, which any process of a multi-process deployment must share, so set it
    # there), on PUBLIC_BASE_URL (unset: the request's own scheme and host).
    download_link_ttl_seconds: int = Field(default=900, ge=10, le=7 * 24 * 3600)
    download_link_secret: SecretStr | None = Field(default=None, min_length=16)
    public_base_url: str | None = None
    # Webhooks (SPEC section 12): http and private, loopback or link-local targets only when true
    # (development and tests); each attempt's time limit.
    webhook_allow_private_urls: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    # Background jobs (SPEC section 12): `serve` runs them in-process unless RUN_JOBS is false;
    # `invoice-graph worker` runs them alone. A job whose worker died runs again after its lease.
    run_jobs: bool = True
    job_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    job_lease_seconds: float = Field(default=300.0, ge=1, le=86_400)
    job_concurrency: int = Field(default=4, ge=1, le=64)

    # Limits and abuse resistance (README "Limits and production settings"). Unset booleans
    # follow the environment: on in development and test, off in production.
    max_query_depth: int = Field(default=15, ge=1)  # GraphiQL's introspection query nests 15 deep
    max_aliases: int = Field(default=30, ge=0)
    # The same field selected more than once in one selection set, and directives on one field.
    max_duplicate_fields: int = Field(default=10, ge=0)
    max_directives: int = Field(default=4, ge=1)
    max_query_tokens: int = Field(default=2000, ge=10)
    # A partner's page of 100 accounts x 12 statements x 5 lines costs about 11 300.
    max_query_cost: int = Field(default=20_000, ge=1)
    # Leaky bucket per token, in cost points: it holds `rate_limit_capacity` and leaks
    # `rate_limit_leak_per_second`. "postgres" (the production default) shares buckets between
    # server processes; "memory" suits one process.
    rate_limit_capacity: int = Field(default=40_000, ge=1)
    rate_limit_leak_per_second: float = Field(default=2_000.0, gt=0)
    rate_limit_store: Literal["memory", "postgres"] | None = None
    introspection: bool | None = None
    field_suggestions: bool | None = None
    allow_get_queries: bool | None = None
    max_request_bytes: int = Field(default=1_000_000, ge=1024)
    cors_allow_origins: list[str] = Field(default_factory=list)
    statement_timeout_ms: int | None = Field(default=15_000, ge=0)

    @field_validator("invoice_mediums", mode="before")
    @classmethod
    def _split_mediums(cls, value: object) -> object:
        """INVOICE_MEDIUMS=PAPER,ELECTRONIC: a comma list, each offered once."""
        if isinstance(value, str):
            value = [item.strip().upper() for item in value.split(",") if item.strip()]
        if isinstance(value, list) and len(set(value)) != len(value):
            raise ValueError("INVOICE_MEDIUMS lists a medium twice")
        return value

    def download_link_key(self) -> bytes:
        """The key download links are signed with: DOWNLOAD_LINK_SECRET, or without one a random
        key kept in DATA_DIR, so every process on this machine signs alike (servers on several
        machines must share DOWNLOAD_LINK_SECRET)."""
        if self.download_link_secret is not None:
            return self.download_link_secret.get_secret_value().encode()
        if self._download_key is None:  # read once: every document listed signs a link
            self._download_key = self._stored_download_key()
        return self._download_key

    def secret_box_key(self) -> bytes:
        """The 32-byte key that encrypts stored webhook signing secrets, derived from the download
        link key (a different purpose, so a different key)."""
        return hmac.new(self.download_link_key(), b"invoice-graph webhook secrets", hashlib.sha256).digest()

    def _stored_download_key(self) -> bytes:
        path = self.data_dir / "download-link.key"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            key = secrets.token_bytes(32)
            with contextlib.suppress(FileExistsError), path.open("xb") as file:
                file.write(key)
                os.chmod(path, 0o600)
            return path.read_bytes()

    @property
    def default_medium(self) -> InvoiceMedium:
        """The medium of an application that names none."""
        return self.invoice_mediums[0]

    @field_validator("database_url")
    @classmethod
    def _normalise_driver(cls, value: str | None) -> str | None:
        """Accept postgres:// and postgresql:// URLs and use the asyncpg driver."""
        if not value:
            return None
        for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://", "postgresql+psycopg2://"):
            if value.startswith(prefix):
                return "postgresql+asyncpg://" + value[len(prefix) :]
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("DATABASE_URL must be a PostgreSQL URL, e.g. postgresql://user@host/db")
        return value

    @property
    def holiday_schedule(self) -> HolidaySchedule:
        """The schedule read from HOLIDAYS_FILE (empty without one)."""
        return self._holiday_schedule

    @model_validator(mode="after")
    def _read_holidays_file(self) -> Self:
        """Read and check HOLIDAYS_FILE once, so a bad file stops the server at start."""
        if self.holidays_file is None:
            return self
        try:
            text = self.holidays_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError(f"HOLIDAYS_FILE {self.holidays_file} cannot be read: {error}") from error
        try:
            self._holiday_schedule = parse_holiday_schedule(text)
        except ValueError as error:
            raise ValueError(f"HOLIDAYS_FILE {self.holidays_file}: {error}") from error
        return self

    @model_validator(mode="after")
    def _environment_defaults(self) -> Self:
        """Fill unset switches from the environment; production also turns GraphiQL off unless set."""
        production = self.environment == "production"
        for name in ("introspection", "field_suggestions", "allow_get_queries"):
            if getattr(self, name) is None:
                setattr(self, name, not production)
        if production and "graphiql" not in self.model_fields_set:
            self.graphiql = False
        if self.rate_limit_store is None:
            self.rate_limit_store = "postgres" if production else "memory"
        if self.request_timeout_seconds is None:
            self.request_timeout_seconds = (
                self.statement_timeout_ms / 1000 + REQUEST_TIMEOUT_MARGIN_SECONDS
                if self.statement_timeout_ms
                else DEFAULT_REQUEST_TIMEOUT_SECONDS
            )
        if self.max_query_cost > self.rate_limit_capacity:
            raise ValueError("MAX_QUERY_COST must not exceed RATE_LIMIT_CAPACITY, or such queries never run")
        return self
