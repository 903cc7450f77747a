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
        items.append((_("Nachweise"), "grants:usage_report_list", None))
    if user.can(Capability.VIEW_ALL):
        items.append((_("Rückforderungen"), "grants:reclaim_list", None))
    if user.can(Capability.REVIEW):
        items.append((_("Änderungen"), "grants:amendment_list", None))
    if user.can(Capability.DECIDE):
        items.append((_("Zur Bewilligung"), "grants:decision_queue", None))
    if user.can(Capability.PREPARE_PAYMENT) or user.can(Capability.RELEASE_PAYMENT):
        items.append((_("Auszahlungen"), "grants:payment_queue", None))
    if user.can(Capability.APPLY) or user.can(Capability.VIEW_ALL):
        items.append((_("Fristen"), "grants:deadline_list", None))
    if user.can(Capability.VIEW_ALL):
        # Overview, report and base-rate table: tabs on the programme pages (programme_tabs).
        items.append((_("Programm"), "grants:programme_overview", None))
    if user.can(Capability.VIEW_ALL):
        items.append((_("Bescheide"), "grants:notice_list", None))
    if user.can(Capability.VIEW_ALL) or user.can(Capability.ISSUE_NOTICE):
        items.append((_("Übergaben"), "grants:ceremony_list", None))
    if user.can(Capability.VIEW_ALL) or user.can(Capability.APPLY):
        items.append((_("Bescheid prüfen"), "grants:notice_check", None))
    if user.can(Capability.MANAGE_PROGRAMME):
        items.append((_("Rechtstexte"), "legal:admin_overview", None))
    if user.is_staff:
        items.append((_("Verwaltung"), "admin:index", None))
    current = request.path
    navigation = []
    for label, name, _unused in items:
        url = reverse(name)
        active = current == url if name == "dashboard" else current.startswith(url)
        navigation.append({"label": label, "url": url, "active": active})
    # Only the most specific entry is current ("/programm/bericht/" is not also "/programm/").
    current_entries = sorted((entry for entry in navigation if entry["active"]), key=lambda entry: len(entry["url"]))
    for entry in current_entries[:-1]:
        entry["active"] = False
    return {"main_navigation": navigation, "programme_tabs": _programme_tabs(user, current)}


def _programme_tabs(user, current: str) -> list[dict]:
    """The tabs shared by the programme pages (overview, report, base-rate table)."""
    if not user.can(Capability.VIEW_ALL):
        return []
    tabs = [(_("Übersicht"), "grants:programme_overview"), (_("Programmbericht"), "grants:programme_report")]
    if user.can(Capability.MANAGE_PROGRAMME):
        tabs.append((_("Basiszinssatz"), "grants:base_rate_list"))
    return [{"label": label, "url": reverse(name), "active": current == reverse(name)} for label, name in tabs]
