"""The four roles of the domain brief and what each may do, in one place.

Services ask `user.can(Capability.X)`; no other code compares role names. Bewilligung
staff hold signing authority *in addition to* the clerk's rights (as a head of unit does),
which is why the four-eyes rules are checked on the person, not only on the role.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    KOORDINATION = "koordination", pgettext_lazy("Rolle", "Koordination")
    SACHBEARBEITUNG = "sachbearbeitung", pgettext_lazy("Rolle", "Sachbearbeitung")
    BEWILLIGUNG = "bewilligung", pgettext_lazy("Rolle", "Bewilligung")
    PROGRAMMVERWALTUNG = "programmverwaltung", pgettext_lazy("Rolle", "Programmverwaltung")


class Capability(models.TextChoices):
    APPLY = "apply", _("Anträge der eigenen Gebietskörperschaft stellen")
    REVIEW = "review", _("Anträge prüfen, Nachforderungen senden, empfehlen")
    DECIDE = "decide", _("Anträge bewilligen oder ablehnen")
    PREPARE_PAYMENT = "prepare_payment", _("Auszahlungen vorbereiten und buchen")
    RELEASE_PAYMENT = "release_payment", _("Auszahlungen freigeben")
    ISSUE_NOTICE = "issue_notice", _("Bescheide erlassen")
    MANAGE_PROGRAMME = "manage_programme", _("Programme, Haushaltsansätze und Obergrenzen pflegen")
    VIEW_ALL = "view_all", _("Daten aller Gebietskörperschaften einsehen")


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.KOORDINATION: frozenset({Capability.APPLY}),
    Role.SACHBEARBEITUNG: frozenset(
        {Capability.REVIEW, Capability.PREPARE_PAYMENT, Capability.VIEW_ALL}
    ),
    Role.BEWILLIGUNG: frozenset(
        {
            Capability.REVIEW,
            Capability.PREPARE_PAYMENT,
            Capability.DECIDE,
            Capability.RELEASE_PAYMENT,
            Capability.ISSUE_NOTICE,
            Capability.VIEW_ALL,
        }
    ),
    Role.PROGRAMMVERWALTUNG: frozenset({Capability.MANAGE_PROGRAMME, Capability.VIEW_ALL}),
}
