"""Fixtures shared by every app's tests."""

import base64

import pytest

from jifu.core.testing import browser, fast_passwords, world  # noqa: F401 - pytest fixtures
from jifu.training.tests.fixtures_workflow import approved_class, trained_world  # noqa: F401


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, tmp_path_factory):
    """Tests never touch the developer's var/: keys and uploads go to a temporary folder."""
    var = tmp_path_factory.getbasetemp() / "var"
    var.mkdir(exist_ok=True)
    settings.VAR_DIR = var
    settings.MEDIA_ROOT = var / "media"
    # Each test starts with empty rate-limit counters.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A fixed synthetic key: tests never create or read a key file unless they mean to.
    settings.JIFU_DATA_KEY = TEST_DATA_KEY


TEST_DATA_KEY = "1:" + base64.b64encode(bytes(range(32))).decode()
