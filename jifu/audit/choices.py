from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")
    REVEAL = "reveal", _("查看明文")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    LOAD = "load", _("装载参考数据")
    VERIFY = "verify", _("校验审计链")
