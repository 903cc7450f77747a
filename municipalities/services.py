"""Changes the ministry makes to a body's or court's maintained data (postal address, bank
details) in the admin: saved and written to the audit trail with before → after."""

from django.db import models, transaction

from audit.services import audit_log


def maintained_data_save(*, obj: models.Model, fields: list[str], user) -> models.Model:
    """Save `fields` of a body or court (already validated by the admin's form) and audit the change.
    IBANs are audited like every other field: the trail must show who changed where money goes."""
    if not fields:
        return obj
    model = type(obj)
    with transaction.atomic():
        before = model._default_manager.select_for_update().get(pk=obj.pk)
        changes = {name: [getattr(before, name), getattr(obj, name)] for name in fields
                   if getattr(before, name) != getattr(obj, name)}
        if not changes:
            return obj
        obj.save(update_fields=list(changes))
        audit_log(actor=user, action=f"municipalities.{model._meta.model_name}.updated", target=obj, changes=changes)
    return obj
