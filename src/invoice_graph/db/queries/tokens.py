"""Access tokens."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.tables import access_tokens, accounts, partners


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


async def get_live_token(*, connection: AsyncConnection, token_hash: str, now: datetime) -> Any | None:
    """The token with this hash if it is neither revoked nor expired."""
    query = select(access_tokens).where(
        access_tokens.c.token_hash == token_hash,
        access_tokens.c.revoked_at.is_(None),
        or_(access_tokens.c.expires_at.is_(None), access_tokens.c.expires_at > now),
    )
    return (await connection.execute(query)).first()


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
