"""How requests are labelled for logs and metrics, and which errors mean "database unavailable"."""

import asyncpg
import pytest
from sqlalchemy import exc

from invoice_graph.db.availability import is_database_unavailable
from invoice_graph.http import metrics
from invoice_graph.http.request_log import operation_name, outcome_of


@pytest.mark.parametrize(
    ("query", "given", "expected"),
    [
        ("query Accounts { viewer { role } }", None, "Accounts"),
        ("# a comment\n  mutation Apply($x: ID!) { a }", None, "Apply"),
        ("{ viewer { role } }", None, None),
        ("query Accounts { a } query Other { b }", "Other", "Other"),
        (None, None, None),
    ],
)
def test_operation_name_is_the_given_one_else_the_documents(
    query: str | None, given: str | None, expected: str | None
) -> None:
    assert operation_name(query, given) == expected


def test_outcome_is_ok_unavailable_when_any_error_says_so_else_the_first_code() -> None:
    forbidden = {"extensions": {"code": "FORBIDDEN"}}
    unavailable = {"extensions": {"code": "SERVICE_UNAVAILABLE"}}

    assert outcome_of(None) == "ok"
    assert outcome_of([forbidden]) == "FORBIDDEN"
    assert outcome_of([forbidden, unavailable]) == "SERVICE_UNAVAILABLE"


def test_operation_labels_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "_seen_operations", set())
    monkeypatch.setattr(metrics, "MAX_OPERATIONS", 2)

    assert [metrics.operation_label(name) for name in ("A", "B", "C", "A")] == ["A", "B", "other", "A"]
    assert metrics.operation_label("") == "anonymous"
    assert metrics.operation_label(None) == "unknown"
    assert metrics.operation_label("not a name!") == "other"


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "refused"),
        TimeoutError(),
        exc.TimeoutError("QueuePool limit reached"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        exc.OperationalError("SELECT 1", {}, asyncpg.AdminShutdownError("terminating connection")),
    ],
)
def test_outages_are_recognised(error: BaseException) -> None:
    assert is_database_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("bad"),
        exc.IntegrityError("INSERT", {}, asyncpg.UniqueViolationError("duplicate")),
        KeyError("x"),
    ],
)
def test_other_errors_are_not_outages(error: BaseException) -> None:
    assert not is_database_unavailable(error)
