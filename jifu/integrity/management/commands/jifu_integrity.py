"""``jifu integrity scan [--region CODE] [--json]``: run every rule, file the findings, print them.

For the system operator on the server: the JSON names persons by full ID number
and accounts by full number (the UI masks them). Exit 0 whether or not anything
is found, 2 when the scan cannot run.
"""

from django.db import DatabaseError

from jifu.core import crypto
from jifu.core.commands import JifuCommand
from jifu.regions import codes
from jifu.regions.lookup import canonical_code
from jifu.regions.models import Region
from jifu.registry.models import Person

from ...choices import SubjectKind
from ...services import scan

EXIT_CANNOT_RUN = 2


def _subject_json(subject, secrets: dict, people: dict) -> dict:
    kind = subject.kind
    if kind == SubjectKind.PERSON:
        person = people[int(subject.key)]
        return {
            "kind": kind,
            "id_number": crypto.decrypt(person.id_number_enc, context="person.id_number"),
        }
    if kind == SubjectKind.CLASS:
        return {"kind": kind, "code": subject.key}
    if kind == SubjectKind.INSTITUTION:
        return {"kind": kind, "credit_code": subject.key}
    if kind == SubjectKind.CERTIFICATE:
        return {"kind": kind, "number": subject.key}
    if kind == SubjectKind.ACCOUNT:
        token, context = secrets[subject.key]
        return {"kind": kind, "number": crypto.decrypt(token, context=context)}
    return {"kind": kind, "id": int(subject.key)}


class Command(JifuCommand):
    help = "疑点核查 / program integrity"
    subcommands = {
        "scan": "运行全部疑点规则并输出结果 / run every integrity rule and print the findings"
    }

    def add_scan_arguments(self, parser):
        parser.add_argument(
            "--region", default="", help="只扫描该区划 / scan only this region (code)"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="以 JSON 输出（含完整证件号） / print JSON (full ID numbers)",
        )

    def handle_scan(self, *, region="", **options):
        prefix = ""
        if region:
            try:
                found = Region.objects.get(code=canonical_code(region))
            except (codes.RegionCodeError, Region.DoesNotExist):
                self.fail(
                    f"区划代码 {region} 不存在", f"unknown region code {region}", EXIT_CANNOT_RUN
                )
            prefix = found.prefix
        try:
            result = scan(prefix=prefix, trigger="cli")
        except DatabaseError as exc:
            self.fail("无法扫描：数据库错误", f"cannot scan: database error {exc}", EXIT_CANNOT_RUN)
        person_ids = {
            int(s.key) for f in result.found for s in f.subjects if s.kind == SubjectKind.PERSON
        }
        people = {p.pk: p for p in Person.objects.filter(pk__in=person_ids)}
        if options.get("json"):
            self._print_json(result.found, people)
            return
        for f in result.found:
            self.stdout.write(f"[{f.severity}] {f.rule}: {f.detail}")
        self.ok(
            f"扫描完成：{len(result.found)} 个疑点，新增 {result.run.new} 个，用时 {result.run.seconds} 秒",
            f"scan done: {len(result.found)} findings, {result.run.new} new, {result.run.seconds} s",
        )

    def _print_json(self, found, people):
        import json

        out = [
            {
                "rule": f.rule,
                "severity": f.severity,
                "subjects": [_subject_json(s, f.secrets, people) for s in f.subjects],
                "detail": f.detail,
            }
            for f in found
        ]
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
