from django.utils.translation import gettext_lazy as _

from jifu.core.menu import MenuItem, register

register(
    "training",
    _("培训"),
    20,
    MenuItem(_("培训班"), "training:class_list", "training.view_trainingclass", "easel"),
    MenuItem(_("学员"), "training:enrolment_list", "training.view_enrolment", "people"),
    MenuItem(_("培训机构"), "training:institution_list", "training.view_institution", "building"),
    MenuItem(_("证书"), "training:certificate_list", "training.view_certificate", "award"),
    MenuItem(
        _("职业技能鉴定"), "training:appraisal_list", "training.view_appraisal", "patch-check"
    ),
    MenuItem(_("职业(工种)"), "training:occupation_list", "training.view_occupation", "tools"),
)
