"""Fixtures shared by every app's tests."""

from jifu.core.testing import fast_passwords, world  # noqa: F401 - pytest fixtures
