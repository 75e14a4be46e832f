from rest_framework import serializers

from ..models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "timestamp",
            "actor_username",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "region_code",
            "before",
            "after",
            "message",
            "request_id",
            "client_ip",
            "channel",
            "prev_hash",
            "hash",
        ]
