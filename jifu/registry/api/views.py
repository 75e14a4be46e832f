from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from jifu.core import idnumber
from jifu.core.api import ScopedReadOnlyViewSet

from .. import services
from ..filtersets import HouseholdFilterSet, PersonFilterSet
from ..models import Household, Person
from .serializers import HouseholdSerializer, IdNumberSearchSerializer, PersonSerializer


class HouseholdViewSet(ScopedReadOnlyViewSet):
    queryset = Household.objects.select_related("head")
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet


class PersonViewSet(ScopedReadOnlyViewSet):
    """Persons in the caller's scope; filters: region, five_list, poverty_status,
    employment_status, wanted_occupation. An ID number is searched by POST, never in a URL."""

    queryset = Person.objects.select_related("household")
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet

    read_only_actions = ("search",)

    def get_queryset(self):
        # The search action reads with POST; it must not need the "add" permission.
        return self.queryset.restrict(self.request.user, "view")

    @extend_schema(request=IdNumberSearchSerializer, responses=PersonSerializer(many=True))
    @action(detail=False, methods=["post"])
    def search(self, request):
        """``POST {"id_number": "…"}`` → the matching person in scope (0 or 1 results)."""
        body = IdNumberSearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            index = services.id_number_index(body.validated_data["id_number"])
        except idnumber.IdNumberError as exc:
            return Response({"id_number": [exc.message_zh]}, status=status.HTTP_400_BAD_REQUEST)
        matches = self.get_queryset().filter(id_number_bidx=index)
        return Response(
            {"count": matches.count(), "results": PersonSerializer(matches, many=True).data}
        )
