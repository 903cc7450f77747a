from django import forms
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX = 5000


class LegalPageForm(forms.Form):
    title = forms.CharField(label=_("Überschrift"), max_length=200,
                            error_messages={"required": _("Bitte geben Sie eine Überschrift ein."),
                                            "max_length": _("Die Überschrift darf höchstens 200 Zeichen haben.")})
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Nur Text, kein HTML. Eine Leerzeile beginnt einen neuen Absatz; „## “ am Zeilenanfang "
                    "macht eine Überschrift, „### “ eine Unterüberschrift, Zeilen mit „- “ eine Aufzählung. "
                    "Internet- und E-Mail-Adressen werden zu Verweisen."),
        error_messages={"required": _("Bitte geben Sie den Text der Seite ein.")})
    note = forms.CharField(label=_("Anlass der Änderung"), max_length=300, required=False,
                           help_text=_("Erscheint in der Liste der Fassungen, z. B. „Neue Anschrift“."),
                           error_messages={"max_length": _("Der Anlass darf höchstens 300 Zeichen haben.")})


class AccessibilityFeedbackForm(forms.Form):
    message = forms.CharField(
        label=_("Ihre Nachricht"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Welche Barriere ist Ihnen begegnet, oder welchen Inhalt benötigen Sie in welchem Format?"),
        error_messages={"required": _("Bitte beschreiben Sie die Barriere oder Ihr Anliegen."),
                        "max_length": _("Die Nachricht darf höchstens %(limit_value)d Zeichen haben "
                                        "(sie hat %(show_value)d).")})
    page_address = forms.CharField(
        label=_("Betroffene Seite (optional)"), max_length=500, required=False,
        help_text=_("Die Adresse oder der Name der Seite, z. B. „Antrag WIR-26-0001“."),
        error_messages={"max_length": _("Die Angabe der Seite darf höchstens 500 Zeichen haben.")})
    name = forms.CharField(label=_("Ihr Name (optional)"), max_length=200, required=False,
                           error_messages={"max_length": _("Der Name darf höchstens 200 Zeichen haben.")})
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse (optional)"), required=False,
        help_text=_("Nur wenn Sie eine Antwort wünschen."),
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.org."),
                        "max_length": _("Die E-Mail-Adresse ist zu lang.")})
    # Left empty by people (the field is not shown); programs that fill every field fill it.
    website = forms.CharField(label=_("Bitte leer lassen"), required=False)

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))
