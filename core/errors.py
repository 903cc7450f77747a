"""Domain errors: every refusal of a service, with a German message for the user.

Messages are translated when the error is raised (`gettext`), so `message` is always a
plain `str` in the language active at that moment; a lazy string passed in is resolved.
"""

from django.utils.translation import gettext_lazy


class DomainError(Exception):
    """A rule refused the action. `message` is shown to the user as it is."""

    def __init__(self, message: str):
        message = str(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotPermitted(DomainError):
    """The person may not do this (role, own body, four-eyes)."""


class InvalidTransition(DomainError):
    """The object is not in a state that allows this action."""


class BudgetExceeded(DomainError):
    """An award or payment would exceed a budget or an awarded amount."""


class FieldErrors(DomainError):
    """Input breaks rules; `errors` maps a field key to its messages, so a form can
    show each message beside the field that is wrong."""

    summary = gettext_lazy("Die Angaben sind nicht zulässig:")

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = {key: [str(message) for message in messages] for key, messages in errors.items()}
        lines = [message for messages in self.errors.values() for message in messages]
        super().__init__(f"{self.summary} " + " ".join(lines))


class PlanInvalid(FieldErrors):
    """The financing plan breaks rules. Field keys: "period", "plan", "year-2023",
    "expenditure-2023-<category code>", "positions-2023-<category code>",
    "financing-2023-<source>"."""

    summary = gettext_lazy("Der Finanzierungsplan ist nicht zulässig:")
