from django.contrib.auth import authenticate
from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from jifu.audit import services as audit
from jifu.core.api import ScopedReadOnlyViewSet

from ..filtersets import UserFilterSet
from ..models import User
from .serializers import UserSerializer


class UserViewSet(ScopedReadOnlyViewSet):
    queryset = User.objects.select_related("region")
    serializer_class = UserSerializer
    filterset_class = UserFilterSet


class TokenThrottle(AnonRateThrottle):
    rate = "30/min"


class ObtainTokenView(APIView):
    """``POST {"username", "password"}`` → ``{"token"}``; send it back as ``Authorization: Token …``."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request):
        username = str(request.data.get("username", ""))
        password = str(request.data.get("password", ""))
        if not username or not password:
            return Response(
                {"detail": "请提供用户名和密码 / username and password are required"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        user = authenticate(request, username=username, password=password)
        if user is None:
            return Response(
                {"detail": "用户名或密码错误 / invalid username or password"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        with transaction.atomic():
            token, _ = Token.objects.get_or_create(user=user)
            audit.record("login", actor=user, obj=user, message="API token issued")
        return Response({"token": token.key})
