"""Calls go one way: the import contract in .importlinter holds for the code as it is, and
it fails on a deliberately wrong import, so a wrong import fails `make test`."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("dfc", "accounts", "notifications", "devices", "support", "reporting", "privacy")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(folder / ".importlinter"), "--no-cache"],
        cwd=folder,
        env=os.environ | {"PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_every_package_imports_only_the_layers_below_it():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def copy_of_the_code(folder: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            folder / package,
            ignore=shutil.ignore_patterns("templates", "static", "__pycache__", "*.html"),
        )
    shutil.copy(ROOT / ".importlinter", folder / ".importlinter")
    return folder


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path: Path):
    copy_of_the_code(tmp_path)
    wrong = tmp_path / "notifications" / "wrong.py"
    wrong.write_text("from support.models import Ticket  # the outbox reaching up into the desk\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "notifications.wrong -> support.models" in result.stdout


def test_a_page_writing_audit_rows_itself_breaks_the_contract(tmp_path: Path):
    """Audit rows are written by the services that return personal data, in one place."""
    copy_of_the_code(tmp_path)
    wrong = tmp_path / "devices" / "pages" / "wrong.py"
    wrong.write_text("from dfc.audit.writer import record_access  # a second place for the rule\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "devices.pages.wrong -> dfc.audit.writer" in result.stdout
