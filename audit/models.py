from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock
from core.formats import format_datetime


class AuditEntryError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEntryError(gettext("Protokolleinträge können nicht geändert werden."))

    def delete(self):
        raise AuditEntryError(gettext("Protokolleinträge können nicht gelöscht werden."))


class AuditEntry(models.Model):
    """One thing that happened to an object: who, when, what, before → after.

    Append-only: an entry is written once by `audit.services.audit_log` and never
    changed or deleted (the model refuses both; the admin shows entries read-only).
    """

    created_at = models.DateTimeField(_("Zeitpunkt"), default=clock.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("Vorgang"), max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("Objektart"))
    object_id = models.PositiveBigIntegerField(_("Objekt-ID"))
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("Objekt"), max_length=200)
    changes = models.JSONField(
        _("Änderungen"), default=dict, blank=True, encoder=DjangoJSONEncoder,
        help_text=_("Feld → [vorher, nachher]"),
    )
    data = models.JSONField(_("Details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # The case file the entry belongs to: the id of the grants application whose award, notices,
    # payments, proofs, reclaims and amendments the object is part of (None outside a case). The
    # case history reads all of it with one indexed query instead of one query per kind of object.
    case_id = models.PositiveBigIntegerField(_("Vorgang (Antrag)"), null=True, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"]),
                   models.Index(fields=["case_id", "created_at"], name="audit_case_timeline")]

    def __str__(self) -> str:
        return f"{format_datetime(self.created_at)} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditEntryError(gettext("Protokolleinträge können nicht geändert werden."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryError(gettext("Protokolleinträge können nicht gelöscht werden."))
