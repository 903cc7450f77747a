"""The form to hand on a case: to whom (a colleague of the ministry, or nobody) and a note for the
case history. Who may hold a case is decided in grants/policies/assignments.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from grants.services.assignments import NOTE_MAX_LENGTH

NOBODY = "niemand"


def case_workers():
    """The people a case can be handed to: the ministry's active case workers, by name."""
    return (User.objects.filter(is_active=True, role__in=(Role.SACHBEARBEITUNG, Role.BEWILLIGUNG))
            .order_by("last_name", "first_name", "username"))


class HandOnForm(forms.Form):
    assignee = forms.ChoiceField(
        label=_("Weitergeben an"),
        error_messages={"required": _("Bitte wählen Sie, wer den Fall übernimmt."),
                        "invalid_choice": _("Bitte eine Person aus der Liste wählen.")})
    note = forms.CharField(
        label=_("Notiz für die Übergabe (optional)"), required=False, max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Steht im Verlauf des Antrags; nur das Ministerium sieht sie."),
        error_messages={"max_length": _("Die Notiz darf höchstens %(limit_value)d Zeichen lang sein.")})

    def __init__(self, *args, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(user.pk): user for user in case_workers() if exclude is None or user.pk != exclude.pk}
        choices = [("", _("– bitte wählen –"))]
        if exclude is not None:
            choices.append((NOBODY, _("niemand – der Fall geht zurück in den Arbeitsvorrat")))
        choices += [(pk, f"{user} ({user.get_role_display()})") for pk, user in self.people.items()]
        self.fields["assignee"].choices = choices

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return None if value == NOBODY else self.people[value]
