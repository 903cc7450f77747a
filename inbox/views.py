"""The notification list, following a notification, marking read, and the e-mail choice."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import FieldErrors
from grants.views.common import paginate
from inbox.forms import NotificationSettingForm
from inbox.models import Delivery
from inbox.selectors import get_notification_for_user, notifications_for
from inbox.services import delivery_of, notification_read, notification_setting_set, notifications_read_all

PAGE_SIZE = 25


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("ungelesen") == "1"
    page = paginate(request, notifications_for(request.user, unread_only=unread_only), PAGE_SIZE)
    return render(request, "inbox/notification_list.html", {
        "page": page, "unread_only": unread_only, "delivery_label": _delivery_label(request.user)})


def _delivery_label(user) -> str:
    return str(Delivery(delivery_of(user)).label)


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow the notification to its page (from the list or an e-mail); it counts as read."""
    notification = get_notification_for_user(request.user, pk)
    notification_read(notification=notification, user=request.user)
    target = notification.path
    if not (target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure())):
        return redirect("inbox:list")
    return redirect(target)


@require_POST
def notification_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for_user(request.user, pk)
    notification_read(notification=notification, user=request.user)
    messages.success(request, _("Als gelesen markiert: %(title)s") % {"title": notification.title})
    return redirect(_back(request))


@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications_read_all(user=request.user)
    if count:
        messages.success(request, ngettext("%(n)s Benachrichtigung als gelesen markiert.",
                                           "%(n)s Benachrichtigungen als gelesen markiert.", count) % {"n": count})
    else:
        messages.info(request, _("Es gab keine ungelesenen Benachrichtigungen."))
    return redirect("inbox:list")


def _back(request: HttpRequest) -> str:
    """Back to the list page the person came from (its filter and page number kept): only a
    query string is taken, after the list's own address, so it can lead nowhere else."""
    query = request.POST.get("zurueck", "")
    return reverse("inbox:list") + (query if query.startswith("?") else "")


@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """The e-mail choice (also shown on "Mein Konto"); bad input is shown beside the choice."""
    user = request.user
    if request.method == "POST":
        form = NotificationSettingForm(request.POST)
        if form.is_valid():
            try:
                notification_setting_set(user=user, delivery=form.cleaned_data["delivery"])
            except FieldErrors as error:
                for message in error.errors.get("delivery", []):
                    form.add_error("delivery", message)
            else:
                messages.success(request, _("Gespeichert: %(choice)s") % {"choice": _delivery_label(user)})
                return redirect("accounts:account")
    else:
        form = NotificationSettingForm(initial={"delivery": delivery_of(user)})
    return render(request, "inbox/settings.html", {"form": form})
