"""Attachments: upload by the coordinator, download only through a checked view."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core.errors import DomainError
from core.uploads import pdf_download_response
from grants.selectors.scoping import get_application_for_user, get_attachment_for_user
from grants.services.applications import attachment_add, attachment_remove
from grants.views.common import AuthenticatedRequest, require


def _back(request, application):
    """Back to the form the upload came from (the application form or the detail page)."""
    if request.POST.get("return_to") == "edit" and application.is_editable:
        return redirect("grants:application_edit", pk=application.pk)
    return redirect("grants:application_detail", pk=application.pk)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("PDF-Datei"))
    description = forms.CharField(label=gettext_lazy("Beschreibung"), max_length=200, required=False)


def upload_chosen_file(request: AuthenticatedRequest, application) -> bool:
    """Attach the PDF chosen in the request (field `file`) to the application; the outcome, and
    every reason for a refusal, as a message. True when it was attached."""
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                # ErrorList yields its messages as str; the stubs type its items as ValidationError | str.
                messages.error(request, error)  # type: ignore[arg-type]
        return False
    upload = form.cleaned_data["file"]
    # Read at most one byte past the limit: enough for the service to refuse it.
    content = upload.read(settings.MAX_UPLOAD_BYTES + 1)
    try:
        attachment_add(application=application, user=request.user, name=upload.name, content=content,
                       description=form.cleaned_data["description"])
    except DomainError as error:
        for message in getattr(error, "errors", {}).get("file", [error.message]):
            messages.error(request, message)
        return False
    messages.success(request, _("Die Anlage „%(name)s“ ist hochgeladen.") % {"name": upload.name})
    return True


def remove_attachment(request: AuthenticatedRequest, attachment) -> None:
    """Remove the attachment; the outcome as a message."""
    try:
        attachment_remove(attachment=attachment, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Anlage „%(name)s“ ist entfernt.") % {"name": attachment.original_name})


@require_POST
def attachment_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    upload_chosen_file(request, application)
    return _back(request, application)


def attachment_download(request: AuthenticatedRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    attachment = get_attachment_for_user(request.user, pk, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Die Datei ist nicht mehr vorhanden.")) from None
    return pdf_download_response(handle, attachment.original_name)


@require_POST
def attachment_delete(request: AuthenticatedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    require(request.user, Capability.APPLY)
    attachment = get_attachment_for_user(request.user, pk, attachment_pk)
    application = attachment.application
    remove_attachment(request, attachment)
    return _back(request, application)
