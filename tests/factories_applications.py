"""Factories for applying: invoice titles and addresses written straight into their tables.

They bypass the title and address services on purpose, so application tests only need the tables.
"""

from typing import Any

from sqlalchemy import select

from invoice_graph.db.engine import Database
from invoice_graph.db.tables import accounts, invoice_addresses, invoice_titles


async def account_id_of(database: Database, account_number: str) -> int:
    """The row id of an imported account."""
    async with database.read() as connection:
        query = select(accounts.c.id).where(accounts.c.account_number == account_number)
        return int((await connection.execute(query)).scalar_one())


async def add_title(database: Database, account_number: str = "A-1", **overrides: Any) -> int:
    """A company VAT_GENERAL title for the account (the default); returns its row id."""
    values: dict[str, Any] = {
        "account_id": await account_id_of(database, account_number),
        "kind": "COMPANY",
        "invoice_type": "VAT_GENERAL",
        "name": "Acme 有限公司",
        "taxpayer_id": "91350100M000100Y43",
        "is_default": True,
    }
    values.update(overrides)
    async with database.transaction() as connection:
        query = invoice_titles.insert().values(**values).returning(invoice_titles.c.id)
        return int((await connection.execute(query)).scalar_one())


async def add_address(database: Database, account_number: str = "A-1", **overrides: Any) -> int:
    """A mailing address for the account (the default); returns its row id."""
    values: dict[str, Any] = {
        "account_id": await account_id_of(database, account_number),
        "recipient": "张三",
        "phone": "13800138000",
        "province": "北京市",
        "city": "北京市",
        "district": "海淀区",
        "street": "中关村大街1号",
        "postal_code": "100080",
        "is_default": True,
    }
    values.update(overrides)
    async with database.transaction() as connection:
        query = invoice_addresses.insert().values(**values).returning(invoice_addresses.c.id)
        return int((await connection.execute(query)).scalar_one())
