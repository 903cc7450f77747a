from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import clock
from core.formats import format_date
from grants.models.applications import Application
from grants.models.awards import Award


class IssuedRecordError(Exception):
    pass


class IssuedQuerySet(models.QuerySet):
    """Bulk changes would bypass the record's own guards; issued records refuse them."""

    def update(self, **kwargs):
        if set(kwargs) - {"ceremony", "ceremony_id"}:
            raise IssuedRecordError(gettext("Erlassene Bescheide können nicht geändert werden."))
        return super().update(**kwargs)

    def delete(self):
        raise IssuedRecordError(gettext("Erlassene Bescheide können nicht gelöscht werden."))


class HandoverCeremony(models.Model):
    """A public handover of notices, e.g. 29.10.2021 in Eschwege by Staatssekretärin Anne Janz."""

    date = models.DateField(_("Datum"))
    place = models.CharField(_("Ort"), max_length=200)
    official_title = models.CharField(_("Amtsbezeichnung"), max_length=200,
                                      help_text=_("z. B. Staatssekretärin"))
    official_name = models.CharField(_("Name der überreichenden Person"), max_length=200)
    note = models.TextField(_("Anmerkung"), blank=True)

    class Meta:
        verbose_name = _("Bescheidübergabe")
        verbose_name_plural = _("Bescheidübergaben")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{format_date(self.date)}, {self.place} ({self.official_title} {self.official_name})"


class Notice(models.Model):
    """A Bescheid as a record: kind, number, date, ceremony (the PDF comes with the notices issue).

    Once written, a notice never changes except for attaching it to a handover ceremony;
    it is never deleted. A correction is a new Änderungsbescheid that refers to it.
    """

    class Kind(models.TextChoices):
        AWARD = "zuwendung", pgettext_lazy("Bescheidart", "Zuwendungsbescheid")
        REJECTION = "ablehnung", pgettext_lazy("Bescheidart", "Ablehnungsbescheid")
        AMENDMENT = "aenderung", pgettext_lazy("Bescheidart", "Änderungsbescheid")
        RECLAIM = "rueckforderung", pgettext_lazy("Bescheidart", "Rückforderungsbescheid")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("Bescheidnummer"), max_length=60, unique=True)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notices",
                                    verbose_name=_("Antrag"))
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="notices", null=True, blank=True,
                              verbose_name=_("Zuwendung"))
    refers_to = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="amendments", verbose_name=_("ändert Bescheid"))
    issued_on = models.DateField(_("Bescheiddatum"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("erlassen von"))
    ceremony = models.ForeignKey(HandoverCeremony, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="notices", verbose_name=_("Bescheidübergabe"))
    pdf = models.BinaryField(_("PDF"), editable=False, default=bytes)
    sha256 = models.CharField(_("SHA-256 des PDF"), max_length=64, editable=False, default="")
    snapshot = models.JSONField(_("gedruckte Angaben"), editable=False, default=dict,
                                help_text=_("Jedes im Bescheid gedruckte Datum, wie es beim Erlass galt."))
    created_at = models.DateTimeField(_("erfasst am"), default=clock.now, editable=False)
    # The authority's electronic seal over `pdf` (grants/notices/seal.py); empty: issued unsealed.
    sealed_at = models.DateTimeField(_("gesiegelt am"), null=True, blank=True, editable=False)
    seal_subject = models.CharField(_("Inhaber des Siegelzertifikats"), max_length=500, blank=True, editable=False)
    seal_serial = models.CharField(_("Seriennummer des Siegelzertifikats"), max_length=80, blank=True,
                                   editable=False)
    seal_fingerprint = models.CharField(_("SHA-256 des Siegelzertifikats"), max_length=64, blank=True,
                                        editable=False)
    seal_test = models.BooleanField(_("Testsiegel"), default=False, editable=False,
                                    help_text=_("Mit einem Testzertifikat gesiegelt – nicht für den Rechtsverkehr."))

    objects = IssuedQuerySet.as_manager()

    # The only field that may change after issuing.
    MUTABLE_FIELDS = frozenset({"ceremony"})

    class Meta:
        verbose_name = _("Bescheid")
        verbose_name_plural = _("Bescheide")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.CheckConstraint(
                name="notice_award_kinds_have_award",
                condition=Q(kind="ablehnung") | Q(award__isnull=False),
                violation_error_message=_("Zuwendungs-, Änderungs- und Rückforderungsbescheide gehören zu einer "
                                          "Zuwendung."),
            ),
            models.CheckConstraint(
                name="notice_amendment_refers_to_earlier",
                condition=~Q(kind="aenderung") | Q(refers_to__isnull=False),
                violation_error_message=_("Ein Änderungsbescheid muss auf den geänderten Bescheid verweisen."),
            ),
            models.CheckConstraint(
                name="notice_seal_complete",
                condition=(Q(sealed_at__isnull=True, seal_fingerprint="", seal_test=False)
                           | (Q(sealed_at__isnull=False) & ~Q(seal_fingerprint=""))),
                violation_error_message=_("Ein gesiegelter Bescheid nennt Zeitpunkt und Zertifikat des Siegels."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values().first()
            if stored is not None:
                changed = {
                    field.attname
                    for field in self._meta.concrete_fields
                    if stored[field.attname] != getattr(self, field.attname)
                }
                if changed - {f"{name}_id" for name in self.MUTABLE_FIELDS} - self.MUTABLE_FIELDS:
                    raise IssuedRecordError(gettext(
                        "Ein erlassener Bescheid kann nicht geändert werden; "
                        "eine Korrektur ist ein neuer Änderungsbescheid."
                    ))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedRecordError(gettext("Ein erlassener Bescheid kann nicht gelöscht werden."))

    @property
    def audit_case_id(self) -> int | None:
        """The case file (application) its audit entries belong to."""
        return self.application_id

    @property
    def sealed(self) -> bool:
        return self.sealed_at is not None


class AppendOnlyQuerySet(models.QuerySet):
    """Records of what happened to an issued notice are corrected by a new record, never changed."""

    def update(self, **kwargs):
        raise IssuedRecordError(str(self.model.change_refused))

    def delete(self):
        raise IssuedRecordError(str(self.model.delete_refused))


class AppendOnlyModel(models.Model):
    """A record written once and never changed or deleted, neither one by one nor in bulk (on
    PostgreSQL a trigger of its migration refuses it too)."""

    #: What a refused change or deletion says; a record may say it in its own words.
    change_refused = _("Dieser Eintrag kann nicht geändert werden; bitte eine Berichtigung erfassen.")
    delete_refused = _("Dieser Eintrag kann nicht gelöscht werden; bitte eine Berichtigung erfassen.")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            raise IssuedRecordError(str(self.change_refused))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedRecordError(str(self.delete_refused))


class NoticeDelivery(AppendOnlyModel):
    """How and when a notice was notified (Bekanntgabe, § 41 HVwVfG). The notice itself stays as
    issued; its notification is recorded beside it. Append-only: the latest entry of a notice is
    the valid one, a correction is a new entry with its reason (and an audit entry)."""

    class Method(models.TextChoices):
        CEREMONY = "uebergabe", pgettext_lazy("Bekanntgabe", "Übergabe bei einer Bescheidübergabe")
        POST = "post", pgettext_lazy("Bekanntgabe", "Versand mit der Post")
        ELECTRONIC = "elektronisch", pgettext_lazy("Bekanntgabe", "Elektronischer Abruf")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="deliveries",
                               verbose_name=_("Bescheid"))
    method = models.CharField(_("Art der Bekanntgabe"), max_length=20, choices=Method.choices)
    event_on = models.DateField(_("Tag der Übergabe, Aufgabe zur Post oder des Abrufs"))
    notified_on = models.DateField(_("Tag der Bekanntgabe"))
    ceremony = models.ForeignKey(HandoverCeremony, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("Bescheidübergabe"))
    correction_reason = models.TextField(_("Grund der Berichtigung"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("erfasst von"))
    recorded_at = models.DateTimeField(_("erfasst am"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("Bekanntgabe")
        verbose_name_plural = _("Bekanntgaben")
        ordering = ["notice", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="delivery_notified_not_before_event",
                                   condition=Q(notified_on__gte=models.F("event_on"))),
        ]

    def __str__(self) -> str:
        return f"{self.notice}: {self.get_method_display()}, {format_date(self.notified_on)}"


class RemedyWaiver(AppendOnlyModel):
    """A Rechtsbehelfsverzicht: the recipient waives any action against the notice, which then
    becomes final at once. Recorded by the body's coordinator or by ministry staff; one per
    notice (a waiver cannot be taken back)."""

    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="waiver",
                                  verbose_name=_("Bescheid"))
    declared_on = models.DateField(_("Verzicht erklärt am"))
    declared_by_name = models.CharField(_("erklärt von (Name, Funktion)"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("erfasst von"))
    recorded_at = models.DateTimeField(_("erfasst am"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("Rechtsbehelfsverzicht")
        verbose_name_plural = _("Rechtsbehelfsverzichte")

    def __str__(self) -> str:
        return f"{self.notice}: Rechtsbehelfsverzicht vom {format_date(self.declared_on)}"
