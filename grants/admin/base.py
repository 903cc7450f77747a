"""Building blocks of the grants admin: read-only admins for issued records, German money
and date columns, links to related objects, the object's audit trail, and forms whose rules
come from a service.

The admin is the ministry's fallback tool. It never changes a status, an amount or a number
by hand: records that services write are shown read-only; the few editable things that a
service owns (a budget, a notice's ceremony) are saved through that service.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from audit.selectors import audit_entries_for
from core.errors import DomainError
from core.formats import format_date, format_datetime
from core.money import format_eur

# What the admin shows for "no value". Read-only fields would print a returned None as
# "None", so the display helpers return this instead.
EMPTY = "-"  # as the admin site shows it


def _follow(obj, path: str):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def admin_link(obj):
    """A link to the object's admin page, or its name when it has none."""
    if obj is None:
        return EMPTY
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(obj)
    return format_html('<a href="{}">{}</a>', url, obj)


def money_column(path: str, description):
    """A column or read-only field showing an amount as `500.000,00 €`."""

    def display(obj):
        value = _follow(obj, path)
        return EMPTY if value is None else format_eur(value)

    display.__name__ = f"{path}_eur"
    return admin.display(description=description, ordering=path)(display)


def date_column(path: str, description):
    """A column or read-only field showing a date or time in German notation."""

    def display(obj):
        value = _follow(obj, path)
        if value is None:
            return EMPTY
        return (format_datetime(value) if hasattr(value, "hour") else format_date(value)) or EMPTY

    display.__name__ = f"{path}_de"
    return admin.display(description=description, ordering=path)(display)


def link_column(path: str, description, ordering: str | None = None):
    """A column or read-only field linking to a related object, with a German label
    (some relations carry no verbose_name on the model)."""

    def display(obj):
        return admin_link(_follow(obj, path))

    display.__name__ = f"{path}_link"
    return admin.display(description=description, ordering=ordering or path)(display)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Records written only by services: shown here, never added, changed or deleted.

    Subclasses declare `fields` or `fieldsets`; every one of them is read-only.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if self.fieldsets:
            return flatten_fieldsets(self.fieldsets)
        if self.fields:
            return list(self.fields)
        return [field.name for field in self.opts.concrete_fields]


class ReadOnlyTabularInline(admin.TabularInline):
    """Rows shown on their parent's page; they are changed only through services."""

    extra = 0
    can_delete = False
    #: The related rows every line shows (a person, a category): read with the lines, not one
    #: query per line (an application with 400 comments would otherwise run 400 queries).
    related: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.related) if self.related else queryset

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return list(self.fields or ())


def _entry_link(entry):
    try:
        url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    except NoReverseMatch:
        return entry.action
    return format_html('<a href="{}">{}</a>', url, entry.action)


AUDIT_TRAIL_ENTRIES = 100


class AuditTrailMixin:
    """Adds `audit_trail`: the object's protocol entries, oldest first, on its admin page."""

    @admin.display(description=_("Protokoll"))
    def audit_trail(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        # The latest entries; a long history (thousands of entries) is read in the protocol's list.
        entries = list(audit_entries_for(obj).order_by("-created_at", "-pk")[:AUDIT_TRAIL_ENTRIES])[::-1]
        if not entries:
            return EMPTY
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((format_datetime(entry.created_at) or EMPTY, entry.actor or "–", _entry_link(entry)) for entry in entries),
        )
        table = format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Zeitpunkt"), _("Person"), _("Vorgang"), rows,
        )
        if len(entries) < AUDIT_TRAIL_ENTRIES:
            return table
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        url = reverse("admin:audit_auditentry_changelist") + "?" + urlencode(
            {"content_type__id__exact": content_type.pk, "object_id": obj.pk})
        return format_html('{}<p><a href="{}">{}</a></p>', table, url,
                           _("Die letzten %(n)s Einträge; alle Einträge im Protokoll") % {"n": AUDIT_TRAIL_ENTRIES})


class ServiceForm(forms.ModelForm):
    """A ModelForm whose clean() checks a service's rules for the person at the keyboard.

    `request_user` is set by `ServiceModelAdmin.get_form`; the admin's save_model then
    calls the service, so the rules hold and the change lands in the audit trail.
    """

    request_user = None


class ServiceModelAdmin(admin.ModelAdmin):
    """An admin whose saves go through a service (see `ServiceForm`).

    The form's clean() reports every refusal it can foresee beside the field, keeping
    the input. Should the service still refuse (a rule changed in between), the
    transaction is rolled back and the refusal is shown as a message: never a 500.
    """

    form = ServiceForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user  # modelform_factory made a fresh class for this request
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
