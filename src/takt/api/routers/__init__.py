"""The API's routers, one per concept; ``ROUTERS`` is what ``create_app`` mounts under /api/v1."""
