from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.models import Delivery


class NotificationSettingForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("E-Mail zu neuen Benachrichtigungen"), choices=Delivery.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie, wie Sie benachrichtigt werden möchten."),
                        "invalid_choice": _("Bitte wählen Sie eine der angebotenen Möglichkeiten.")})
