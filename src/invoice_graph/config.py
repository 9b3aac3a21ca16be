"""Settings, read once from the environment (prefix-free names such as DATABASE_URL)."""

from pathlib import Path
from typing import Literal

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    default_page_size: int = 20
    max_page_size: int = 100
    graphiql: bool = True

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
