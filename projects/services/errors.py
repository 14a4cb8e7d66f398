"""Errors a service raises with a message the user can read (Chinese)."""

from __future__ import annotations


class ApplicationError(Exception):
    """The request cannot be carried out; `message` says why, `field` names the input if any."""

    def __init__(self, message: str, *, field: str | None = None, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.reasons = reasons or []


class TransitionNotAllowed(ApplicationError):
    pass


class QuotaFull(ApplicationError):
    pass
