"""Writes made in the Django admin to data that has no domain service of its own (programme
settings, issuing authorities, general conditions, handover ceremonies, people, the bodies'
maintained data): each add, change and delete is saved in one transaction together with an
audit entry `<app>.<model>.created|updated|deleted` of before → after. Records that services
write (applications, awards, notices, payments, reclaims, base rates, the audit trail) are
read-only in the admin instead."""

from django.db import models, transaction

from audit.services import audit_log


def _plain(value):
    """A value as the audit trail stores it (JSON): model instances by their key."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


# Never written to the trail, not even hashed.
_SECRET_FIELDS = frozenset({"password"})


def _concrete(model: type[models.Model], names) -> list[str]:
    concrete = {field.name for field in model._meta.concrete_fields
                if not field.primary_key and field.name not in _SECRET_FIELDS}
    return [name for name in names if name in concrete]


def _action(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"


def admin_save(*, obj: models.Model, fields, user, created: bool) -> models.Model:
    """Save `obj` (validated by the admin's form; `fields` are the form's changed fields)."""
    model = type(obj)
    with transaction.atomic():
        if created:
            obj.save()
            names = _concrete(model, [field.name for field in model._meta.concrete_fields])
            changes = {name: [None, _plain(getattr(obj, name))] for name in names
                       if getattr(obj, name) not in (None, "")}
            audit_log(actor=user, action=_action(obj, "created"), target=obj, changes=changes)
            return obj
        before = model._default_manager.select_for_update().get(pk=obj.pk)
        changes = {name: [_plain(getattr(before, name)), _plain(getattr(obj, name))]
                   for name in _concrete(model, fields) if getattr(before, name) != getattr(obj, name)}
        others = sorted(set(fields) - set(_concrete(model, fields)))
        if not changes and not others:
            return obj
        if changes:
            obj.save(update_fields=list(changes))
        audit_log(actor=user, action=_action(obj, "updated"), target=obj, changes=changes,
                  data={"also_changed": others} if others else None)
    return obj


def admin_delete(*, obj: models.Model, user) -> None:
    model = type(obj)
    with transaction.atomic():
        names = _concrete(model, [field.name for field in model._meta.concrete_fields])
        audit_log(actor=user, action=_action(obj, "deleted"), target=obj,
                  changes={name: [_plain(getattr(obj, name)), None] for name in names})
        obj.delete()


class AuditedAdminMixin:
    """A ModelAdmin whose every write (the object, its inlines, deletions) goes through
    admin_save / admin_delete, so it lands in the audit trail."""

    def save_model(self, request, obj, form, change):
        admin_save(obj=obj, fields=form.changed_data, user=request.user, created=not change)

    def delete_model(self, request, obj):
        admin_delete(obj=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                admin_delete(obj=obj, user=request.user)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            formset.save(commit=False)
            for obj in formset.deleted_objects:
                admin_delete(obj=obj, user=request.user)
            for obj, fields in formset.changed_objects:
                admin_save(obj=obj, fields=fields, user=request.user, created=False)
            for obj in formset.new_objects:
                admin_save(obj=obj, fields=(), user=request.user, created=True)
            formset.save_m2m()
