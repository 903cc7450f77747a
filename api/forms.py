from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from core.forms import GermanDateField


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Bezeichnung"), max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("Wofür der Schlüssel ist, z. B. „Haushaltssystem“ oder „Auswertung Referat II 5“."),
        error_messages={"required": _("Bitte eine Bezeichnung angeben, z. B. den Namen des Systems.")})
    expires_on = GermanDateField(
        label=_("Gültig bis einschließlich (optional)"), required=False,
        help_text=_("z. B. 31.12.2027; leer: gültig bis zum Widerruf."))
