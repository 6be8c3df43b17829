"""Top-level URLs: the admin, the REST API under /api/, its OpenAPI schema and docs, and the
WebSocket's JSON Schema."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from htrae.health import HealthApi
from htrae.metrics import metrics_view
from htrae.probes import healthz, readyz
from world.api import WebSocketSchemaApi
from world.views import index

admin.site.site_header = "Htrae world administration"
admin.site.site_title = "Htrae admin"
admin.site.index_title = "The world of Htrae"

urlpatterns = [
    path("", index, name="index"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/health", HealthApi.as_view(), name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/schema/websocket.json", WebSocketSchemaApi.as_view(), name="websocket-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/", include("world.urls")),
    path("api/", include("spectra.urls")),
    path("api/", include("memory.urls")),
    path("api/", include("narrative.urls")),
]

handler400 = "htrae.errors.handler400"
handler403 = "htrae.errors.handler403"
handler404 = "htrae.errors.handler404"
handler500 = "htrae.errors.handler500"
