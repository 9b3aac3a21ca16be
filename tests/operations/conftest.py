"""The operations tests drive the same app as the GraphQL tests: reuse their `api` fixture."""

from tests.graphql.conftest import api

__all__ = ["api"]
