"""What every read endpoint shares: the objects come from the selector that scopes them to the
person (grants/selectors/scoping.py), exactly as on the pages, so an object of another body
answers 404 as the page does."""

from django.db.models import Model, QuerySet
from rest_framework import viewsets


class ScopedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of `visible(user)`. `model` serves the schema generator, which has no person."""

    model: type[Model]

    def visible(self, user) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return self.visible(self.request.user)
