from django.contrib import admin
from django.urls import include, path

from kcn_party import guide, second_factor, views
from organizations.admin import trail
from reports.dashboard import views as reports_views

admin.site.site_header = admin.site.site_title = "KCN Party"
# No "View site": the admin is the site for staff, and the header links the dashboard.
admin.site.site_url = None


def admin_login(request, extra_context=None):
    # The admin's own login, after which a leader lands on the dashboard (reports_views.landing).
    return reports_views.landing(admin.site.login(request, extra_context), request)


urlpatterns = [
    path("", reports_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The user guide (docs/huong-dan-su-dung.md) and its pictures (docs/), signed in.
    path("huong-dan/", guide.page, name="guide"),
    path("huong-dan/<path:name>", guide.picture, name="guide_picture"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("xac-thuc/", second_factor.verify, name="second_factor"),
    path("xac-thuc/dang-ky/", second_factor.enrol, name="second_factor_enrol"),
    path("admin/login/", admin_login),
    # The change trail's log, for administrators (organizations/admin/trail.py).
    path("admin/nhat-ky/", admin.site.admin_view(trail.trail_log), name="trail-log"),
    path("admin/", admin.site.urls),
    path("bao-cao/", include("reports.dashboard.urls")),
]
