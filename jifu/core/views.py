"""Generic pages declared per model: list, detail and action (form → service).

A concrete view is a few class attributes (queryset, filterset, table, form);
the machinery — scoping, the region tree, breadcrumbs, pagination — lives here
once, as in NetBox's generic views.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin


def button(label, url_name: str, permission: str, icon: str = "plus") -> dict:
    """A toolbar button above a list, shown only to roles with ``permission``."""
    from django.urls import reverse_lazy

    return {"label": label, "url": reverse_lazy(url_name), "permission": permission, "icon": icon}


def messages_of(exc: ValidationError) -> list[str]:
    """Every message of a service's ValidationError, whatever its shape."""
    return [m for ms in getattr(exc, "message_dict", {"": exc.messages}).values() for m in ms]


class ExportListMixin:
    """``?export=xlsx|csv``: the filtered list as a ledger (the builder audits it)."""

    ledger_builder = None

    def render_to_response(self, context, **kwargs):
        from . import exporting

        exports = {"xlsx": exporting.xlsx_response, "csv": exporting.csv_response}
        fmt = self.request.GET.get("export")
        if fmt not in exports or type(self).ledger_builder is None:
            return super().render_to_response(context, **kwargs)
        ledger = type(self).ledger_builder(self.object_list, actor=self.request.user)
        return exports[fmt](ledger, f"{ledger.title}.{fmt}")


class ScopedMixin(LoginRequiredMixin):
    """Restrict ``queryset`` to the user's scope for ``action``.

    A list page the role may not use answers 403; an object outside the scope
    answers 404 (it is simply not in the restricted queryset).
    """

    queryset = None
    action = "view"
    title = ""
    breadcrumbs: list[tuple[str, str | None]] = []

    def permission_name(self) -> str:
        meta = self.queryset.model._meta
        return f"{meta.app_label}.{self.action}_{meta.model_name}"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission_name()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, self.action)

    def get_title(self):
        return self.title or self.queryset.model._meta.verbose_name_plural

    def get_breadcrumbs(self):
        return [*self.breadcrumbs, (self.get_title(), None)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.get_title()
        ctx["breadcrumbs"] = self.get_breadcrumbs()
        return ctx


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """Search form above a table, region tree on the left, toolbar actions."""

    template_name = "generic/object_list.html"
    region_tree = True
    toolbar: list[dict] = []
    paginate_by = 25

    def get_table_kwargs(self):
        return {"request": self.request}

    def get_toolbar(self):
        user = self.request.user
        return [
            b for b in self.toolbar if not b.get("permission") or user.has_perm(b["permission"])
        ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["region_tree"] = self.region_tree
        ctx["toolbar"] = self.get_toolbar()
        ctx["total"] = (
            ctx["table"].paginator.count if ctx["table"].paginator else len(ctx["table"].rows)
        )
        ctx["selected_region"] = self.request.GET.get("region", "")
        return ctx


class ObjectDetailView(ScopedMixin, DetailView):
    """Header with key facts, related tabs, the audit history for roles that may see it."""

    template_name = "generic/object_detail.html"
    list_url_name = ""

    def get_title(self):
        return str(self.object)

    def get_breadcrumbs(self):
        meta = self.queryset.model._meta
        crumbs = list(self.breadcrumbs)
        if self.list_url_name:
            from django.urls import reverse

            crumbs.append((meta.verbose_name_plural, reverse(self.list_url_name)))
        return [*crumbs, (str(self.object), None)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        if user.has_perm("audit.view_auditevent"):
            from jifu.audit.models import AuditEvent

            ctx["history"] = AuditEvent.objects.restrict(user).for_object(self.object)[:50]
        return ctx


class ObjectActionView(ScopedMixin, FormView):
    """A form whose valid data is handed to a service function.

    Subclasses set ``form_class`` and implement ``perform(form)``; a
    ``ValidationError`` from the service is shown on the form, in Chinese.
    ``object_lookup`` names the URL kwarg of a target object (found through
    the restricted queryset, so out-of-scope targets are 404).
    """

    template_name = "generic/object_form.html"
    action = "change"
    object_lookup: str | None = None
    lookup_field = "pk"
    success_message = _("已保存")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = None

    def get_object(self):
        try:
            return self.get_queryset().get(**{self.lookup_field: self.kwargs[self.object_lookup]})
        except self.queryset.model.DoesNotExist:
            raise Http404 from None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.object_lookup:
            # Scope before permission: another region's object is 404 for everyone.
            view_qs = self.queryset.restrict(request.user, "view")
            if not view_qs.filter(**{self.lookup_field: kwargs[self.object_lookup]}).exists():
                raise Http404
            self.object = (
                self.get_object() if request.user.has_perm(self.permission_name()) else None
            )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        crumbs = list(self.breadcrumbs)
        if self.object is not None:
            crumbs.append((str(self.object), self.object.get_absolute_url()))
        return [*crumbs, (self.get_title(), None)]

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                for error in exc.messages:
                    form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url(result))

    def get_form(self, form_class=None):
        from .filters import style_form

        return style_form(super().get_form(form_class))

    def perform(self, form):
        raise NotImplementedError

    def get_success_url(self, result=None):
        target = result if result is not None else self.object
        return target.get_absolute_url()


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role's home page: counts from the database and the role's work list."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        from . import home

        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("首页")
        ctx["breadcrumbs"] = [(_("首页"), None)]
        ctx["cards"] = home.cards_for(self.request.user)
        ctx["map_data"] = home.map_for(self.request.user)
        return ctx
