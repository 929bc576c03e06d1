"""Errors raised by service functions."""


class DomainError(Exception):
    """A rule said no. The message is shown to the user as it is."""

    confirmable = False  # True for a refusal the person may override by confirming (limits.LimitWarning)

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class AccessError(Exception):
    """Not a rule but access: the app answers with an error page, never a form message."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(AccessError):
    """The object does not exist, or the caller may not know it exists (404)."""


class Forbidden(AccessError):
    """The caller may not do this (403)."""
