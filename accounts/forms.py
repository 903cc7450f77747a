from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

_CODE_ATTRS = {"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off", "spellcheck": "false"}


class SecondFactorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, widget=forms.TextInput(attrs=_CODE_ATTRS),
                           help_text=_("Der sechsstellige Code aus der Authenticator-App oder einer Ihrer "
                                       "Backup-Codes."))
    remember = forms.BooleanField(label="", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.TWO_FACTOR_REMEMBER_DAYS
        if days > 0:
            self.fields["remember"].label = _("Diesen Browser %(days)d Tage lang nicht erneut nach dem Code "
                                              "fragen") % {"days": days}
        else:
            del self.fields["remember"]


class EnrolForm(forms.Form):
    code = forms.CharField(label=_("Erster Code aus der App"), max_length=10,
                           widget=forms.TextInput(attrs={**_CODE_ATTRS, "inputmode": "numeric"}))


class ReauthenticationForm(forms.Form):
    password = forms.CharField(label=_("Passwort"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    code = forms.CharField(label=_("Code aus der Authenticator-App oder Backup-Code"), max_length=20,
                           widget=forms.TextInput(attrs=_CODE_ATTRS))

    def __init__(self, *args, with_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_code:
            del self.fields["code"]
