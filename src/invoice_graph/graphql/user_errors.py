"""userErrors: what a mutation refused, with a code, the input field at fault and what to do."""

import strawberry

from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError

UserErrorCode = strawberry.enum(ErrorCode, name="UserErrorCode", description="Why a mutation was refused.")


@strawberry.type(description="A problem with a mutation's input; nothing was saved.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "months", "2"].'
    )
    code: ErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="What went wrong and what to do about it.")

    @classmethod
    def from_domain(cls, error: DomainError) -> "UserError":
        """The userError for a domain error."""
        return cls(field=error.field, code=error.code, message=error.message)


def user_errors(error: DomainError | InvalidInputError) -> list[UserError]:
    """The userErrors for one domain error or several."""
    errors = error.errors if isinstance(error, InvalidInputError) else [error]
    return [UserError.from_domain(item) for item in errors]
