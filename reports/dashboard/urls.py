"""The reports' pages, under /bao-cao/ (namespace "reports")."""

from django.urls import path

from reports.dashboard import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xuat/<str:file_format>/", views.dashboard_export, name="dashboard_export"),
    path("in/", views.print_view, name="print"),
    path("so-lieu.json", views.figures_json, name="figures_json"),
    path("bieu/", views.tables, name="tables"),
    path("bieu/<str:key>/", views.tables, name="table"),
    path("bieu/<str:key>/xuat/<str:file_format>/", views.table_export, name="table_export"),
    path("co-hoi/", views.opportunities, name="opportunities"),
    path(
        "co-hoi/<str:key>/xuat/<str:file_format>/",
        views.opportunities_export,
        name="opportunities_export",
    ),
]
