from django.core.management import call_command

from jifu.core.commands import JifuCommand


class Command(JifuCommand):
    help = (
        "启动网站（内嵌模式） / serve the site (embedded mode); production runs gunicorn jifu.wsgi"
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="端口 / port (8000)")
        parser.add_argument(
            "--host", default="127.0.0.1", help="监听地址 / address to listen on (127.0.0.1)"
        )

    def handle(self, *args, port, host, **options):
        self.ok(f"网站地址 http://{host}:{port}/", f"serving on http://{host}:{port}/")
        call_command("runserver", f"{host}:{port}", use_reloader=False)
