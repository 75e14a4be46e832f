"""URLs of the planning plan pages (filled in by the module's owner)."""

urlpatterns: list = []
