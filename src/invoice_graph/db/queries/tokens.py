"""Access tokens."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, bindparam, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.tables import access_tokens, accounts, partners

# Tokens that replace the live ones of their label are made one at a time (see replace_labelled).
LABEL_REPLACEMENT_LOCK = 7_401_400


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What an operator may see of a token: everything but its hash."""

    id: int
    role: str
    account_number: str | None
    partner_code: str | None
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def _is_live(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Neither revoked nor expired at `now`."""
    return access_tokens.c.revoked_at.is_(None) & or_(
        access_tokens.c.expires_at.is_(None), access_tokens.c.expires_at > now
    )


async def insert_token(
    *,
    connection: AsyncConnection,
    token_hash: str,
    role: str,
    account_id: int | None,
    partner_id: int | None,
    label: str | None,
    expires_at: datetime | None,
) -> int:
    """Store a token's hash and scope; returns its id."""
    query = (
        access_tokens.insert()
        .values(
            token_hash=token_hash,
            role=role,
            account_id=account_id,
            partner_id=partner_id,
            label=label,
            expires_at=expires_at,
        )
        .returning(access_tokens.c.id)
    )
    return int((await connection.execute(query)).scalar_one())


# Built once, with its values as parameters: every request looks its token up, and building the
# statement and its cache key each time cost more than running it (bench/RESULTS.md).
_LIVE_TOKEN = select(access_tokens).where(
    access_tokens.c.token_hash == bindparam("token_hash"),
    _is_live(bindparam("now", type_=DateTime(timezone=True))),
)


async def get_live_token(*, connection: AsyncConnection, token_hash: str, now: datetime) -> Any | None:
    """The token with this hash if it is neither revoked nor expired."""
    return (await connection.execute(_LIVE_TOKEN, {"token_hash": token_hash, "now": now})).first()


async def list_tokens(*, connection: AsyncConnection, live_at: datetime | None) -> list[TokenRecord]:
    """Every token, oldest first, or only those live at `live_at` when it is given."""
    query = (
        select(
            access_tokens.c.id,
            access_tokens.c.role,
            accounts.c.account_number,
            partners.c.code.label("partner_code"),
            access_tokens.c.label,
            access_tokens.c.created_at,
            access_tokens.c.expires_at,
            access_tokens.c.revoked_at,
        )
        .select_from(
            access_tokens.outerjoin(accounts, accounts.c.id == access_tokens.c.account_id).outerjoin(
                partners, partners.c.id == access_tokens.c.partner_id
            )
        )
        .order_by(access_tokens.c.id)
    )
    if live_at is not None:
        query = query.where(_is_live(live_at))
    return [TokenRecord(**row._mapping) for row in await connection.execute(query)]


async def revoke_labelled(*, connection: AsyncConnection, role: str, label: str) -> list[int]:
    """Revoke the live tokens of this role and label, after taking the replacement lock; their ids."""
    await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LABEL_REPLACEMENT_LOCK})
    query = (
        update(access_tokens)
        .where(
            access_tokens.c.role == role,
            access_tokens.c.label == label,
            access_tokens.c.revoked_at.is_(None),
        )
        .values(revoked_at=func.now())
        .returning(access_tokens.c.id)
    )
    return sorted(int(token_id) for token_id in (await connection.execute(query)).scalars())


async def revoke_token(*, connection: AsyncConnection, token_id: int | None, token_hash: str | None) -> bool:
    """Revoke a token by id or hash; False when there is no such live token."""
    condition = (
        access_tokens.c.id == token_id if token_id is not None else access_tokens.c.token_hash == token_hash
    )
    query = (
        update(access_tokens)
        .where(condition, access_tokens.c.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    return bool((await connection.execute(query)).rowcount)


async def get_account_id(*, connection: AsyncConnection, account_number: str) -> int | None:
    """The id of the account with this number."""
    query = select(accounts.c.id).where(accounts.c.account_number == account_number)
    return (await connection.execute(query)).scalar_one_or_none()


async def get_partner_id(*, connection: AsyncConnection, code: str) -> int | None:
    """The id of the partner with this code."""
    query = select(partners.c.id).where(partners.c.code == code)
    return (await connection.execute(query)).scalar_one_or_none()
