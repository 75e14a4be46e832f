from django.utils.translation import gettext_lazy as _

from jifu.core.menu import MenuItem, register

register(
    "subsidies",
    _("补贴资金"),
    40,
    MenuItem(_("补贴申领"), "subsidies:claim_list", "subsidies.view_subsidyclaim", "cash-coin"),
    MenuItem(_("公示举报"), "subsidies:complaint_list", "subsidies.view_complaint", "flag"),
    MenuItem(_("支付批次"), "subsidies:batch_list", "subsidies.view_paymentbatch", "bank"),
    MenuItem(_("资金"), "subsidies:fund_list", "subsidies.view_fundallocation", "piggy-bank"),
    MenuItem(_("补贴标准"), "subsidies:standard_list", "subsidies.view_subsidystandard", "rulers"),
    MenuItem(
        _("资格规则"), "subsidies:rule_list", "subsidies.view_eligibilityrule", "check2-square"
    ),
)
