from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("persons/", views.PersonListView.as_view(), name="person_list"),
    path("persons/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("persons/<int:pk>/reveal/<str:field>/", views.RevealView.as_view(), name="person_reveal"),
    path("persons/<int:pk>/guidance/", views.GuidanceCreateView.as_view(), name="guidance_add"),
    path("five-lists/", views.FiveListsView.as_view(), name="five_lists"),
    path("households/", views.HouseholdListView.as_view(), name="household_list"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/plan/", views.PlanCreateView.as_view(), name="plan_add"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path("outreach/", views.OutreachListView.as_view(), name="outreach_list"),
    path("outreach/add/", views.OutreachCreateView.as_view(), name="outreach_add"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template.xlsx", views.TemplateDownloadView.as_view(), name="import_template"),
    path("import/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/errors.xlsx", views.ImportErrorsView.as_view(), name="import_errors"),
]
