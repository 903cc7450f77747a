from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import DeadlineAwardFilter
from api.serializers.deadlines import DeadlineSerializer
from core import clock
from grants.models import Award
from grants.policies import may_deadlines_view
from grants.policies.base import check
from grants.selectors.deadlines import deadline_index, deadline_rows_for, running_awards
from grants.selectors.scoping import awards_visible_to


class DeadlineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = DeadlineSerializer
    filterset_class = DeadlineAwardFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Award.objects.none()
        return running_awards(awards_visible_to(self.request.user))

    @extend_schema(summary="Nachweisfristen",
                   description="Die Fristen der Zwischen- und Verwendungsnachweise laufender Zuwendungen wie die "
                               "Seite „Fristen“: überfällige zuerst (die ältesten vorn), dann bald fällige, "
                               "anstehende und erledigte.")
    def list(self, request: Request, *args, **kwargs) -> Response:
        check(may_deadlines_view(request.user))
        awards = self.filter_queryset(self.get_queryset())  # refuses invalid parameters with 400
        wanted = DeadlineAwardFilter(request.query_params, queryset=awards, request=request)
        wanted.is_valid()
        state = wanted.form.cleaned_data.get("state")
        due_after = wanted.form.cleaned_data.get("due_after")
        due_before = wanted.form.cleaned_data.get("due_before")
        today = clock.today()
        keys = [key for key in deadline_index(awards, today=today)
                if (not state or key.state == state)
                and (due_after is None or key.deadline.due >= due_after)
                and (due_before is None or key.deadline.due <= due_before)]
        page = self.paginate_queryset(keys)
        rows = deadline_rows_for(list(page if page is not None else keys), today=today)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)
