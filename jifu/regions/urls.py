from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.RegionListView.as_view(), name="region_list"),
    path("tree/", views.RegionTreeView.as_view(), name="region_tree"),
    path("import/", views.VillageImportView.as_view(), name="village_import"),
    path("<str:code>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("<str:code>/category/", views.PovertyCategoryView.as_view(), name="region_category"),
]
