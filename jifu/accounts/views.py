from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from jifu.core.views import ObjectActionView, ObjectDetailView, ObjectListView, button

from . import services
from .filtersets import UserFilterSet
from .forms import UserCreateForm
from .models import User
from .tables import UserTable

USERS = (_("用户管理"), reverse_lazy("accounts:user_list"))


class UserListView(ObjectListView):
    queryset = User.objects.select_related("region")
    filterset_class = UserFilterSet
    table_class = UserTable
    title = _("用户管理")
    toolbar = [button(_("新增"), "accounts:user_add", "accounts.add_user", "plus")]


class UserDetailView(ObjectDetailView):
    queryset = User.objects.select_related("region")
    template_name = "accounts/user_detail.html"
    list_url_name = "accounts:user_list"


class UserCreateView(ObjectActionView):
    queryset = User.objects.all()
    action = "add"
    form_class = UserCreateForm
    title = _("新增用户")
    breadcrumbs = [USERS]
    success_message = _("用户已创建")

    def perform(self, form):
        data = form.cleaned_data
        return services.create_user(
            actor=self.request.user,
            username=data["username"],
            full_name=data["full_name"],
            role=data["role"],
            region=data["region"],
            org_credit_code=data["org_credit_code"],
            password=data["password1"],
        )
