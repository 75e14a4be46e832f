import sys

from django.core.exceptions import ValidationError

from jifu.core.commands import JifuCommand

from ... import services
from ...roles import Role


class Command(JifuCommand):
    help = "用户 / users"
    subcommands = {"create": "新建用户 / create a user"}

    def add_create_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values, help="角色 / role")
        parser.add_argument(
            "--region",
            required=True,
            help="所属区划代码（6/9/12 位） / region code (6, 9 or 12 digits)",
        )
        parser.add_argument(
            "--org", default="", help="所属单位统一社会信用代码 / organisation credit code"
        )
        parser.add_argument("--name", default="", help="姓名 / full name")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="从标准输入读取密码（不在命令行中出现） / read the password from standard input",
        )

    def handle_create(self, username, role, region, org, name, password_stdin, **options):
        if not password_stdin:
            self.fail(
                "请用 --password-stdin 从标准输入提供密码",
                "give the password on standard input with --password-stdin",
            )
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            self.fail("标准输入中没有密码", "no password on standard input")
        try:
            user = services.create_user(
                actor=None,
                username=username,
                role=role,
                region=region,
                org_credit_code=org,
                full_name=name,
                password=password,
            )
        except ValidationError as exc:
            parts = []
            for field, errors in getattr(exc, "message_dict", {"": exc.messages}).items():
                parts.extend(f"{field}: {e}" if field else e for e in errors)
            self.fail(
                "无法创建用户：" + "；".join(parts),
                "cannot create the user (see the Chinese message)",
            )
        self.ok(
            f"已创建用户 {user.username}（{user.get_role_display()}，{user.region.full_name()}）",
            f"created user {user.username} ({user.role}, {user.region.code})",
        )
