# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures of the generator tests; registers the `req` traceability marker."""

import os
import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "req(id): the requirement (SRS-GEN-xxx, see verification/requirements.yaml) a test verifies")


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    """Every test runs from the repository root, as the Makefile runs the generator."""
    monkeypatch.chdir(REPO)


@pytest.fixture
def repo():
    return REPO


def run_cli(*args):
    """Run `python3 -m generator ARGS` in a subprocess; returns CompletedProcess."""
    import subprocess
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120, env=env)
