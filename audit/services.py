from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AuditEntry


def audit_log(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict | None = None,
    data: dict | None = None,
) -> AuditEntry:
    """Append an entry; `action` is a namespaced code such as "grants.application.submitted".

    An object that belongs to a case file names it by an `audit_case_id` attribute (the
    application's id); the entry is stored with it, so the case history is one query."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        object_id=target.pk,
        object_repr=str(target)[:200],
        case_id=getattr(target, "audit_case_id", None),
        changes=changes or {},
        data=data or {},
    )
