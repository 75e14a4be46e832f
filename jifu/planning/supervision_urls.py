"""URLs of the planning supervision pages (filled in by the module's owner)."""

urlpatterns: list = []
