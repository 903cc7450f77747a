"""Changes the ministry makes to a body's or court's maintained data (postal address, bank
details) in the admin: saved and written to the audit trail with before → after."""

from django.db import models

from audit.admin_writes import admin_save


def maintained_data_save(*, obj: models.Model, fields: list[str], user) -> models.Model:
    """Save `fields` of a body or court (already validated by the admin's form) and audit the change.
    IBANs are audited like every other field: the trail must show who changed where money goes."""
    return admin_save(obj=obj, fields=fields, user=user, created=False)
