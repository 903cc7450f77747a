"""The main navigation, per role; a template context processor."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability


def main_navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [(_("Übersicht"), "dashboard", None)]
    if user.can(Capability.APPLY):
        items.append((_("Anträge"), "grants:application_list", None))
    if user.can(Capability.REVIEW):
        items.append((_("Arbeitsvorrat"), "grants:review_queue", None))
    if user.can(Capability.REVIEW):
        items.append((_("Verwendungsnachweise"), "grants:usage_report_list", None))
    if user.can(Capability.DECIDE):
        items.append((_("Zur Bewilligung"), "grants:decision_queue", None))
    if user.can(Capability.PREPARE_PAYMENT) or user.can(Capability.RELEASE_PAYMENT):
        items.append((_("Auszahlungen"), "grants:payment_queue", None))
    if user.can(Capability.APPLY) or user.can(Capability.VIEW_ALL):
        items.append((_("Fristen"), "grants:deadline_list", None))
    if user.can(Capability.VIEW_ALL):
        items.append((_("Programmübersicht"), "grants:programme_overview", None))
    if user.can(Capability.VIEW_ALL) or user.can(Capability.ISSUE_NOTICE):
        items.append((_("Bescheidübergaben"), "grants:ceremony_list", None))
    if user.is_staff:
        items.append((_("Verwaltung"), "admin:index", None))
    current = request.path
    navigation = []
    for label, name, _unused in items:
        url = reverse(name)
        active = current == url if name == "dashboard" else current.startswith(url)
        navigation.append({"label": label, "url": url, "active": active})
    return {"main_navigation": navigation}
