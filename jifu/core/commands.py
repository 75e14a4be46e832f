"""Base class for jifu's management commands: CLI audit context, bilingual errors,
and ``jifu NOUN VERB`` sub-commands."""

from django.core.management.base import BaseCommand, CommandError

from . import context


class JifuCommand(BaseCommand):
    """Runs ``handle`` with a command-line request context for the audit log.

    Sub-commands: set ``subcommands = {"load": "help text"}`` and implement
    ``add_<name>_arguments(parser)`` and ``handle_<name>(**options)``.
    """

    subcommands: dict[str, str] = {}

    def add_arguments(self, parser):
        if not self.subcommands:
            return
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{" + ",".join(self.subcommands) + "}"
        )
        for name, help_text in self.subcommands.items():
            subparser = sub.add_parser(name, help=help_text, description=help_text)
            adder = getattr(self, f"add_{name}_arguments", None)
            if adder:
                adder(subparser)

    def execute(self, *args, **options):
        token = context.set(
            context.RequestContext(request_id=context.new_request_id(), channel="cli")
        )
        try:
            return super().execute(*args, **options)
        finally:
            context.reset(token)

    def handle(self, *args, **options):
        if self.subcommands:
            name = options.pop("subcommand")
            return getattr(self, f"handle_{name.replace('-', '_')}")(**options)
        raise NotImplementedError

    def fail(self, message_zh: str, message_en: str, code: int = 1):
        raise CommandError(f"{message_zh} / {message_en}", returncode=code)

    def ok(self, message_zh: str, message_en: str):
        self.stdout.write(self.style.SUCCESS(f"{message_zh} / {message_en}"))
