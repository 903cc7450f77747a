from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """One stored file. Every file the application keeps has a row here, written in the same
    transaction as the record that refers to it (an attachment, a Sachbericht): a rollback leaves
    neither. The bytes lie in `content` (backend "database") or in the S3 bucket under `name`
    (backend "s3", `content` empty); `sha256` and `size` are those of the bytes either way."""

    class Backend(models.TextChoices):
        DATABASE = "database", _("Datenbank")
        S3 = "s3", _("S3-Objektspeicher")

    name = models.CharField(_("Name"), max_length=255, unique=True)
    backend = models.CharField(_("Ablage"), max_length=10, choices=Backend.choices, default=Backend.DATABASE)
    content = models.BinaryField(_("Inhalt"), default=bytes, editable=False)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("gespeichert am"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("gespeicherte Datei")
        verbose_name_plural = _("gespeicherte Dateien")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(name="stored_file_backend_known", condition=Q(backend__in=["database", "s3"])),
        ]

    def __str__(self) -> str:
        return self.name
