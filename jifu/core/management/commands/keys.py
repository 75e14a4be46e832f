from django.apps import apps
from django.db import transaction

from jifu.audit import services as audit
from jifu.core import crypto
from jifu.core.commands import JifuCommand


class Command(JifuCommand):
    help = "数据加密密钥 / data encryption keys"
    subcommands = {
        "generate": "生成一个新密钥条目（加到 JIFU_DATA_KEY） / print a new key entry to add to JIFU_DATA_KEY",
        "status": "各加密列中需要轮换的值 / how many values need re-encryption",
        "rotate": "用当前密钥和算法重新加密所有值 / re-encrypt every value with the current key and cipher",
    }

    def add_generate_arguments(self, parser):
        parser.add_argument(
            "--version", type=int, required=True, help="密钥版本号 / key version number"
        )

    def add_rotate_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=2000, help="每批行数 / rows per batch (2000)"
        )

    def handle_generate(self, version, **options):
        self.stdout.write(crypto.generate_key_entry(version))

    def _columns(self):
        for label, column, context in crypto.ENCRYPTED_COLUMNS:
            yield apps.get_model(label), column, context

    def handle_status(self, **options):
        ring = crypto.get_keyring()
        self.stdout.write(
            f"当前密钥版本 / current key version: {ring.current.version}, cipher: {ring.cipher}"
        )
        for model, column, _context in self._columns():
            stale = sum(
                1
                for token in model.objects.exclude(**{column: ""})
                .values_list(column, flat=True)
                .iterator()
                if crypto.needs_rotation(token)
            )
            self.stdout.write(f"  {model._meta.label}.{column}: {stale}")

    def handle_rotate(self, batch, **options):
        total = 0
        for model, column, context in self._columns():
            last_pk = 0
            while True:
                with transaction.atomic():
                    rows = list(
                        model.objects.select_for_update()
                        .filter(pk__gt=last_pk)
                        .exclude(**{column: ""})
                        .order_by("pk")
                        .only("pk", column)[:batch]
                    )
                    if not rows:
                        break
                    stale = [r for r in rows if crypto.needs_rotation(getattr(r, column))]
                    for row in stale:
                        setattr(
                            row, column, crypto.reencrypt(getattr(row, column), context=context)
                        )
                    model.objects.bulk_update(stale, [column], batch_size=1000)
                    total += len(stale)
                    last_pk = rows[-1].pk
        with transaction.atomic():
            audit.record(
                "update",
                object_type="core.keys",
                object_repr="数据加密密钥轮换",
                after={"reencrypted": total},
            )
        self.ok(f"已重新加密 {total} 个值", f"re-encrypted {total} values")
