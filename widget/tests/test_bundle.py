from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from widget.bundle import BUNDLES, SOURCE_DIR, BundleError, build, stale_bundles, write_bundles

ROOT = Path(settings.BASE_DIR)


def test_committed_scripts_are_built_from_the_current_modules():
    # Fails when a module in static/chatsphere/src/ changed without `python manage.py build_widget`.
    assert stale_bundles() == []
    call_command("build_widget", "--check")


def test_the_dashboard_and_the_widget_render_markdown_with_the_same_code():
    markdown = (SOURCE_DIR / "markdown.js").read_text(encoding="utf-8").strip()
    for target in ("static/chatsphere/widget.js", "static/dashboard/markdown.js"):
        assert markdown.replace("export function", "function") in (ROOT / target).read_text(encoding="utf-8")


@pytest.mark.parametrize("target", sorted(BUNDLES))
def test_built_scripts_never_turn_text_into_html_or_code(target):
    source = (ROOT / target).read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, sink


def test_the_widget_stays_one_classic_script():
    script = (ROOT / "static/chatsphere/widget.js").read_text(encoding="utf-8")
    code_lines = [line for line in script.splitlines() if not line.lstrip().startswith(("//", "*", "/*"))]
    # A classic <script async> tag cannot load modules: no import or export may reach the page.
    assert not [line for line in code_lines if line.lstrip().startswith(("import ", "export "))]
    assert "document.currentScript" in script
    assert script.startswith("/*! ChatSphere chat widget")


@pytest.fixture
def project(tmp_path):
    """A copy of the sources and built scripts, to edit without touching the repository."""
    shutil.copytree(SOURCE_DIR, tmp_path / "src")
    for target in BUNDLES:
        (tmp_path / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / target, tmp_path / target)
    return tmp_path


def test_an_edited_module_makes_its_scripts_stale_until_rebuilt(project):
    source = project / "src" / "markdown.js"
    source.write_text(source.read_text(encoding="utf-8") + "\n// edited\n", encoding="utf-8")

    assert sorted(stale_bundles(project, project / "src")) == sorted(BUNDLES)
    assert sorted(write_bundles(project, project / "src")) == sorted(BUNDLES)
    assert stale_bundles(project, project / "src") == []
    assert "// edited" in (project / "static/dashboard/markdown.js").read_text(encoding="utf-8")


def test_check_fails_with_the_command_to_run(settings, project):
    (project / "static/chatsphere/widget.js").write_text("/* hand edited */", encoding="utf-8")
    settings.BASE_DIR = project

    with pytest.raises(CommandError, match=r"static/chatsphere/widget.js.*python manage.py build_widget"):
        call_command("build_widget", "--check")


def _modules(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_each_module_keeps_its_private_names_and_hands_over_its_exports(tmp_path):
    source = _modules(
        tmp_path,
        {
            "a.js": (
                "var secret = 1;\nexport var answer = secret + 41;\nexport function twice(n) {\n  return n * 2;\n}\n"
            ),
            "b.js": (
                'import { answer, twice as double } from "./a.js";\nvar secret = 2;\nconsole.log(double(answer));\n'
            ),
        },
    )

    script = build("b.js", source)

    assert script.splitlines()[-6:] == [
        "// --- b.js ---",
        "var answer = module_a.answer;",
        "var double = module_a.twice;",
        "var secret = 2;",
        "console.log(double(answer));",
        "})();",
    ]
    assert "var module_a = (function () {\nvar secret = 1;\nvar answer = secret + 41;" in script
    assert "return { answer: answer, twice: twice };\n})();" in script


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"main.js": 'import x from "./a.js";\n'}, "write imports as"),
        ({"main.js": 'import { a } from "./missing.js";\n'}, "no module missing.js"),
        ({"main.js": 'import { nope } from "./a.js";\n', "a.js": "export var a = 1;\n"}, "a.js exports no `nope`"),
        ({"main.js": "export default function () {}\n"}, "only `export function name(`"),
        ({"main.js": "export { a };\n"}, "only `export function name(`"),
        (
            {
                "main.js": 'import { a } from "./a.js";\n',
                "a.js": 'import { b } from "./b.js";\nexport var a = 1;\n',
                "b.js": 'import { a } from "./a.js";\nexport var b = 1;\n',
            },
            "circle: main.js -> a.js -> b.js -> a.js",
        ),
    ],
)
def test_unsupported_module_syntax_is_refused_with_where_it_is(tmp_path, files, message):
    source = _modules(tmp_path, files)

    with pytest.raises(BundleError, match=message.replace("(", r"\(")):
        build("main.js", source)
