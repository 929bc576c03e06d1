"""Domain errors: raised by service functions with a message a person can act on."""


class DomainError(Exception):
    """A rule said no. The message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the caller may not know it exists."""


class Forbidden(DomainError):
    """The caller may not do this."""
