"""What every view of the grants app shares: capability checks and error handling."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect

from core.errors import DomainError, FieldErrors
from grants.services.guards import CAPABILITY_REFUSALS


def require(user, capability: str) -> None:
    """403 with the German reason when the user lacks the capability."""
    if not user.can(capability):
        raise PermissionDenied(CAPABILITY_REFUSALS[capability])


def apply_domain_error(error: DomainError, *forms, request=None) -> None:
    """Show a service's refusal where it belongs: field errors beside their fields (in the
    first form that has the field), everything else as a form-wide error or message."""
    if isinstance(error, FieldErrors):
        for key, field_messages in error.errors.items():
            target = next((form for form in forms if key in form.fields), None)
            for message in field_messages:
                if target is not None:
                    target.add_error(key, message)
                elif forms:
                    forms[0].add_error(None, message)
                elif request is not None:
                    messages.error(request, message)
        return
    if forms:
        forms[0].add_error(None, error.message)
    elif request is not None:
        messages.error(request, error.message)


def run_form_action(request, form, action: Callable[[dict], object], *, success: str, application) -> HttpResponse | None:
    """The shape of every action form: on a valid POST run the service with the cleaned data;
    a refusal lands on the form (everything typed stays), success is a message and a redirect
    to the application. Returns the redirect, or None when the form is to be shown (again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        action(form.cleaned_data)
    except DomainError as error:
        apply_domain_error(error, form)
        return None
    messages.success(request, success)
    return redirect("grants:application_detail", pk=application.pk)
