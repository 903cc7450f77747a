"""The writing endpoints of the REST API: a coordinator creates, changes and submits an
application with its financing plan and calls funds of an award.

Each does what the coordinator's page does, in the same order: the capability (MayApply: 403
for the ministry's tokens, with the page's reason), the lookup scoped to the person (404 for another
body's object), the page's own form (api/writes/input.py), then the one service the page calls.
A refusal comes back as problem details (api/problems.py) with the page's German message under
the page's field key. The POST endpoints honour an Idempotency-Key (api/writes/idempotency.py).
"""

import codecs
import json
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import json as drf_json
from rest_framework.views import APIView

from accounts.roles import Capability
from api.problems import CONTENT_TYPE, problem_response
from api.schema import ProblemSerializer
from api.serializers.applications import ApplicationDetailSerializer
from api.serializers.payments import PaymentSerializer
from api.views.applications import ApplicationViewSet
from api.writes.idempotency import HEADER, REPLAYED_HEADER, idempotent
from api.writes.input import PlanInput, details_form, payment_form, raise_form_errors
from api.writes.serializers import (
    ApplicationCreateInput,
    ApplicationDetailsInput,
    PaymentCallInput,
    PlanSerializer,
    SubmitInput,
)
from core.errors import BudgetExceeded, FieldErrors
from grants.models import Application, Disbursement
from grants.selectors.payments import payment_year_rows
from grants.selectors.scoping import (
    DISBURSEMENT_RELATED,
    awards_visible_to,
    get_application_for_user,
    get_open_programme,
)
from grants.services.applications import application_save, application_submit
from grants.services.disbursements import disbursement_request
from grants.services.plans import plan_lines
from grants.views.common import require

TAG = "Schreiben (Koordination)"


class DecimalJSONParser(JSONParser):
    """JSON whose numbers with a fraction are read as exact Decimals, never as floats: an amount
    sent as a JSON number (118000.5) reaches the form as it was written."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.load(codecs.getreader(encoding)(stream), parse_float=Decimal,
                             parse_constant=drf_json.strict_constant)  # NaN, Infinity: not JSON
        except ValueError as exc:
            raise exceptions.ParseError(str(exc)) from None


def _problems(*codes: int) -> dict:
    """The problem answers an endpoint documents, besides 401 and 429, which every one has."""
    descriptions = {
        400: "Ungültige Angaben: die Meldungen des Formulars der Anwendung, je Feld (`errors`).",
        401: "Kein, ein unbekannter, widerrufener oder abgelaufener API-Schlüssel.",
        403: "Die Rolle darf das nicht (nur die Koordination), oder eine Regel der Berechtigung.",
        404: "Gibt es nicht – oder gehört einer anderen Gebietskörperschaft.",
        409: "Passt nicht zum Stand (Status, bereits eingereicht, Mittel überschritten) oder der "
             "Idempotency-Key wird gerade bearbeitet.",
        415: "Der Inhalt ist kein JSON.",
        422: "Eine Regel lässt es nicht zu (Antragsfrist, ein Antrag je Förderperiode, kein Bescheid), "
             "oder der Idempotency-Key wurde für eine andere Anfrage verwendet.",
        429: "Zu viele schreibende Anfragen mit diesem API-Schlüssel (Retry-After).",
    }
    return {(code, CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=descriptions[code])
            for code in sorted({*codes, 400, 401, 415, 429})}


IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER, required=False,
    description="Eine neue, eindeutige Kennung je Vorgang (z. B. eine UUID). Eine Wiederholung mit demselben "
                "Schlüssel und demselben Inhalt erhält die erste Antwort noch einmal (Kopf "
                f"`{REPLAYED_HEADER}: true`) und bewirkt nichts ein zweites Mal; mit anderem Inhalt: 422.")


class MayApply(BasePermission):
    """Only the coordination writes: any other role is refused with the page's reason (403) –
    before the request's body or its Idempotency-Key is looked at."""

    def has_permission(self, request, view) -> bool:
        require(request.user, Capability.APPLY)
        return True


WRITE_ACTIONS = frozenset({"create", "partial_update", "plan", "submit"})


def _shape(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ApplicationWriteViewSet(ApplicationViewSet):
    """The applications resource: reading (ApplicationViewSet) and, for the coordination, writing."""

    parser_classes = [DecimalJSONParser]

    def get_permissions(self):
        permissions = super().get_permissions()
        return [*permissions, MayApply()] if self.action in WRITE_ACTIONS else permissions

    def _answer(self, application: Application, status: int = 200, **headers: str) -> Response:
        """The application as GET …/applications/{id}/ shows it."""
        instance = self.visible(self.request.user).get(pk=application.pk)
        return Response(ApplicationDetailSerializer(instance, context=self.get_serializer_context()).data,
                        status=status, headers=headers or None)

    @extend_schema(
        operation_id="applications_create", tags=[TAG], summary="Antragsentwurf anlegen",
        description="Legt für die eigene Gebietskörperschaft einen Antragsentwurf in einer offenen Förderperiode an "
                    "– mit den Angaben des Antragsformulars und, wenn mitgesendet, dem Finanzierungsplan. Ein "
                    "Entwurf darf unausgeglichen sein; alle Regeln des Plans gelten beim Einreichen.",
        request=ApplicationCreateInput, parameters=[IDEMPOTENCY_KEY],
        responses={201: ApplicationDetailSerializer, **_problems(403, 409, 422)},
        examples=[OpenApiExample("Entwurf", request_only=True, value={
            "programme": "wir-2026", "title": "WIR-Vielfaltszentrum Werra-Meißner-Kreis",
            "purpose": "Betrieb des WIR-Vielfaltszentrums", "period_start": "2026-01-01",
            "period_end": "2030-12-31", "contact_name": "Jana Keller", "contact_email": "jana.keller@example.org"})],
    )
    @idempotent
    def create(self, request: Request) -> Response:
        values = _shape(ApplicationCreateInput, request.data)
        try:
            programme = get_open_programme(values.pop("programme"))
        except Http404 as error:
            raise FieldErrors({"programme": [str(error)]}) from None
        details = details_form(values, programme=programme)
        plan = PlanInput(values, programme=programme) if {"expenditures", "financings"} & set(values) else None
        raise_form_errors(details, *([plan.grid] if plan else []))
        expenditures, financings = plan.lines() if plan else ([], [])
        application = application_save(user=request.user, data=details.service_data(), expenditures=expenditures,
                                       financings=financings, programme=programme)
        return self._answer(application, 201, Location=f"/api/v1/applications/{application.pk}/")

    @extend_schema(
        operation_id="applications_partial_update", tags=[TAG], summary="Angaben eines Antrags ändern",
        description="Ändert die mitgesendeten Angaben eines Entwurfs (oder eines Antrags mit offener "
                    "Nachforderung); der Finanzierungsplan bleibt, wie er ist.",
        request=ApplicationDetailsInput, responses={200: ApplicationDetailSerializer, **_problems(403, 404, 409, 422)},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        application = get_application_for_user(request.user, pk)
        values = _shape(ApplicationDetailsInput, request.data, partial=True)
        details = details_form(values, programme=application.programme, application=application)
        raise_form_errors(details)
        expenditures, financings = plan_lines(application)
        saved = application_save(user=request.user, data=details.service_data(), expenditures=expenditures,
                                 financings=financings, application=application)
        return self._answer(saved)

    @extend_schema(
        operation_id="applications_plan_replace", tags=[TAG], summary="Finanzierungsplan ersetzen",
        description="Ersetzt den ganzen Finanzierungsplan: Ausgaben je Haushaltsjahr und Kostenart, Finanzierung je "
                    "Haushaltsjahr und Quelle – die Zellen der Plantabelle des Antragsformulars, in der Form, in der "
                    "der Antrag sie zeigt; was fehlt, ist leer. Fehler stehen unter den Schlüsseln der Zellen "
                    "(`expenditure-2027-personal`, `financing-2027-zuwendung`, `year-2027`).",
        request=PlanSerializer, responses={200: ApplicationDetailSerializer, **_problems(403, 404, 409, 422)},
        examples=[OpenApiExample("Ein Jahr", request_only=True, value={
            "expenditures": [{"year": 2026, "category": "personal", "amount": "118000.00", "positions": "2.00"},
                             {"year": 2026, "category": "mikroprojekte", "amount": "5000.00"}],
            "financings": [{"year": 2026, "source": "zuwendung", "amount": "100000.00"},
                           {"year": 2026, "source": "eigenmittel", "amount": "23000.00"}]})],
    )
    @action(detail=True, methods=["put"], filter_backends=[], pagination_class=None)
    def plan(self, request: Request, pk=None) -> Response:
        application = get_application_for_user(request.user, pk)
        plan = PlanInput(_shape(PlanSerializer, request.data), programme=application.programme,
                         application=application)
        raise_form_errors(plan.grid)
        expenditures, financings = plan.lines()
        saved = application_save(user=request.user, data={}, expenditures=expenditures, financings=financings,
                                 application=application)
        return self._answer(saved)

    @extend_schema(
        operation_id="applications_submit", tags=[TAG], summary="Antrag einreichen",
        description="Reicht den Entwurf verbindlich ein (er erhält sein Aktenzeichen) oder, nach einer "
                    "Nachforderung, erneut mit der Antwort (`answer`). Ein zweites Einreichen wird mit 409 "
                    "abgelehnt.",
        request=SubmitInput, parameters=[IDEMPOTENCY_KEY],
        responses={200: ApplicationDetailSerializer, **_problems(403, 404, 409, 422)},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    @idempotent
    def submit(self, request: Request, pk=None) -> Response:
        application = get_application_for_user(request.user, pk)
        values = _shape(SubmitInput, request.data)
        submitted = application_submit(application=application, user=request.user, answer=values.get("answer", ""))
        return self._answer(submitted)


class PaymentCallView(APIView):
    parser_classes = [DecimalJSONParser]
    permission_classes = [IsAuthenticated, MayApply]

    @extend_schema(
        operation_id="awards_payment_calls_create", tags=[TAG], summary="Mittel abrufen",
        description="Ruft Mittel eines Haushaltsjahres der eigenen Zuwendung ab – höchstens, was von diesem Jahr "
                    "übrig ist, und nur so weit, wie sie bald nach der Auszahlung gebraucht werden; erst nach dem "
                    "Zuwendungsbescheid.",
        request=PaymentCallInput, parameters=[IDEMPOTENCY_KEY],
        responses={201: PaymentSerializer, **_problems(403, 404, 409, 422)},
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        award = (awards_visible_to(request.user).select_related("application__programme", "application__municipality")
                 .filter(pk=pk).first())
        if award is None:
            raise Http404(_("Zuwendung nicht gefunden."))
        values = _shape(PaymentCallInput, request.data)
        form = payment_form(values, years=[row["year"] for row in payment_year_rows(award)])
        raise_form_errors(form)
        data = form.cleaned_data
        try:
            disbursement = disbursement_request(award=award, year=data["year"], amount=data["amount"],
                                                user=request.user, stated_need=data["stated_need"])
        except BudgetExceeded as error:  # the page shows it beside the amount
            return problem_response(request, status=409, slug="mittel-ueberschritten",
                                    title=_("Mittel überschritten"), detail=error.message,
                                    errors={"amount": [error.message]})
        disbursement = Disbursement.objects.select_related(*DISBURSEMENT_RELATED).get(pk=disbursement.pk)
        return Response(PaymentSerializer(disbursement).data, status=201,
                        headers={"Location": f"/api/v1/payments/{disbursement.pk}/"})

