"""Fixtures shared by every app's tests."""

import pytest

from jifu.core.testing import browser, fast_passwords, world  # noqa: F401 - pytest fixtures


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, tmp_path_factory):
    """Tests never touch the developer's var/: keys and uploads go to a temporary folder."""
    var = tmp_path_factory.getbasetemp() / "var"
    var.mkdir(exist_ok=True)
    settings.VAR_DIR = var
