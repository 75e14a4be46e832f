from rest_framework import serializers

from ..models import Region


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    short_code = serializers.CharField(read_only=True)
    is_deep_poverty = serializers.BooleanField(read_only=True)

    class Meta:
        model = Region
        fields = [
            "code",
            "short_code",
            "name",
            "level",
            "kind",
            "parent",
            "poverty_category",
            "category_source",
            "is_deep_poverty",
        ]
