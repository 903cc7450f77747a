from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from audit.models import AuditEntry


def audit_entries_for(target: models.Model) -> QuerySet[AuditEntry]:
    """The object's history, oldest first, with the actors loaded."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        object_id=target.pk,
    ).select_related("actor")
