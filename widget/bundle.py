"""Builds the widget's one-file scripts from the ES modules in static/chatsphere/src/.

Site owners embed one classic `<script src=".../widget.js" async>` tag, which must stay a single
request that finds its own server through `document.currentScript`; so the modules are joined into
one classic script, committed with the sources (nothing is built at deploy time). The modules use a
small subset of module syntax, which this bundler checks rather than guesses at:

- `import { a, b as c } from "./other.js";` on one line, at the top level;
- `export function name(` and `export var name` at the start of a line.

Each module runs in its own function scope (its private names stay private) and hands its exports
to the modules that import it; the entry module runs last, in the bundle's outer scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SOURCE_DIR = Path(settings.BASE_DIR) / "static" / "chatsphere" / "src"

# Each built file (relative to the project) and the module it runs.
BUNDLES: dict[str, str] = {
    "static/chatsphere/widget.js": "main.js",
    "static/dashboard/markdown.js": "dashboard_markdown.js",
}

_IMPORT = re.compile(r'^import \{([^}]*)\} from "\./([A-Za-z0-9_]+\.js)";$')
_EXPORT = re.compile(r"^export (?:function ([A-Za-z_$][\w$]*)\(|var ([A-Za-z_$][\w$]*)\b)")
_IMPORT_KEYWORD = re.compile(r"^\s*import\b")
_EXPORT_KEYWORD = re.compile(r"^\s*export\b")
_NAME = re.compile(r"^[A-Za-z_$][\w$]*$")
_BANNER = re.compile(r"^/\*!.*?\*/\n", re.DOTALL)


class BundleError(Exception):
    """A module uses syntax the bundler does not support, or imports something that is not there."""


@dataclass(frozen=True)
class Import:
    module: str
    names: tuple[tuple[str, str], ...]  # (exported name, local name)


@dataclass(frozen=True)
class Module:
    name: str
    imports: tuple[Import, ...]
    exports: tuple[str, ...]
    body: str  # the source without its imports and `export` keywords


def _parse_import_names(spec: str, where: str) -> tuple[tuple[str, str], ...]:
    names = []
    for part in spec.split(","):
        words = part.split()
        if len(words) == 1:
            names.append((words[0], words[0]))
        elif len(words) == 3 and words[1] == "as":
            names.append((words[0], words[2]))
        else:
            raise BundleError(f"{where}: cannot read the import list {{{spec}}}")
    for exported, local in names:
        if not _NAME.match(exported) or not _NAME.match(local):
            raise BundleError(f"{where}: cannot read the import list {{{spec}}}")
    return tuple(names)


def parse_module(name: str, source: str) -> Module:
    imports: list[Import] = []
    exports: list[str] = []
    body: list[str] = []
    for number, line in enumerate(source.splitlines(), start=1):
        where = f"{name}:{number}"
        if _IMPORT_KEYWORD.match(line):
            found = _IMPORT.match(line)
            if not found:
                raise BundleError(f'{where}: write imports as `import {{ a, b }} from "./module.js";`')
            imports.append(Import(module=found[2], names=_parse_import_names(found[1], where)))
            continue
        if _EXPORT_KEYWORD.match(line):
            exported = _EXPORT.match(line)
            if not exported:
                raise BundleError(f"{where}: only `export function name(` and `export var name` are supported")
            exports.append(exported[1] or exported[2])
            line = line[len("export ") :]
        body.append(line)
    return Module(name=name, imports=tuple(imports), exports=tuple(exports), body="\n".join(body).strip("\n"))


def _scope_name(module: str) -> str:
    return "module_" + re.sub(r"\W", "_", module.removesuffix(".js"))


def _load(entry: str, source_dir: Path) -> list[Module]:
    """The entry module and everything it imports, each after the modules it imports."""
    ordered: list[Module] = []
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise BundleError("modules import each other in a circle: " + " -> ".join((*path, name)))
        if name in done:
            return
        file = source_dir / name
        if not file.is_file():
            raise BundleError(f"{path[-1] if path else 'bundle'}: no module {name} in {source_dir}")
        module = parse_module(name, file.read_text(encoding="utf-8"))
        for imported in module.imports:
            visit(imported.module, (*path, name))
        done.add(name)
        ordered.append(module)

    visit(entry, ())
    exports = {module.name: set(module.exports) for module in ordered}
    for module in ordered:
        for imported in module.imports:
            for exported, _local in imported.names:
                if exported not in exports[imported.module]:
                    raise BundleError(f"{module.name}: {imported.module} exports no `{exported}`")
    return ordered


def _import_lines(module: Module) -> list[str]:
    return [
        f"var {local} = {_scope_name(imported.module)}.{exported};"
        for imported in module.imports
        for exported, local in imported.names
    ]


def build(entry: str, source_dir: Path = SOURCE_DIR) -> str:
    """The classic script that runs `entry` (a file name in `source_dir`) with its imports."""
    modules = _load(entry, source_dir)
    *dependencies, main = modules
    banner = _BANNER.match(main.body + "\n")
    main_body = main.body[banner.end() :] if banner else main.body
    parts = [banner.group(0).rstrip("\n")] if banner else []
    parts += [
        "// Built by `python manage.py build_widget` from static/chatsphere/src/: edit the modules there,",
        f"// not this file. Modules: {', '.join(m.name for m in modules)}.",
        "(function () {",
        '"use strict";',
        "",
    ]
    for module in dependencies:
        exported = ", ".join(f"{name}: {name}" for name in module.exports)
        parts += [
            f"// --- {module.name} ---",
            f"var {_scope_name(module.name)} = (function () {{",
            *_import_lines(module),
            module.body,
            f"return {{ {exported} }};",
            "})();",
            "",
        ]
    parts += [f"// --- {main.name} ---", *_import_lines(main), main_body.strip("\n"), "})();", ""]
    return "\n".join(parts)


def stale_bundles(base_dir: Path | None = None, source_dir: Path = SOURCE_DIR) -> list[str]:
    """The built files that differ from what their modules build (as paths relative to the project)."""
    root = base_dir or Path(settings.BASE_DIR)
    stale = []
    for target, entry in BUNDLES.items():
        file = root / target
        current = file.read_text(encoding="utf-8") if file.is_file() else None
        if current != build(entry, source_dir):
            stale.append(target)
    return stale


def write_bundles(base_dir: Path | None = None, source_dir: Path = SOURCE_DIR) -> list[str]:
    """Rebuilds every stale bundle; returns the files written."""
    root = base_dir or Path(settings.BASE_DIR)
    written = stale_bundles(root, source_dir)
    for target in written:
        (root / target).write_text(build(BUNDLES[target], source_dir), encoding="utf-8")
    return written
