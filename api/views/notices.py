from django.db.models import QuerySet
from django.utils.cache import get_conditional_response, patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from api.filters import NoticeFilter
from api.serializers.notices import NoticeSerializer
from api.views.base import ScopedReadViewSet
from grants.models import Notice
from grants.selectors.scoping import applications_visible_to, get_notice_for_user
from grants.views.common import pdf_response


class PdfRenderer(BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the view answers the stored bytes itself."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


@extend_schema_view(
    list=extend_schema(summary="Bescheide", description="Erlassene Bescheide (Metadaten), neueste zuerst."),
    retrieve=extend_schema(summary="Ein Bescheid"),
)
class NoticeViewSet(ScopedReadViewSet):
    model = Notice
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter

    def visible(self, user) -> QuerySet[Notice]:
        return (Notice.objects.filter(application__in=applications_visible_to(user))
                .select_related("application", "issued_by")
                .defer("pdf", "snapshot", "application__purpose")
                .order_by("-issued_on", "-number"))

    @extend_schema(
        summary="PDF des Bescheids",
        description="Das erlassene PDF Byte für Byte wie gespeichert. Der ETag ist sein SHA-256; mit "
                    "`If-None-Match: \"<sha256>\"` antwortet der Server 304 ohne Inhalt, wenn es unverändert ist "
                    "(ein erlassener Bescheid ändert sich nie).",
        parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     description="ETag einer früheren Antwort")],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="Das PDF"),
                   304: OpenApiResponse(description="Unverändert")})
    @action(detail=True, methods=["get"], renderer_classes=[PdfRenderer], filter_backends=[],
            pagination_class=None, url_path="pdf", url_name="pdf")
    def pdf(self, request: Request, pk=None):
        notice = get_notice_for_user(request.user, pk)
        etag = f'"{notice.sha256}"'
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            patch_cache_control(not_modified, private=True)
            return not_modified
        response = pdf_response(notice.pdf, f"{notice.number}.pdf", as_attachment=True)
        response["ETag"] = etag
        patch_cache_control(response, private=True)
        return response
