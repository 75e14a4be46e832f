"""Running the rules, keeping their findings, deciding about them, blocking payment.

``scan`` runs every rule, files each finding under its fingerprint (a finding
found again keeps its status and decision), and marks findings that a scan of
the same region no longer finds as no longer present. Decisions are audited.
``blocked_lines`` is what the subsidies app asks before it pays: a claim line
is held while a finding that touches it is new, being checked or confirmed.
"""

import time
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from jifu.audit import services as audit

from . import rules
from .choices import BLOCKING_STATUSES, FindingStatus
from .models import Finding, ScanRun


@dataclass
class ScanResult:
    run: ScanRun
    found: list  # rules.Found, in rule order
    findings: list  # the Finding rows, same order


@transaction.atomic
def scan(*, prefix: str = "", trigger: str = "manual", actor=None) -> ScanResult:
    started = time.monotonic()
    now = timezone.now()
    run = ScanRun.objects.create(started_at=now, region_code=prefix, trigger=trigger[:40])
    found = []
    seen = {}
    for x in rules.run_all(prefix):
        if x.fingerprint in seen:  # two sentences about the same subjects: one finding
            seen[x.fingerprint].detail += "；" + x.detail
            continue
        seen[x.fingerprint] = x
        found.append(x)
    existing = {
        f.fingerprint: f
        for f in Finding.objects.filter(fingerprint__in=[x.fingerprint for x in found])
    }
    findings, new = [], 0
    for x in found:
        subjects = [{"kind": s.kind, "key": s.key, "label": s.label} for s in x.subjects]
        finding = existing.get(x.fingerprint)
        if finding is None:
            finding = Finding.objects.create(
                rule=x.rule,
                severity=x.severity,
                fingerprint=x.fingerprint,
                detail=x.detail,
                subjects=subjects,
                region_code=x.region_code,
                last_seen=now,
            )
            new += 1
        else:
            finding.detail, finding.subjects, finding.severity = x.detail, subjects, x.severity
            finding.last_seen, finding.present = now, True
            finding.save(update_fields=["detail", "subjects", "severity", "last_seen", "present"])
        finding.persons.set(x.persons)
        finding.classes.set(x.classes)
        finding.lines.set(x.lines)
        findings.append(finding)
    gone = Finding.objects.filter(region_code__startswith=prefix, present=True).exclude(
        pk__in=[f.pk for f in findings]
    )
    gone.update(present=False)
    run.finished_at = timezone.now()
    run.found, run.new = len(found), new
    run.seconds = round(time.monotonic() - started, 3)
    run.save()
    audit.record(
        "verify",
        actor=actor,
        object_type="integrity.scanrun",
        object_id=str(run.pk),
        object_repr=f"疑点扫描 {prefix or '全省'}",
        region_code=prefix,
        after={"found": run.found, "new": new, "seconds": run.seconds},
        message=f"疑点扫描（{trigger}）",
    )
    return ScanResult(run=run, found=found, findings=findings)


def _decide(finding: Finding, *, actor, to: str, reason: str, allowed: set) -> Finding:
    if not actor.has_perm("integrity.decide_finding"):
        raise PermissionDenied
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if not Finding.objects.restrict(actor).filter(pk=finding.pk).exists():
        raise PermissionDenied  # another county's finding
    if finding.status not in allowed:
        raise ValidationError(
            f"疑点状态为“{finding.get_status_display()}”，不能改为“{FindingStatus(to).label}”"
        )
    if to in (FindingStatus.CONFIRMED, FindingStatus.DISMISSED) and not reason.strip():
        raise ValidationError({"reason": "请填写核查结论"})
    before = {"status": finding.status}
    finding.status, finding.reason = to, reason.strip() or finding.reason
    finding.decided_by, finding.decided_at = actor, timezone.now()
    finding.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(
        "update",
        actor=actor,
        obj=finding,
        before=before,
        after={"status": to, "reason": finding.reason},
        message=f"疑点{FindingStatus(to).label}",
    )
    return finding


@transaction.atomic
def start_check(finding: Finding, *, actor) -> Finding:
    return _decide(
        finding, actor=actor, to=FindingStatus.CHECKING, reason="", allowed={FindingStatus.NEW}
    )


@transaction.atomic
def confirm(finding: Finding, *, actor, reason: str) -> Finding:
    return _decide(
        finding,
        actor=actor,
        to=FindingStatus.CONFIRMED,
        reason=reason,
        allowed={FindingStatus.NEW, FindingStatus.CHECKING},
    )


@transaction.atomic
def dismiss(finding: Finding, *, actor, reason: str) -> Finding:
    return _decide(
        finding,
        actor=actor,
        to=FindingStatus.DISMISSED,
        reason=reason,
        allowed={FindingStatus.NEW, FindingStatus.CHECKING},
    )


def blocked_lines(lines) -> dict[int, str]:
    """line pk → why it may not be paid, for the lines touched by a blocking finding.

    A finding touches a line when it names the line, or names its person and
    either no class or the class the line is for.
    """
    lines = list(lines)
    if not lines:
        return {}
    by_line = {}
    direct = Finding.lines.through.objects.filter(
        claimline_id__in=[x.pk for x in lines], finding__status__in=BLOCKING_STATUSES
    ).select_related("finding")
    for link in direct:
        by_line.setdefault(link.claimline_id, link.finding)
    person_links = Finding.persons.through.objects.filter(
        person_id__in={x.person_id for x in lines}, finding__status__in=BLOCKING_STATUSES
    ).select_related("finding")
    by_person = {}
    for link in person_links:
        by_person.setdefault(link.person_id, []).append(link.finding)
    class_of = {}
    if by_person:
        for finding_id, class_id in Finding.classes.through.objects.filter(
            finding_id__in={f.pk for fs in by_person.values() for f in fs}
        ).values_list("finding_id", "trainingclass_id"):
            class_of.setdefault(finding_id, set()).add(class_id)
    for line in lines:
        if line.pk in by_line:
            continue
        line_class = line.enrolment.training_class_id if line.enrolment_id else None
        for finding in by_person.get(line.person_id, []):
            classes = class_of.get(finding.pk)
            if not classes or line_class in classes:
                by_line[line.pk] = finding
                break
    return {
        pk: f"疑点 #{f.pk}（{f.get_rule_display()}，{f.get_status_display()}）"
        for pk, f in by_line.items()
    }
