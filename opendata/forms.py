from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.models import FundingProgramme
from municipalities.models import Municipality


class AwardFilterForm(forms.Form):
    """The filters of the public list: programme period, budget year, body (by its AGS).
    Read from the query string; every wrong value is a German message, never a 500."""

    programm = forms.ChoiceField(label=_("Förderperiode"), error_messages={
        "required": _("Bitte wählen Sie eine Förderperiode."),
        "invalid_choice": _("Diese Förderperiode gibt es nicht.")})
    jahr = forms.TypedChoiceField(label=_("Haushaltsjahr"), coerce=int, error_messages={
        "required": _("Bitte wählen Sie ein Haushaltsjahr."),
        "invalid_choice": _("Das Haushaltsjahr „%(value)s“ gibt es in keiner Förderperiode.")})
    koerperschaft = forms.ChoiceField(label=_("Gebietskörperschaft"), required=False, error_messages={
        "invalid_choice": _("Eine Gebietskörperschaft mit dem Schlüssel „%(value)s“ gibt es nicht.")})

    def __init__(self, *args, programmes: list[FundingProgramme], bodies: list[Municipality], **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes = {programme.code: programme for programme in programmes}
        self.bodies = {body.ags: body for body in bodies}
        cast(forms.ChoiceField, self.fields["programm"]).choices = [
            (p.code, f"{p.name} {p.period_label}") for p in programmes]
        years = sorted({year for programme in programmes for year in programme.years})
        cast(forms.ChoiceField, self.fields["jahr"]).choices = [(year, str(year)) for year in years]
        cast(forms.ChoiceField, self.fields["koerperschaft"]).choices = [("", _("alle"))] + [
            (body.ags, body.display_name) for body in sorted(bodies, key=lambda b: b.display_name.casefold())]

    def clean(self):
        data = super().clean()
        programme = self.programmes.get(data.get("programm", ""))
        year = data.get("jahr")
        if programme is not None and year is not None and year not in programme.years:
            self.add_error("jahr", _("Das Haushaltsjahr %(year)s gehört nicht zur Förderperiode %(period)s.")
                           % {"year": year, "period": programme.period_label})
        data["programme"] = programme
        data["body"] = self.bodies.get(data.get("koerperschaft") or "")
        return data
