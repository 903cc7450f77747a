"""Forms for issuing notices and for a handover ceremony's notices.

The forms only read input; whether a notice may be issued (status, four-eyes, one award
notice per award) is decided by grants/services/notices.py, whose FieldErrors ("changes")
land beside the field of the same name.
"""

from typing import cast
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock
from core.errors import NotPermitted
from core.formats import format_date
from core.forms import GermanDateField
from grants.models import ApplicationStatus, HandoverCeremony, Notice, NoticeDelivery
from grants.policies.early_start import refuse_early_start_missing

K = Notice.Kind


def address_edit_url(application) -> str | None:
    """Where the incomplete address that keeps a notice from being issued is edited (the
    admin's page of the body or of its court); None when both addresses are complete."""
    body = application.municipality
    if body.address_missing:
        return reverse("admin:municipalities_municipality_change", args=[body.pk])
    if body.administrative_court.address_missing:
        return reverse("admin:municipalities_administrativecourt_change", args=[body.administrative_court_id])
    return None


def _notice_label(notice: Notice) -> str:
    return gettext("%(kind)s %(number)s vom %(date)s") % {
        "kind": notice.get_kind_display(), "number": notice.number, "date": format_date(notice.issued_on)}


def next_notice_kind(application, notices) -> str | None:
    """The kind of notice that comes next for the application: the Zuwendungsbescheid of an
    award, then Änderungsbescheide; the Ablehnungsbescheid of a rejection."""
    kinds = {notice.kind for notice in notices}
    if application.status == ApplicationStatus.APPROVED:
        return K.AMENDMENT if K.AWARD in kinds else K.AWARD
    if application.status == ApplicationStatus.REJECTED and K.REJECTION not in kinds:
        return K.REJECTION
    return None


def _ceremony_notice_label(notice: Notice) -> str:
    return (f"{notice.number} – {notice.application.municipality.display_name}, {notice.get_kind_display()} "
            f"({format_date(notice.issued_on)})")


class NoticeIssueForm(forms.Form):
    """Date and ceremony of a notice about to be issued; for an Änderungsbescheid also the
    notice it changes and what changes."""

    issued_on = GermanDateField(
        label=_("Bescheiddatum"), help_text=_("z. B. 29.10.2021"),
        error_messages={"required": _("Bitte das Bescheiddatum angeben.")})
    ceremony = forms.ModelChoiceField(
        label=_("Bescheidübergabe (optional)"), required=False, queryset=HandoverCeremony.objects.none(),
        empty_label=_("– keine Übergabe –"),
        help_text=_("Wird der Bescheid bei einer öffentlichen Übergabe überreicht?"))
    refers_to = forms.ModelChoiceField(
        label=_("Geänderter Bescheid"), queryset=Notice.objects.none(), empty_label=None,
        error_messages={"invalid_choice": _("Bitte einen Bescheid dieses Antrags wählen.")})
    changes = forms.CharField(
        label=_("Was ändert sich?"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Erscheint so im Änderungsbescheid."),
        error_messages={"required": _("Bitte angeben, was der Änderungsbescheid ändert.")})

    def __init__(self, *args, application, kind: str, notices: list[Notice] | None = None, **kwargs):
        """`notices`: the application's issued notices where the caller has them already (the
        choices of an Änderungsbescheid are then offered from them; a posted choice is still
        checked against the database)."""
        kwargs.setdefault("auto_id", "bescheid_%s")
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.referable_first: Notice | None = None  # an Änderungsbescheid's default choice
        self.fields["issued_on"].initial = clock.today()
        ceremony = cast(forms.ModelChoiceField, self.fields["ceremony"])
        ceremony.queryset = HandoverCeremony.objects.order_by("-date", "-pk")
        if kind == K.AMENDMENT:
            referable = (application.notices.exclude(kind=K.REJECTION).defer("pdf", "snapshot")
                         .order_by("-issued_on", "-number"))
            refers_to = cast(forms.ModelChoiceField, self.fields["refers_to"])
            refers_to.queryset = referable
            # A function in place of the method, for this field only; the stubs allow only a method there.
            refers_to.label_from_instance = _notice_label  # type: ignore[method-assign,assignment]
            if notices is None:
                first = referable.first()
            else:
                offered = sorted((n for n in notices if n.kind != K.REJECTION),
                                 key=lambda n: (n.issued_on, n.number), reverse=True)
                refers_to.choices = [(n.pk, _notice_label(n)) for n in offered]
                first = offered[0] if offered else None
            self.referable_first = first
            refers_to.initial = first.pk if first else None
        else:
            del self.fields["refers_to"]
            del self.fields["changes"]

    def page_context(self, application, refusal) -> dict:
        """What the issue form's template shows: the kind, the four-eyes refusal (the button is
        then disabled with the reason), where it posts and the preview of the notice."""
        kind = self.kind
        preview = {"art": kind}
        if kind == K.AMENDMENT and self["refers_to"].value():
            preview["bezug"] = self["refers_to"].value()
        return {
            "notice_early_start_url": _early_start_url(application, kind, refusal),
            "notice_kind": kind,
            "notice_kind_label": K(kind).label,
            "notice_form": self,
            "notice_refusal": refusal,
            "notice_address_edit_url": address_edit_url(application) if refusal else None,
            # Four eyes: another person may issue it (an open Änderungsantrag bars everyone).
            "notice_four_eyes": refusal is not None and issubclass(refusal.error, NotPermitted),
            "notice_issue_url": f"{reverse('grants:notice_issue', args=[application.pk])}?{urlencode({'art': kind})}",
            "notice_preview_url": f"{reverse('grants:notice_preview', args=[application.pk])}?{urlencode(preview)}",
        }

    def service_data(self) -> dict:
        """The keyword arguments of `notice_issue` this form supplies."""
        data = {"issued_on": self.cleaned_data["issued_on"], "ceremony": self.cleaned_data["ceremony"]}
        if self.kind == K.AMENDMENT:
            data.update(refers_to=self.cleaned_data["refers_to"], changes=self.cleaned_data["changes"])
        return data


def _early_start_url(application, kind: str, refusal) -> str:
    """Where to record the consent to an early start, when that is what keeps the notice back."""
    award = getattr(application, "award", None)
    if refusal is None or kind != K.AWARD or award is None:
        return ""
    missing = refuse_early_start_missing(application, award.period_start, clock.today())
    if missing is None or missing.reason != refusal.reason:
        return ""
    return reverse("grants:early_start_record", args=[application.pk])


class CeremonyAttachForm(forms.Form):
    """Choose an issued notice without a ceremony; once the ceremony has notices, only
    notices of the same programme period are offered."""

    notice = forms.ModelChoiceField(
        label=_("Bescheid"), queryset=Notice.objects.none(), empty_label=_("– Bescheid wählen –"),
        error_messages={"required": _("Bitte einen Bescheid wählen."),
                        "invalid_choice": _("Dieser Bescheid kann dieser Übergabe nicht zugeordnet werden.")})

    def __init__(self, *args, ceremony: HandoverCeremony, **kwargs):
        kwargs.setdefault("auto_id", "zuordnen_%s")
        super().__init__(*args, **kwargs)
        candidates = (Notice.objects.filter(ceremony__isnull=True).select_related("application__municipality")
                      .defer("pdf", "snapshot").order_by("-issued_on", "number"))
        programmes = ceremony.notices.values("application__programme")
        if programmes.exists():
            candidates = candidates.filter(application__programme__in=programmes)
        notice = cast(forms.ModelChoiceField, self.fields["notice"])
        notice.queryset = candidates
        # A function in place of the method, for this field only; the stubs allow only a method there.
        notice.label_from_instance = _ceremony_notice_label  # type: ignore[method-assign,assignment]


class NoticeDeliveryForm(forms.Form):
    """How the notice was notified; a correction of an earlier entry gives its reason."""

    method = forms.ChoiceField(label=_("Art der Bekanntgabe"), choices=[
        (NoticeDelivery.Method.POST, _("Versand mit der Post (Tag der Aufgabe zur Post)")),
        (NoticeDelivery.Method.ELECTRONIC, _("Elektronischer Abruf (Tag des Abrufs)")),
    ])
    event_on = GermanDateField(label=_("Datum"), help_text=_("z. B. 28.10.2021"))
    correction_reason = forms.CharField(label=_("Grund der Berichtigung"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}),
                                        help_text=_("Nur wenn eine bereits erfasste Bekanntgabe berichtigt wird."))


class RemedyWaiverForm(forms.Form):
    declared_on = GermanDateField(label=_("Verzicht erklärt am"), help_text=_("z. B. 03.11.2021"))
    declared_by_name = forms.CharField(label=_("erklärt von (Name, Funktion)"), max_length=200)
