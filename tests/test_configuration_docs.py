"""docs/configuration.md is the operator's list of every environment variable the code reads: a
variable added to the settings without a line there fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_PACKAGES = ("accounts", "bots", "chat", "chatsphere", "documents", "widget", "demo")
#: Read only by the test settings, never by a deployment.
TEST_ONLY_MODULES = {ROOT / "chatsphere" / "settings_test.py"}


def _reads_environment(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id.startswith("env_") or func.id == "getenv"
    if isinstance(func, ast.Attribute):
        owner = func.value
        return func.attr == "getenv" or (
            func.attr == "get" and isinstance(owner, ast.Attribute) and owner.attr == "environ"
        )
    return False


def variables_read(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and node.args and _reads_environment(node):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(str(node.slice.value))
    return names


def production_modules() -> list[Path]:
    return [
        path
        for package in PRODUCTION_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts and path not in TEST_ONLY_MODULES
    ]


def test_the_scan_finds_the_variables_settings_read():
    found = variables_read(ROOT / "chatsphere" / "settings.py")
    # A scan that found nothing would pass whatever the docs say.
    assert {"DATABASE_URL", "REDIS_URL", "GEMINI_API_KEY", "CHATSPHERE_VAR_DIR", "CHATSPHERE_RATE_AUTH_IP"} <= found


def test_every_variable_the_code_reads_is_documented():
    documented = (ROOT / "docs" / "configuration.md").read_text()
    read = set().union(*(variables_read(path) for path in production_modules()))
    missing = sorted(name for name in read if not re.search(rf"`{re.escape(name)}[`=]", documented))
    assert not missing, f"add these to docs/configuration.md: {', '.join(missing)}"
