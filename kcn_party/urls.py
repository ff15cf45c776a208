from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kcn_party import views

admin.site.site_header = admin.site.site_title = "KCN Party"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
