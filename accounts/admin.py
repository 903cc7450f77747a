"""People and their roles. A coordinator belongs to exactly one body, ministry staff to
none: the database constraint is checked in the forms, so a breach shows as a form error."""

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static import admin as otp_static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.two_factor import second_factor_reset
from core.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import FieldOpts, StrPromise

# Django 5.2's German catalogue lacks the texts of the newer password options; they are
# given here in German so the forms do not switch language halfway.
PASSWORD_LOGIN_CHOICES = [("true", _("aktiviert")), ("false", _("deaktiviert"))]


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]  # Django has it; the stubs lack it
        model = User
        fields = ("username", "role", "municipality")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        usable_password = self.fields.get("usable_password")
        if usable_password is not None:
            usable_password.label = _("Anmeldung mit Passwort")
            usable_password.choices = PASSWORD_LOGIN_CHOICES
            usable_password.help_text = _(
                "Ist sie deaktiviert, kann sich die Person nur über andere Verfahren anmelden, "
                "etwa Single Sign-On."
            )


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]  # Django has it; the stubs lack it
        model = User

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields.get("password")
        if password is not None:
            if self.instance.has_usable_password():
                password.help_text = _("Passwörter werden nicht im Klartext gespeichert; "
                                       "das Passwort der Person lässt sich daher nicht anzeigen.")
            else:
                password.help_text = _("Die Anmeldung mit Passwort ist deaktiviert; "
                                       "sie wird mit dem Setzen eines Passworts aktiviert.")


ROLE_FIELDSET: "tuple[StrPromise, FieldOpts]" = (
    _("Rolle und Gebietskörperschaft"),
    {
        "fields": ("role", "municipality"),
        "description": _("Koordination: genau eine Gebietskörperschaft. Ministeriumspersonal: keine."),
    },
)


# Second-factor devices change only through accounts.two_factor (enrolment by the person, reset
# with an audit entry by the action below); django-otp's own admin pages, which would show keys
# and allow silent edits, are taken out.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
del otp_static_admin, otp_totp_admin  # imported only so their registrations exist before removal


@admin.action(description=_("Zweiten Faktor zurücksetzen (verlorenes Telefon)"), permissions=["change"])
def reset_second_factor(modeladmin, request, queryset):
    reset = 0
    for user in queryset:
        try:
            second_factor_reset(user=user, actor=request.user)
        except DomainError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)
            return
        reset += 1
    modeladmin.message_user(request, ngettext(
        "Der zweite Faktor von %(count)d Person ist zurückgesetzt; sie richtet ihn bei der nächsten Anmeldung "
        "neu ein.",
        "Der zweite Faktor von %(count)d Personen ist zurückgesetzt; sie richten ihn bei der nächsten "
        "Anmeldung neu ein.", reset) % {"count": reset}, messages.SUCCESS)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    actions = [reset_second_factor]
    form = UserEditForm
    add_form = UserCreationForm
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "last_name", "first_name", "role", "municipality", "is_active", "is_staff")
    list_filter = ("role", "municipality", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email", "municipality__name")
    list_select_related = ("municipality",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "phone")}),
        ROLE_FIELDSET,
        (_("Zugang zur Verwaltung"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                                 "user_permissions")}),
        (_("Wichtige Daten"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Person"), {"classes": ("wide",), "fields": ("first_name", "last_name", "email", "phone")}),
        ROLE_FIELDSET,
    )
