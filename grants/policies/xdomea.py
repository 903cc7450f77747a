"""Who may hand case files over as xdomea messages.

- One grant's whole file (Abgabe 0401, to the e-file system): the ministry – Sachbearbeitung,
  Bewilligung and Programmverwaltung, everyone who may see every body's files (`view_all`). The
  file holds internal notes, other bodies' staff and the ministry's decisions: a coordinator
  never exports it, not even the own body's. A draft has no file reference and so no file yet.
- The closed grants of a period (Aussonderung 0503, to the state archive): the programme
  administration (`manage_programme`), which keeps the periods and answers for what leaves the
  registry; it also keeps the record of what was handed over.
"""

from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.errors import NotPermitted
from grants.policies.base import Refusal, refuse_capability


def may_casefile_export(user, application) -> Refusal | None:
    if user is None or not user.can(Capability.VIEW_ALL):
        return Refusal(_("Nur das Ministerium kann eine Akte als xdomea-Nachricht exportieren."), NotPermitted)
    if not application.file_reference:
        return Refusal(_("Ein Entwurf hat noch kein Aktenzeichen und damit keine Akte, die exportiert werden "
                         "könnte."))
    return None


def may_archive_transfer(user) -> Refusal | None:
    """Start an Aussonderung and see the record of what was handed over."""
    if refusal := refuse_capability(user, Capability.MANAGE_PROGRAMME):
        return Refusal(_("Nur die Programmverwaltung kann Akten an das Archiv aussondern."), refusal.error)
    return None
