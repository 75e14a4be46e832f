from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from jifu.core.importing import UnusableFile
from jifu.core.views import ObjectActionView, ObjectDetailView, ObjectListView, button

from . import services
from .filtersets import RegionFilterSet
from .forms import PovertyCategoryForm, VillageImportForm
from .models import Region
from .tables import RegionTable

REGIONS = (_("行政区划"), reverse_lazy("regions:region_list"))


class RegionListView(ObjectListView):
    queryset = Region.objects.select_related("parent")
    filterset_class = RegionFilterSet
    table_class = RegionTable
    title = _("行政区划")
    toolbar = [
        button(_("导入村级区划"), "regions:village_import", "regions.import_region", "upload")
    ]


class RegionDetailView(ObjectDetailView):
    queryset = Region.objects.select_related("parent")
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "regions/region_detail.html"
    list_url_name = "regions:region_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        children = Region.objects.restrict(self.request.user).filter(parent=self.object)
        # Poverty categories belong to counties: show them only when the children are counties.
        exclude = (
            ("parent",)
            if self.object.level == "prefecture"
            else ("parent", "poverty_category", "category_source")
        )
        ctx["children_table"] = RegionTable(children, request=self.request, exclude=exclude)
        ctx["children_table"].paginate(page=self.request.GET.get("page", 1), per_page=50)
        ctx["ancestors"] = self.object.ancestors()
        ctx["can_change"] = (
            self.request.user.has_perm("regions.change_region") and self.object.level == "county"
        )
        return ctx


class PovertyCategoryView(ObjectActionView):
    queryset = Region.objects.all()
    form_class = PovertyCategoryForm
    object_lookup = "code"
    lookup_field = "code"
    title = _("修正贫困县类别")
    breadcrumbs = [REGIONS]

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if self.object is not None and self.object.level != "county":
            raise PermissionDenied
        return response

    def get_initial(self):
        return {"poverty_category": self.object.poverty_category}

    def perform(self, form):
        return services.set_poverty_category(
            self.object,
            form.cleaned_data["poverty_category"],
            actor=self.request.user,
            note=form.cleaned_data["note"],
        )


class VillageImportView(LoginRequiredMixin, FormView):
    """Upload an official village list; the result page lists every rejected line."""

    form_class = VillageImportForm
    template_name = "regions/village_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("regions.import_region"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("导入村级区划")
        ctx["breadcrumbs"] = [REGIONS, (_("导入村级区划"), None)]
        return ctx

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_VILLAGE_FILE_BYTES:
            form.add_error("file", _("文件超过 20 MB 上限"))
            return self.form_invalid(form)
        try:
            report = services.import_villages(
                upload.read(), actor=self.request.user, source_name=upload.name
            )
        except UnusableFile as exc:
            form.add_error("file", exc.message_zh)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"已处理 {report.rows} 行：新增 {report.created}，更新 {report.updated}，拒绝 {report.rejected}",
        )
        return render(
            self.request,
            self.template_name,
            self.get_context_data(form=VillageImportForm(), report=report),
        )


class RegionTreeView(LoginRequiredMixin, TemplateView):
    """One level of the region tree (htmx partial), rooted at the user's scope."""

    template_name = "regions/_tree_nodes.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        visible = Region.objects.restrict(user).exclude(level="village")
        parent = self.request.GET.get("parent")
        if parent:
            nodes = visible.filter(parent__code=parent)
        else:
            nodes = visible.filter(code=user.region.code) if user.region_id else visible.none()
        ctx["nodes"] = nodes.order_by("code")
        ctx["param"] = self.request.GET.get("param", "region")
        ctx["target"] = self.request.GET.get("target") or reverse("regions:region_list")
        ctx["selected"] = self.request.GET.get("selected", "")
        return ctx
