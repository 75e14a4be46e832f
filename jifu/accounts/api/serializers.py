from rest_framework import serializers

from ..models import User


class UserSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "role",
            "region",
            "org_credit_code",
            "is_active",
            "last_login",
        ]
