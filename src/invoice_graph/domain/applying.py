"""The checks of applying for an invoice, shared by applyForInvoice and invoicePreview (SPEC section 5).

Every function is pure and returns every problem it finds, each with the path of the input field
at fault, so a client can mark all of them at once.
"""

import enum
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email

from invoice_graph.domain.applications import InvoiceMedium
from invoice_graph.domain.deficit import deficit_offset
from invoice_graph.domain.errors import DomainError, ErrorCode
from invoice_graph.domain.money import format_fen, to_fen
from invoice_graph.domain.months import CST, Month
from invoice_graph.domain.printing import check_printed_text, trimmed

REMARK_MAX_LENGTH = 128
IDEMPOTENCY_KEY_MAX_LENGTH = 128
MAX_EMAILS = 5


class EligibilityProblem(enum.StrEnum):
    """What keeps an account from applying at all."""

    TITLE_REQUIRED = "TITLE_REQUIRED"
    ADDRESS_REQUIRED = "ADDRESS_REQUIRED"
    NOTHING_TO_INVOICE = "NOTHING_TO_INVOICE"


@dataclass(frozen=True, slots=True)
class ApplicationRequest:
    """What a customer asks for when applying; ids are row ids within the account."""

    account_id: int
    months: tuple[Month, ...]
    title_id: int
    address_id: int | None
    confirmed_amount: Decimal
    accept_terms: bool
    idempotency_key: str | None = None
    remark: str | None = None
    # None: the server's default medium.
    medium: InvoiceMedium | None = None
    emails: tuple[str, ...] | None = None

    def fingerprint(self) -> str:
        """A hash of the normalised request, to tell a retry from a different request with the same key."""
        normal = {
            "months": sorted({str(month) for month in self.months}),
            "title": self.title_id,
            "address": self.address_id if self.medium is not InvoiceMedium.ELECTRONIC else None,
            "medium": self.medium,
            "emails": sorted({email.strip().lower() for email in self.emails or ()}),
            "amount": str(self.confirmed_amount.quantize(Decimal("0.01"))),
            "terms": self.accept_terms,
            "remark": trimmed(self.remark),
        }
        return hashlib.sha256(json.dumps(normal, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class MonthFacts:
    """What the server knows of a generated month: its invoiceable fen and whether it is taken."""

    cloud_fen: int
    market_fen: int
    in_application: bool

    @property
    def total_fen(self) -> int:
        """Invoiceable cloud and market fen together."""
        return self.cloud_fen + self.market_fen


def _month_problem(
    month: Month, facts: MonthFacts | None, current: Month, field: list[str]
) -> DomainError | None:
    if facts is None:
        hint = "it is not over yet" if month >= current else "it has no statement"
        return DomainError(
            ErrorCode.STATEMENT_NOT_GENERATED,
            f"{month} cannot be invoiced: {hint}. Choose months whose statement has been generated.",
            field,
        )
    if facts.in_application:
        return DomainError(
            ErrorCode.MONTH_ALREADY_INVOICED,
            f"{month} is already in an application; remove it, or cancel that application first.",
            field,
        )
    if facts.total_fen == 0:
        return DomainError(
            ErrorCode.NOTHING_TO_INVOICE, f"{month} has nothing that can be invoiced; remove it.", field
        )
    return None


def month_problems(
    months: Sequence[Month], facts: Mapping[Month, MonthFacts], *, current: Month, path: Sequence[str]
) -> list[DomainError]:
    """Every problem with the months asked for.

    Args:
        months: the months in the order given.
        facts: what the server knows of each generated month (missing: not generated).
        current: the current month in CST.
        path: the path of the months input, e.g. ["input", "months"].

    Returns:
        INVALID for no or repeated months; STATEMENT_NOT_GENERATED, MONTH_ALREADY_INVOICED or
        NOTHING_TO_INVOICE for a month, with its index in the path.
    """
    if not months:
        return [DomainError(ErrorCode.INVALID, "Choose at least one month to invoice.", list(path))]
    problems: list[DomainError] = []
    seen: set[Month] = set()
    for index, month in enumerate(months):
        field = [*path, str(index)]
        if month in seen:
            problems.append(DomainError(ErrorCode.INVALID, f"{month} is listed twice; list it once.", field))
            continue
        seen.add(month)
        problem = _month_problem(month, facts.get(month), current, field)
        if problem is not None:
            problems.append(problem)
    return problems


def invoiceable_fen(months: Sequence[Month], facts: Mapping[Month, MonthFacts]) -> tuple[int, int]:
    """The invoiceable (cloud, market) fen of the distinct months that can be applied for."""
    usable = [facts[m] for m in set(months) if m in facts and not facts[m].in_application]
    return sum(f.cloud_fen for f in usable), sum(f.market_fen for f in usable)


def nothing_left_problem(total_fen: int, offset_fen: int, path: Sequence[str]) -> DomainError | None:
    """NOTHING_TO_INVOICE when the invoice deficit takes all of the months' invoiceable total."""
    if offset_fen == 0 or total_fen > offset_fen:
        return None
    return DomainError(
        ErrorCode.NOTHING_TO_INVOICE,
        f"The invoice deficit (cash refunded after it was invoiceable) takes all {format_fen(total_fen)} "
        "of these months: nothing is left to invoice. Add months, or apply once more is billed.",
        list(path),
    )


def amount_problem(confirmed: Decimal, total_fen: int, offset_fen: int = 0) -> DomainError | None:
    """AMOUNT_MISMATCH, stating the server's amount, when the confirmed amount differs from it.

    Args:
        confirmed: the amount the customer confirmed.
        total_fen: the months' invoiceable total.
        offset_fen: what the invoice deficit takes off it.
    """
    amount_fen = total_fen - offset_fen
    if to_fen(confirmed) == amount_fen:
        return None
    if offset_fen:
        what = (
            f"The invoice for these months is {format_fen(amount_fen)} (their invoiceable "
            f"{format_fen(total_fen)} less {format_fen(offset_fen)} of invoice deficit)"
        )
    else:
        what = f"The invoiceable total of these months is {format_fen(amount_fen)}"
    return DomainError(
        ErrorCode.AMOUNT_MISMATCH,
        f"{what}, not {confirmed}; review the amount and confirm it again.",
        ["input", "confirmedAmount"],
    )


def _request_problems(request: ApplicationRequest) -> list[DomainError]:
    problems: list[DomainError] = []
    if not request.accept_terms:
        problems.append(
            DomainError(
                ErrorCode.TERMS_NOT_ACCEPTED,
                "Tick the confirmation box to accept the invoicing terms.",
                ["input", "acceptTerms"],
            )
        )
    remark = check_printed_text(
        trimmed(request.remark),
        ["input", "remark"],
        label="The remark",
        max_length=REMARK_MAX_LENGTH,
        required=False,
    )
    if remark is not None:
        problems.append(remark)
    key = request.idempotency_key
    if key is not None and not 0 < len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        problems.append(
            DomainError(
                ErrorCode.INVALID,
                f"The idempotency key must have 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters.",
                ["input", "idempotencyKey"],
            )
        )
    return problems


def _not_found(found: bool, what: str, field: str) -> list[DomainError]:
    if found:
        return []
    message = f"This account has no such invoice {what}; choose one of its own."
    return [DomainError(ErrorCode.NOT_FOUND, message, ["input", field])]


def _address_problems(address_id: int | None, found: bool) -> list[DomainError]:
    if address_id is None:
        message = "A paper invoice is mailed: choose one of the account's invoice addresses."
        return [DomainError(ErrorCode.ADDRESS_REQUIRED, message, ["input", "addressId"])]
    return _not_found(found, "address", "addressId")


def checked_emails(emails: Sequence[str] | None, path: Sequence[str]) -> tuple[list[str], list[DomainError]]:
    """The normalised recipients of an e-invoice (1 to 5 valid addresses), and every problem.

    Args:
        emails: the addresses given, or None.
        path: the path of the emails input, e.g. ["input", "emails"].

    Returns:
        The addresses with their domains lower-cased, in the order given, and the problems:
        EMAILS_REQUIRED for none, INVALID for more than 5 or a repeated one, INVALID_EMAIL for
        a malformed one (with its index).
    """
    if not emails:
        message = "An e-invoice is sent by e-mail: give 1 to 5 addresses to send it to."
        return [], [DomainError(ErrorCode.EMAILS_REQUIRED, message, list(path))]
    if len(emails) > MAX_EMAILS:
        message = f"{len(emails)} addresses given; send an e-invoice to at most {MAX_EMAILS}."
        return [], [DomainError(ErrorCode.INVALID, message, list(path))]
    found: list[str] = []
    problems: list[DomainError] = []
    for index, given in enumerate(emails):
        field = [*path, str(index)]
        try:
            email = validate_email(given.strip(), check_deliverability=False).normalized
        except EmailNotValidError as error:
            message = f"{given!r} is not an e-mail address ({error}); write it as name@example.com."
            problems.append(DomainError(ErrorCode.INVALID_EMAIL, message, field))
            continue
        if email.lower() in (known.lower() for known in found):
            problems.append(DomainError(ErrorCode.INVALID, f"{email} is listed twice; list it once.", field))
            continue
        found.append(email)
    return found, problems


def _medium_problems(
    request: ApplicationRequest, medium: InvoiceMedium, offered: Sequence[InvoiceMedium]
) -> list[DomainError]:
    if medium not in offered:
        listed = " or ".join(offered)
        message = f"{medium} invoices are not offered here; apply for {listed}."
        return [DomainError(ErrorCode.MEDIUM_NOT_OFFERED, message, ["input", "medium"])]
    if medium is InvoiceMedium.ELECTRONIC:
        return checked_emails(request.emails, ["input", "emails"])[1]
    return []


def application_problems(
    request: ApplicationRequest,
    facts: Mapping[Month, MonthFacts],
    *,
    title_found: bool,
    address_found: bool,
    current: Month,
    medium: InvoiceMedium = InvoiceMedium.PAPER,
    offered: Sequence[InvoiceMedium] = (InvoiceMedium.PAPER,),
    deficit_fen: int = 0,
) -> list[DomainError]:
    """Every reason to refuse an application (SPEC sections 5, 9 and 11); empty when it may be saved.

    Args:
        request: what the customer asked for.
        facts: what the server knows of each generated month asked for.
        title_found: whether the title is the account's.
        address_found: whether the address is the account's (PAPER only).
        current: the current month in CST.
        medium: the medium applied for (the request's, or the server's default).
        offered: the media the server offers.
        deficit_fen: the account's invoice deficit, taken off the months' total first.

    Returns:
        Every problem, each with the path of its input field.
    """
    problems = month_problems(request.months, facts, current=current, path=["input", "months"])
    if not problems:
        total = sum(invoiceable_fen(request.months, facts))
        offset = deficit_offset(deficit_fen, total)
        amount = nothing_left_problem(total, offset, ["input", "months"]) or amount_problem(
            request.confirmed_amount, total, offset
        )
        problems += [amount] if amount else []
    problems += _not_found(title_found, "title", "titleId")
    if medium is InvoiceMedium.PAPER:
        problems += _address_problems(request.address_id, address_found)
    return problems + _medium_problems(request, medium, offered) + _request_problems(request)


def eligibility_problems(
    *,
    has_title: bool,
    has_address: bool,
    invoiceable_fen: int,
    medium: InvoiceMedium = InvoiceMedium.PAPER,
    deficit_fen: int = 0,
) -> list[EligibilityProblem]:
    """What keeps an account from applying (SPEC sections 5 and 11, prerequisites).

    Args:
        has_title: the account has an invoice title.
        has_address: the account has an invoice address (needed for PAPER only).
        invoiceable_fen: what it can invoice of its generated months not yet in an application.
        medium: the medium it would apply for.
        deficit_fen: its invoice deficit, which the next application takes off first.

    Returns:
        The problems, empty when the account can apply.
    """
    problems = []
    if not has_title:
        problems.append(EligibilityProblem.TITLE_REQUIRED)
    if not has_address and medium is InvoiceMedium.PAPER:
        problems.append(EligibilityProblem.ADDRESS_REQUIRED)
    if invoiceable_fen - deficit_fen <= 0:
        problems.append(EligibilityProblem.NOTHING_TO_INVOICE)
    return problems


def application_number(submitted_at: datetime, application_id: int) -> str:
    """The human-readable number of an application, e.g. "IA2026100100000042".

    Args:
        submitted_at: when it was submitted; the date is taken in CST.
        application_id: its row id, which makes the number unique.

    Returns:
        "IA", the submission date as yyyymmdd, and the id padded to eight digits.
    """
    return f"IA{submitted_at.astimezone(CST):%Y%m%d}{application_id:08d}"
