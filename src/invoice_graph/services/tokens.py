"""Access tokens: made once, stored as a hash, revocable (SPEC section 6)."""

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from invoice_graph.db.engine import Database
from invoice_graph.db.queries import tokens as queries
from invoice_graph.db.queries.tokens import TokenRecord
from invoice_graph.domain.viewer import Role, Viewer

PREFIX = "igt_"


class TokenStatus(enum.StrEnum):
    """Whether a token authenticates now."""

    LIVE = "live"
    REVOKED = "revoked"
    EXPIRED = "expired"


class TokenScopeError(ValueError):
    """The role's scope (account or partner) is missing, unknown or not allowed."""


@dataclass(frozen=True, slots=True)
class CreatedToken:
    """A new token: the secret is shown once and never stored."""

    id: int
    secret: str


def hash_token(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode()).hexdigest()


# What each role's token is scoped to, said when a command gives the wrong scope.
_SCOPE_RULES = {
    Role.CUSTOMER: "a customer token needs --account and no --partner",
    Role.PARTNER: "a partner token needs --partner and no --account",
    Role.FINANCE: "a finance token takes neither --account nor --partner",
}


async def _scope(
    database: Database, role: Role, account_number: str | None, partner_code: str | None
) -> tuple[int | None, int | None]:
    if (bool(account_number), bool(partner_code)) != (role is Role.CUSTOMER, role is Role.PARTNER):
        raise TokenScopeError(_SCOPE_RULES[role])
    async with database.read() as connection:
        if account_number:
            account_id = await queries.get_account_id(connection=connection, account_number=account_number)
            if account_id is None:
                raise TokenScopeError(f"no account {account_number!r}: import its billing lines first")
            return account_id, None
        if partner_code:
            partner_id = await queries.get_partner_id(connection=connection, code=partner_code)
            if partner_id is None:
                raise TokenScopeError(f"no partner {partner_code!r}: import lines that name it first")
            return None, partner_id
    return None, None


async def create_token(
    database: Database,
    *,
    role: Role,
    account_number: str | None = None,
    partner_code: str | None = None,
    label: str | None = None,
    expires_at: datetime | None = None,
) -> CreatedToken:
    """Make a token for a role and its scope.

    Args:
        database: where to store its hash.
        role: customer (needs account_number), partner (needs partner_code) or finance.
        account_number: the customer's account.
        partner_code: the partner's code.
        label: a note for operators, e.g. who holds the token.
        expires_at: when it stops working; never when omitted.

    Returns:
        The token's id and its secret, which is not stored and cannot be shown again.

    Raises:
        TokenScopeError: when the scope does not fit the role or does not exist.
    """
    return (await _make(database, role, account_number, partner_code, label, expires_at, replace=False))[0]


async def replace_labelled_token(
    database: Database,
    *,
    role: Role,
    label: str,
    account_number: str | None = None,
    partner_code: str | None = None,
) -> tuple[CreatedToken, list[int]]:
    """Make a token and, in the same transaction, revoke every other token of its role and label.

    Replacements run one at a time (an advisory lock), so at most one token of a role and label
    is live at any moment: for tokens a program makes afresh on every run, such as the demo's.

    Args:
        database: where to store its hash.
        role: as for `create_token`.
        label: the label that marks the tokens this one replaces.
        account_number: the customer's account.
        partner_code: the partner's code.

    Returns:
        The new token, and the ids of the tokens it replaced (revoked).

    Raises:
        TokenScopeError: when the scope does not fit the role or does not exist.
    """
    return await _make(database, role, account_number, partner_code, label, None, replace=True)


async def _make(
    database: Database,
    role: Role,
    account_number: str | None,
    partner_code: str | None,
    label: str | None,
    expires_at: datetime | None,
    *,
    replace: bool,
) -> tuple[CreatedToken, list[int]]:
    """Store a new token, after revoking the live ones of its role and label when `replace`."""
    account_id, partner_id = await _scope(database, role, account_number, partner_code)
    secret = PREFIX + secrets.token_urlsafe(32)
    replaced: list[int] = []
    async with database.transaction() as connection:
        if replace and label is not None:
            replaced = await queries.revoke_labelled(connection=connection, role=role.value, label=label)
        token_id = await queries.insert_token(
            connection=connection,
            token_hash=hash_token(secret),
            role=role.value,
            account_id=account_id,
            partner_id=partner_id,
            label=label,
            expires_at=expires_at,
        )
    return CreatedToken(id=token_id, secret=secret), replaced


async def list_tokens(
    database: Database, *, include_inactive: bool = False, now: datetime | None = None
) -> list[TokenRecord]:
    """The tokens an operator has made, oldest first, without their hashes.

    Args:
        database: where the tokens are stored.
        include_inactive: also list revoked and expired tokens.
        now: the instant that decides which tokens are expired; now when omitted.

    Returns:
        Each token's id, role, scope, label and dates.
    """
    async with database.read() as connection:
        return await queries.list_tokens(
            connection=connection, live_at=None if include_inactive else now or datetime.now(UTC)
        )


def status_of(token: TokenRecord, now: datetime) -> TokenStatus:
    """Whether the token is live, revoked or expired at `now` (revoked wins when both)."""
    if token.revoked_at is not None:
        return TokenStatus.REVOKED
    if token.expires_at is not None and token.expires_at <= now:
        return TokenStatus.EXPIRED
    return TokenStatus.LIVE


async def revoke_token(database: Database, token: str) -> bool:
    """Revoke a token given its id or its secret; False when no live token matches."""
    async with database.transaction() as connection:
        if token.isdigit():
            return await queries.revoke_token(connection=connection, token_id=int(token), token_hash=None)
        return await queries.revoke_token(connection=connection, token_id=None, token_hash=hash_token(token))


async def authenticate(database: Database, secret: str) -> Viewer | None:
    """The viewer a live token stands for, or None for an unknown, revoked or expired one."""
    if not secret.startswith(PREFIX):
        return None
    async with database.read() as connection:
        row = await queries.get_live_token(
            connection=connection, token_hash=hash_token(secret), now=datetime.now(UTC)
        )
    if row is None:
        return None
    return Viewer(role=Role(row.role), token_id=row.id, account_id=row.account_id, partner_id=row.partner_id)
