"""Writes to user accounts: atomic, audited, with the acting user."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jifu.audit import services as audit
from jifu.regions import codes
from jifu.regions.lookup import resolve
from jifu.regions.models import Region

from . import backends
from .models import User
from .roles import ORG_ROLES, ROLE_LEVEL, Role

LEVEL_LABEL = {
    "province": "省级",
    "prefecture": "市州级",
    "county": "县级",
    "township": "乡镇级",
    "village": "村级",
}


def _snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "region": user.region.code if user.region_id else None,
        "org_credit_code": user.org_credit_code,
        "is_active": user.is_active,
    }


def validate_scope(role: str, region: Region, org_credit_code: str) -> None:
    """A role's scope must fit it: the right region level, an organisation for org roles."""
    errors = {}
    if role not in Role.values:
        errors["role"] = f"未知角色“{role}”"
    else:
        level = ROLE_LEVEL[Role(role)]
        if level and region.level != level:
            errors["region"] = (
                f"{Role(role).label}的用户须属于{LEVEL_LABEL[level]}区划，"
                f"“{region.name}”是{LEVEL_LABEL[region.level]}"
            )
        if role in ORG_ROLES and not org_credit_code:
            errors["org_credit_code"] = f"{Role(role).label}的用户须填写所属单位的统一社会信用代码"
        if role not in ORG_ROLES and org_credit_code:
            errors["org_credit_code"] = "只有培训机构、技工院校和用人单位的用户属于单位"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_user(
    *,
    actor,
    username: str,
    role: str,
    region,
    password: str,
    org_credit_code: str = "",
    full_name: str = "",
) -> User:
    """Create a user with one role and one scope. ``region`` is a Region or a code."""
    if not isinstance(region, Region):
        try:
            region = resolve(region)
        except codes.RegionCodeError as exc:
            raise ValidationError({"region": exc.message_zh}) from None
        except Region.DoesNotExist:
            raise ValidationError({"region": f"区划“{region}”不存在"}) from None
    org_credit_code = (org_credit_code or "").strip().upper()
    validate_scope(role, region, org_credit_code)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在"})
    user = User(
        username=username,
        role=role,
        region=region,
        org_credit_code=org_credit_code,
        full_name=full_name,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record("create", actor=actor, obj=user, after=_snapshot(user))
    return user


@transaction.atomic
def update_user(user: User, *, actor, **changes) -> User:
    """Change a user's name, role, scope or active flag."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _snapshot(user)
    allowed = {"full_name", "role", "region", "org_credit_code", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    for key, value in changes.items():
        setattr(user, key, value)
    validate_scope(user.role, user.region, user.org_credit_code)
    user.save()
    audit.record("update", actor=actor, obj=user, before=before, after=_snapshot(user))
    return user


@transaction.atomic
def set_password(user: User, password: str, *, actor) -> None:
    validate_password(password, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record("update", actor=actor, obj=user, message="密码已修改")


@transaction.atomic
def unlock_user(user: User, *, actor) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["failed_login_count", "locked_until"])
    audit.record("update", actor=actor, obj=user, message="解除登录锁定")


@transaction.atomic
def record_login(user: User) -> None:
    User.objects.filter(pk=user.pk).update(
        failed_login_count=0, locked_until=None, last_login=timezone.now()
    )
    audit.record("login", actor=user, obj=user)


@transaction.atomic
def record_failed_login(username: str) -> None:
    """Count a failed login; lock the account after repeated failures (等保 requirement)."""
    user = User.objects.select_for_update().filter(username=username).first()
    message = ""
    if user is not None:
        user.failed_login_count += 1
        if user.failed_login_count >= backends.MAX_FAILED_LOGINS:
            user.locked_until = backends.lock_deadline()
            message = f"连续 {user.failed_login_count} 次失败，锁定 {backends.LOCK_MINUTES} 分钟"
        user.save(update_fields=["failed_login_count", "locked_until"])
    audit.record(
        "login_failed",
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        object_repr=username[:150],
        actor_username=username[:150],
        region_code=user.region.code if user else "",
        message=message,
    )


@transaction.atomic
def record_logout(user: User) -> None:
    audit.record("logout", actor=user, obj=user)
