"""URLs of the planning dashboard pages (filled in by the module's owner)."""

urlpatterns: list = []
