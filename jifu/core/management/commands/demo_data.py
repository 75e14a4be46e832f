from pathlib import Path

from jifu.core.commands import JifuCommand
from jifu.core.i18n import bi
from jifu.demo import loader as demo


class Command(JifuCommand):
    help = "生成演示数据（合成的，不含真实人员） / generate synthetic demo data (no real people)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--persons", type=int, default=2000, help="人数 / number of persons (2000)"
        )
        parser.add_argument(
            "--counties",
            default="",
            help="县级区划代码，逗号分隔；默认 35 个深度贫困县 / comma-separated county codes; default the 35 deep-poverty counties",
        )
        parser.add_argument(
            "--enrolments",
            type=int,
            default=None,
            help="培训人次，默认约每 8 人 1 人次 / training enrolments (default: about 1 per 8 persons)",
        )
        parser.add_argument("--seed", type=int, default=2018, help="随机种子 / random seed (2018)")
        parser.add_argument(
            "--out", help="把生成的人员写成台账 CSV / also write the persons as a ledger CSV"
        )
        parser.add_argument(
            "--no-users", action="store_true", help="不创建演示账号 / do not create demo logins"
        )

    def handle(self, *args, persons, counties, seed, out, no_users, enrolments, **options):
        county_list = [c.strip() for c in counties.split(",") if c.strip()] or None
        if persons < 0:
            self.fail("人数不能为负数", "--persons must not be negative")
        if enrolments is not None and enrolments < 0:
            self.fail("培训人次不能为负数", "--enrolments must not be negative")
        try:
            result = demo.build(
                persons=persons,
                counties=county_list,
                seed=seed,
                with_users=not no_users,
                enrolments=enrolments,
            )
        except demo.DemoDataError as exc:
            self.fail(exc.message_zh, exc.message_en)
        self.ok(
            f"已生成 {result.persons} 人、{result.households} 户，新增村 {result.villages_created} 个",
            f"generated {result.persons} persons in {result.households} households; {result.villages_created} villages created",
        )
        for line in result.notes:
            self.stdout.write(line)
        training = result.training
        if training is not None and not training.skipped:
            self.stdout.write(
                bi(
                    f"培训：机构 {training.institutions} 个，培训班 {training.classes} 个，学员 {training.enrolments} 人次，"
                    f"考核 {training.assessments} 人，证书 {training.certificates} 本",
                    f"training: {training.institutions} institutions, {training.classes} classes, "
                    f"{training.enrolments} enrolments, {training.assessments} assessments, "
                    f"{training.certificates} certificates",
                )
            )
        employment = result.employment
        if employment is not None and not employment.skipped:
            self.stdout.write(
                bi(
                    f"就业：用人单位 {employment.employers} 家，岗位 {employment.jobs} 个，就业安置 {employment.placements} 人次，"
                    f"回访 {employment.follow_ups} 条，以工代训 {employment.work_training} 人月，创业 {employment.startups} 户",
                    f"employment: {employment.employers} employers, {employment.jobs} job posts, "
                    f"{employment.placements} placements, {employment.follow_ups} follow-ups, "
                    f"{employment.work_training} work-based training months, {employment.startups} start-ups",
                )
            )
        subsidies = result.subsidies
        if subsidies is not None and not subsidies.skipped:
            from jifu.subsidies.choices import ClaimStatus

            states = "、".join(
                f"{ClaimStatus(k).label} {v}" for k, v in sorted(subsidies.claims.items())
            )
            states_en = ", ".join(f"{v} {k}" for k, v in sorted(subsidies.claims.items()))
            self.stdout.write(
                bi(
                    f"补贴：标准 {subsidies.standards} 条，收款账户 {subsidies.accounts} 个，"
                    f"资金下达 {subsidies.allocations} 笔共 {subsidies.allocated / 10000:.0f} 万元，"
                    f"申领 {sum(subsidies.claims.values())} 件（{states or '无'}），"
                    f"公示举报 {subsidies.complaints} 件，支付批次 {subsidies.batches} 个",
                    f"subsidies: {subsidies.standards} standards, {subsidies.accounts} payee accounts, "
                    f"{subsidies.allocations} allocations (CNY {subsidies.allocated:,.0f}), "
                    f"{sum(subsidies.claims.values())} claims ({states_en or 'none'}), "
                    f"{subsidies.complaints} complaints, {subsidies.batches} payment batches",
                )
            )
        if out:
            path = Path(out)
            path.write_bytes(demo.ledger_bytes(result.data))
            self.stdout.write(bi(f"台账已写入 {path}", f"ledger written to {path}"))
        if result.logins:
            self.stdout.write(
                bi(
                    f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：",
                    f"demo logins (password {demo.DEMO_PASSWORD}):",
                )
            )
            for username, label, scope in result.logins:
                self.stdout.write(f"  {username:<22} {label}  {scope}")
