"""WebSocket routes of the world app."""

from django.urls import path

from world.consumers import SimulationConsumer

websocket_urlpatterns = [
    path("ws/simulation", SimulationConsumer.as_asgi()),
]
