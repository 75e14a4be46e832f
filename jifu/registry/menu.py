from django.utils.translation import gettext_lazy as _

from jifu.core.menu import MenuItem, register

register(
    "registry",
    _("一库五名单"),
    10,
    MenuItem(_("贫困劳动力"), "registry:person_list", "registry.view_person", "person-vcard"),
    MenuItem(_("五名单"), "registry:five_lists", "registry.view_person", "list-check"),
    MenuItem(_("贫困户"), "registry:household_list", "registry.view_household", "house"),
    MenuItem(_("台账"), "registry:ledger", "registry.view_person", "journal-text"),
    MenuItem(_("宣传动员"), "registry:outreach_list", "registry.view_outreachevent", "megaphone"),
    MenuItem(_("导入台账"), "registry:import", "registry.import_person", "upload"),
)
