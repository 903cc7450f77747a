"""What every read endpoint shares: the objects come from the selector that scopes them to the
person (grants/selectors/scoping.py), exactly as on the pages, so an object of another body
answers 404 as the page does – with the same German sentence for "does not exist" and "not yours"."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
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

    def get_object(self) -> Model:
        try:
            found = self.get_queryset().get(pk=self.kwargs["pk"])
        except (ObjectDoesNotExist, ValueError, TypeError):
            raise Http404(_("%(object)s nicht gefunden.") % {
                "object": capfirst(str(self.model._meta.verbose_name))}) from None
        self.check_object_permissions(self.request, found)
        return found
