"""Writing and verifying the audit log.

``record`` is called by every service function inside its transaction, so the
audit row commits or rolls back with the change it describes.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from jifu.core import context

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _jsonable(value):
    """Round-trip through JSON so what is stored is exactly what was hashed."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _digest(fields: dict) -> str:
    payload = json.dumps(
        fields, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict:
    ts = event.timestamp
    return {
        "seq": event.seq,
        "timestamp": ts.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "region_code": event.region_code,
        "before": event.before,
        "after": event.after,
        "message": event.message,
        "request_id": event.request_id,
        "client_ip": event.client_ip,
        "channel": event.channel,
        "prev_hash": event.prev_hash,
    }


def _region_of(obj) -> str:
    """The region an object's event is filed under: its own scope code.

    A model whose scope is a plain field (``village_code``) needs nothing more;
    one scoped through a relation defines ``audit_region_code``.
    """
    explicit = getattr(obj, "audit_region_code", None)
    if explicit is not None:
        return explicit or ""
    field = getattr(obj, "scope_region_field", None)
    if field and "__" not in field:
        return getattr(obj, field, "") or ""
    return ""


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        region_code = region_code or _region_of(obj)
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_username = actor.get_username()
        if not region_code and getattr(actor, "region_id", None):
            region_code = actor.region.code
    else:
        actor = None
    ctx = context.get()
    # Locking the head row serialises writers: no two events share a sequence
    # number or predecessor (SQLite serialises writers on its own).
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    event = AuditEvent(
        seq=head.seq + 1,
        timestamp=timezone.now(),
        actor=actor,
        actor_username=actor_username[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        object_repr=object_repr[:200],
        region_code=region_code[:12],
        before=_jsonable(before),
        after=_jsonable(after),
        message=message,
        request_id=ctx.request_id,
        client_ip=ctx.client_ip,
        channel=ctx.channel,
        prev_hash=head.hash,
    )
    event.hash = _digest(_hashed_fields(event))
    event.save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(batch_size: int = 5000) -> VerifyResult:
    """Recompute the chain; report every edited, deleted or reordered row."""
    result = VerifyResult()
    expected_prev = GENESIS
    expected_seq = 1
    qs = AuditEvent.objects.order_by("seq")
    for event in qs.iterator(chunk_size=batch_size):
        result.checked += 1
        if event.seq != expected_seq:
            result.problems.append(
                f"#{expected_seq}..#{event.seq - 1}: 审计记录缺失 / audit rows missing"
            )
        if event.prev_hash != expected_prev:
            result.problems.append(f"#{event.seq}: 前一条哈希不符 / previous-hash link broken")
        if _digest(_hashed_fields(event)) != event.hash:
            result.problems.append(f"#{event.seq}: 内容被修改 / content altered")
        expected_prev = event.hash
        expected_seq = event.seq + 1
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS
    if head_seq != expected_seq - 1 or head_hash != expected_prev:
        result.problems.append(
            f"链尾应为 #{head_seq}，实际为 #{expected_seq - 1} / chain head is #{head_seq} "
            f"but the last row is #{expected_seq - 1}"
        )
    return result


def record_verification(actor, result: VerifyResult) -> None:
    with transaction.atomic():
        record(
            "verify",
            actor=actor,
            message=f"checked={result.checked} problems={len(result.problems)}",
        )
