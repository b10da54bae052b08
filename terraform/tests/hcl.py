"""Loads the Terraform trees with python-hcl2 and offers the few look-ups the wiring tests need.

python-hcl2 (7.x) gives every block as a list of one-key dicts and every expression that is not
a literal as a "${...}" string; `Module` folds the blocks into plain dicts by type and name.
"""

import os
import re
import subprocess
from pathlib import Path

import hcl2

TERRAFORM = Path(__file__).resolve().parent.parent
REPO = TERRAFORM.parent


def shared_dir() -> Path:
    """The read-only shared folder: $LAYERWATCH_SHARED, else ../shared beside the repository."""
    path = Path(os.environ.get("LAYERWATCH_SHARED", REPO.parent / "shared"))
    if not (path / "reference" / "events").is_dir():
        raise RuntimeError(
            f"shared folder {path} has no reference/events: set LAYERWATCH_SHARED to the shared data folder"
        )
    return path


def tf_files(root: Path = TERRAFORM):
    """Every .tf file under `root`, sorted."""
    return sorted(p for p in root.rglob("*.tf") if ".terraform" not in p.parts)


def tf_dirs(root: Path = TERRAFORM):
    """Every folder holding .tf files (a module or a root)."""
    return sorted({p.parent for p in tf_files(root)})


class Module:
    """The blocks of one Terraform folder, by kind, type and name."""

    def __init__(self, path: Path):
        self.path = path
        self.resources = {}  # type -> name -> body
        self.data = {}  # type -> name -> body
        self.variables = {}  # name -> body
        self.outputs = {}  # name -> body
        self.locals = {}  # name -> value
        self.modules = {}  # name -> body
        for f in sorted(path.glob("*.tf")):
            with open(f, encoding="utf-8") as fh:
                doc = hcl2.load(fh)
            for kind, table in (("resource", self.resources), ("data", self.data)):
                for block in doc.get(kind, []):
                    for typ, named in block.items():
                        for name, body in named.items():
                            if name in table.setdefault(typ, {}):
                                raise AssertionError(f"{f}: {kind} {typ}.{name} is declared twice")
                            table[typ][name] = body
            for block in doc.get("variable", []):
                self.variables.update(block)
            for block in doc.get("output", []):
                self.outputs.update(block)
            for block in doc.get("module", []):
                self.modules.update(block)
            for block in doc.get("locals", []):
                for name, value in block.items():
                    if name in self.locals:
                        raise AssertionError(f"{f}: local.{name} is declared twice")
                    self.locals[name] = value

    def resource(self, typ: str, name: str) -> dict:
        """The body of resource `typ.name`; fails the test when it is missing."""
        try:
            return self.resources[typ][name]
        except KeyError:
            raise AssertionError(f"{self.path}: resource {typ}.{name} is missing") from None

    def default(self, var: str):
        """The default value of variable `var`."""
        body = self.variables.get(var)
        if body is None:
            raise AssertionError(f"{self.path}: variable {var} is missing")
        if "default" not in body:
            raise AssertionError(f"{self.path}: variable {var} has no default")
        return body["default"]

    def local(self, name: str):
        """The value of local `name` as parsed (literals stay literals)."""
        if name not in self.locals:
            raise AssertionError(f"{self.path}: local.{name} is missing")
        return self.locals[name]


def expr(value) -> str:
    """The expression inside a "${...}" string, or the value itself as a string."""
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return str(value)


def blocks(body: dict, name: str) -> list:
    """The nested blocks `name` of a resource body (python-hcl2 gives a list, or nothing)."""
    found = body.get(name, [])
    return found if isinstance(found, list) else [found]


def squash(text) -> str:
    """An expression without blanks, quotes and escapes: python-hcl2 renders nested literals
    with Python or JSON quoting depending on depth, so tests compare expressions this way."""
    return re.sub(r"[\s\"'\\]", "", str(text))


_NUMERIC = re.compile(r"^[0-9+\-*/() ]+$")


def evaluate_number(module: Module, value, overrides=None) -> int:
    """Evaluates a number literal or arithmetic over `var.*` (defaults, or `overrides`)."""
    if isinstance(value, (int, float)):
        return value
    text = expr(value)

    def var(match):
        name = match.group(1)
        if overrides and name in overrides:
            return str(overrides[name])
        return str(module.default(name))

    text = re.sub(r"\bvar\.([A-Za-z0-9_]+)", var, text)
    if not _NUMERIC.match(text):
        raise AssertionError(f"{module.path}: `{expr(value)}` is not arithmetic over variables")
    return eval(text, {"__builtins__": {}})  # noqa: S307 - digits and operators only (checked above)


def git_has_history(path: str) -> bool:
    """True when `path` was ever committed on the current branch."""
    try:
        out = subprocess.run(
            ["git", "log", "--format=%H", "-1", "--", path],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return False
    return bool(out.strip())
