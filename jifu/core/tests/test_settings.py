"""Production settings pass Django's deployment checks; embedded ones stay safe."""

import base64
import os
import subprocess
import sys


def _run(env_extra, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_extra, DJANGO_SETTINGS_MODULE="jifu.settings")
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    result = _run(
        {
            "JIFU_MODE": "production",
            "SECRET_KEY": "x7#Kp2!vQ9zL" * 5,
            "JIFU_DATA_KEY": "1:" + base64.b64encode(bytes(range(32))).decode(),
            "ALLOWED_HOSTS": "jifu.example.gov.cn",
            "JIFU_VAR_DIR": str(tmp_path),
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run({"JIFU_MODE": "production", "JIFU_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
