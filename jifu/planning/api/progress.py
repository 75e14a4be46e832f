"""``/api/progress/?region=CODE&year=Y&as_of=YYYY-MM-DD``: a dashboard's numbers as JSON.

The same parsing, scope and numbers as the 工作进度 page (``dashboard_views``):
a region outside the caller's scope answers 404, a malformed parameter 400.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import dashboard_views, progress
from ..models import ProgressFact


class ProgressView(APIView):
    """Figures, targets, the share the phases expect, the current phase, each
    sub-region's progress (slow ones flagged) and the monthly trend of trainees."""

    # RolePermission reads the model from here: planning.view_progressfact.
    queryset = ProgressFact.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="区划代码（6/9/12 位），默认本人所属区划"),
            OpenApiParameter("year", int, description="年度；不填为 2018—2020 全程"),
            OpenApiParameter(
                "as_of", OpenApiTypes.DATE, description="统计截至日期（按整月），默认今天"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        try:
            query = dashboard_views.parse_query(request.user, request.query_params)
        except dashboard_views.BadParams as exc:
            errors = {field: str(message) for field, message in exc.errors.items()}
            return Response(
                {"detail": "; ".join(errors.values()), "errors": errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        state = dashboard_views.summaries_state()
        board = progress.dashboard(
            query.region, as_of=query.as_of, year=query.year, user=request.user
        )
        data = dashboard_views.board_data(board, query, state, dashboard_views.pending_rebuild())
        return Response(data)
