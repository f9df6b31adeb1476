"""Domain errors: services raise these; one handler turns them into HTTP answers."""


class DomainError(Exception):
    """A rule of the service was broken; the message says what to fix."""

    status_code = 400
    code = "bad-request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """Missing, or outside the caller's organisation: the two look the same on purpose."""

    status_code = 404
    code = "not-found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidInput(DomainError):
    status_code = 422
    code = "invalid"


class NotSignedIn(DomainError):
    status_code = 401
    code = "not-signed-in"
