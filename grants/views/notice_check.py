"""Bescheid prüfen: anyone – the ministry, a body, a bank the recipient forwarded the notice to –
uploads a notice PDF and is told whether its seal is intact and trusted and whether it is byte
for byte a notice issued here (grants/selectors/notice_check.py). Public, so limited per address
(core/rate_limits.py); nothing is stored."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.rate_limits import over_limit
from grants.notices.seal import sealing_configured
from grants.selectors.notice_check import notice_check
from ops.client_address import client_address


class NoticeCheckForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Bescheid als PDF-Datei"),
                           help_text=gettext_lazy("Die Datei, so wie Sie sie erhalten haben. Sie wird nur geprüft, "
                                                  "nicht gespeichert."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als %(mb)s MB; ein Bescheid ist viel kleiner.")
                                        % {"mb": settings.MAX_UPLOAD_BYTES // 1_048_576})
        data = upload.read(settings.MAX_UPLOAD_BYTES + 1)
        if len(data) > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als %(mb)s MB; ein Bescheid ist viel kleiner.")
                                        % {"mb": settings.MAX_UPLOAD_BYTES // 1_048_576})
        if b"%PDF-" not in data[:1024]:
            raise forms.ValidationError(_("Die Datei ist kein PDF-Dokument. Bitte laden Sie den Bescheid als PDF "
                                          "hoch, so wie Sie ihn erhalten haben."))
        return data


def _over_limit(request: HttpRequest) -> bool:
    address = hashlib.sha256(client_address(request).encode()).hexdigest()
    return over_limit(f"wf:notice-check:{address}", settings.NOTICE_CHECK_LIMIT_PER_ADDRESS)


@login_not_required
@require_http_methods(["GET", "POST"])
def notice_check_view(request: HttpRequest) -> HttpResponse:
    result, status = None, 200
    form = NoticeCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if _over_limit(request):
            form.add_error(None, _("Von Ihrem Anschluss wurden in der letzten Stunde zu viele Dateien geprüft. Bitte "
                                   "versuchen Sie es in einer Stunde erneut."))
            status = 429
        elif form.is_valid():
            result = notice_check(data=form.cleaned_data["file"], user=request.user)
    return render(request, "grants/notice_check.html", {
        "form": form, "result": result, "sealing_configured": sealing_configured(),
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // 1_048_576}, status=status)
