"""The pages of one's own account: the second step of the sign-in (code), enrolling an
authenticator app (QR code as its own SVG address), backup codes, confirming one's identity
before a signing action, and the rate-limited password-reset form."""

import hashlib
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from accounts.decorators import reauthentication_required
from accounts.forms import EnrolForm, ReauthenticationForm, SecondFactorForm
from accounts.models import User
from accounts.sessions import (
    mark_authenticated,
    remember_device,
    remembered_device_id,
    require_second_factor_now,
)
from accounts.two_factor import (
    backup_codes_left,
    backup_codes_renew,
    enrolled_devices,
    has_second_factor,
    manual_key,
    may_reset_second_factors,
    second_factor_required,
    second_factor_reset,
    second_factor_verify,
    totp_enrol,
    totp_pending_device,
)
from audit.services import audit_log
from core.errors import DomainError
from core.rate_limits import over_limit as _over_limit
from inbox.forms import NotificationSettingForm
from inbox.services import delivery_of
from ops.client_address import client_address


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _private(response: HttpResponse) -> HttpResponse:
    """Pages with keys or codes: never kept by a browser or proxy cache."""
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response


def _complete_sign_in(request: HttpRequest, user: User, device: Device, *, remembered: bool = False) -> None:
    request.session.cycle_key()
    otp_login(request, device)
    mark_authenticated(request)
    audit_log(actor=user, action="accounts.sign_in.completed", target=user,
              data={"address": client_address(request), "device": device.name,
                    "remembered_browser": remembered})


# --- second step of the sign-in ---------------------------------------------------------------

def second_factor(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # behind sign-in
    if user.is_verified():  # type: ignore[attr-defined]  # OTPMiddleware adds it
        return redirect(_next_url(request))
    if not has_second_factor(user):
        return redirect(f"{reverse('accounts:enrol')}?{request.GET.urlencode()}")
    if request.method == "GET":
        device_id = remembered_device_id(request, user)
        device = Device.from_persistent_id(device_id) if device_id else None
        if device is not None and device.user_id == user.pk and device.confirmed:
            _complete_sign_in(request, user, device, remembered=True)
            return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = second_factor_verify(user=user, token=form.cleaned_data["code"])
        if verified is not None:
            _complete_sign_in(request, user, verified)
            response = redirect(_next_url(request))
            if form.cleaned_data.get("remember") and isinstance(verified, TOTPDevice):
                remember_device(response, user, verified.persistent_id)
            return response
        form.add_error("code", _("Der Code stimmt nicht oder ist schon verbraucht. Nach mehreren Fehlversuchen "
                                 "wartet die Prüfung jeweils länger."))
    return _private(render(request, "accounts/second_factor.html", {
        "form": form, "next": _next_url(request), "demo_hint": settings.DEBUG}))


# --- enrolment --------------------------------------------------------------------------------

def enrol(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), confirm with the first code; then the backup codes,
    shown on this one response and never again."""
    user: User = request.user  # type: ignore[assignment]
    if has_second_factor(user):
        messages.info(request, _("Für Ihr Konto ist bereits ein zweiter Faktor eingerichtet."))
        return redirect("accounts:account")
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = totp_enrol(user=user, token=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            _complete_sign_in(request, user, device)
            require_second_factor_now(request)
            return _private(render(request, "accounts/backup_codes.html", {
                "codes": codes, "enrolled": True, "next": _next_url(request)}))
    device = totp_pending_device(user)
    return _private(render(request, "accounts/enrol.html", {
        "form": form, "manual_key": manual_key(device), "next": _next_url(request),
        "required": second_factor_required(user)}))


@require_GET
def enrol_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the pending enrolment as an SVG image (its own address: no data: URI)."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        raise Http404(_("Es läuft keine Einrichtung eines zweiten Faktors."))
    buffer = io.BytesIO()
    write_qrcode_image(device.config_url, buffer)
    return _private(HttpResponse(buffer.getvalue(), content_type="image/svg+xml"))


# --- own account ------------------------------------------------------------------------------

def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    enrolled = has_second_factor(user)
    return render(request, "accounts/account.html", {
        "enrolled": enrolled, "backup_codes_left": backup_codes_left(user) if enrolled else 0,
        "required": second_factor_required(user), "may_reset_others": may_reset_second_factors(user),
        "notification_form": NotificationSettingForm(initial={"delivery": delivery_of(user)})})


@require_POST
def backup_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = backup_codes_renew(user=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("accounts:account")
    return _private(render(request, "accounts/backup_codes.html", {
        "codes": codes, "enrolled": False, "next": reverse("accounts:account")}))


# --- resetting another person's second factor (lost phone) ------------------------------------------

RESET_PAGE_SIZE = 50


@reauthentication_required()
def second_factor_admin(request: HttpRequest) -> HttpResponse:
    """For the Programmverwaltung (and administrators): who has an authenticator app, and the
    reset for a person who lost the phone. The same service as the admin action, audited."""
    actor: User = request.user  # type: ignore[assignment]
    if not may_reset_second_factors(actor):
        raise PermissionDenied(_("Nur die Programmverwaltung oder ein Administrator kann den zweiten Faktor "
                                 "zurücksetzen."))
    if request.method == "POST":
        raw = request.POST.get("user", "")
        person = User.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 18 else None
        if person is None:
            messages.error(request, _("Bitte wählen Sie eine Person aus der Liste."))
        else:
            try:
                second_factor_reset(user=person, actor=actor)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Der zweite Faktor von %(person)s ist zurückgesetzt; bei der nächsten "
                                            "Anmeldung richtet die Person ihn neu ein.") % {"person": person})
        return redirect("accounts:second_factor_admin")
    page = Paginator(enrolled_devices(), RESET_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/second_factor_admin.html", {"page": page})


# --- confirming one's identity before a signing action ------------------------------------------

def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Password and, where enrolled, a code; then back to the action (`next`)."""
    user: User = request.user  # type: ignore[assignment]
    with_code = has_second_factor(user)
    form = ReauthenticationForm(request.POST or None, with_code=with_code)
    if request.method == "POST" and form.is_valid():
        # Through the authentication backends: a wrong password counts towards the lockout.
        checked = authenticate(request, username=user.get_username(), password=form.cleaned_data["password"])
        if checked is None or checked.pk != user.pk:
            form.add_error("password", _("Das Passwort stimmt nicht."))
        else:
            device = second_factor_verify(user=user, token=form.cleaned_data["code"]) if with_code else None
            if with_code and device is None:
                form.add_error("code", _("Der Code stimmt nicht oder ist schon verbraucht."))
            else:
                if device is not None:
                    otp_login(request, device)
                mark_authenticated(request)
                audit_log(actor=user, action="accounts.reauthenticated", target=user,
                          data={"address": client_address(request)})
                return redirect(_next_url(request))
    return _private(render(request, "accounts/reauthenticate.html", {
        "form": form, "next": _next_url(request), "minutes": settings.REAUTH_MAX_AGE_MINUTES}))


# --- password reset, rate-limited -------------------------------------------------------------

class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form (the same answer whether or not the address belongs to an account)
    with two brakes: requests per client address and per e-mail address and hour. The brake per
    e-mail address applies to unknown addresses alike, so it reveals nothing either."""

    def form_valid(self, form):
        address = client_address(self.request)
        email = form.cleaned_data["email"].strip().lower()
        email_key = hashlib.sha256(email.encode()).hexdigest()
        over_address = _over_limit(f"wf:pwreset:ip:{address}", settings.PASSWORD_RESET_LIMIT_PER_ADDRESS)
        over_email = _over_limit(f"wf:pwreset:mail:{email_key}", settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
        if over_address or over_email:
            form.add_error(None, _("Es wurden zu viele Anträge auf ein neues Passwort gestellt. Bitte versuchen "
                                   "Sie es in einer Stunde erneut oder wenden Sie sich an die Programmverwaltung."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


# --- lockout (django-axes) ----------------------------------------------------------------------

def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """Axes' answer to a locked-out sign-in: a German page (429), not a bare text."""
    return render(request, "registration/locked_out.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": settings.AXES_COOLOFF_MINUTES,
    }, status=429)
