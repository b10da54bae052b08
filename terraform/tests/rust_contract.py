"""What the Rust code says the deployment must provide: the environment variables of
shared/pipeline/src/config.rs, which of them each function's code reads, and the object key
prefixes of keys.rs. Read from the sources, so the tests follow the code as it changes."""

import re
from pathlib import Path

from hcl import REPO

# Static registry credentials (shared/registry, EnvCredentials) for registries other than ECR and
# ACR; a deployment pulls with its role or managed identity and sets none of them.
REGISTRY_CREDENTIALS = {
    "LAYERWATCH_REGISTRY_HOST": "static registry credentials are for other registries; the deployment pulls with its own identity",
    "LAYERWATCH_REGISTRY_USERNAME": "static registry credentials are for other registries; the deployment pulls with its own identity",
    "LAYERWATCH_REGISTRY_PASSWORD": "a password in the environment would sit in plain text in the function's configuration",
}

# Registry stand-in settings of config.rs ("usually unset"): tests point an ECR or ACR host at a
# local registry over plain http; a deployment pulls from the real registry over TLS.
REGISTRY_STAND_INS = {
    "LAYERWATCH_REGISTRY_ENDPOINTS": "maps a registry host to a stand-in endpoint for tests; a deployment pulls from the registry itself",
    "LAYERWATCH_INSECURE_REGISTRIES": "plain-http registries are local stand-ins; a deployment only speaks TLS",
}

CONFIG_RS = REPO / "shared" / "pipeline" / "src" / "config.rs"
KEYS_RS = REPO / "shared" / "pipeline" / "src" / "keys.rs"


def config_constants() -> dict:
    """`pub const NAME: &str = "VALUE";` of config.rs, as {NAME: VALUE}."""
    text = CONFIG_RS.read_text(encoding="utf-8")
    found = dict(re.findall(r'pub const ([A-Z0-9_]+): &str = "([A-Z0-9_]+)";', text))
    if not found:
        raise AssertionError(f"{CONFIG_RS} declares no environment variable constants")
    return found


def _rust_sources(crate: Path):
    """The crate's non-test sources: test modules kept in sibling files (`tests.rs`,
    `tests_*.rs`, a `tests/` folder under src) are left out like inline ones."""
    src = crate / "src"
    if not src.is_dir():
        return []
    return sorted(
        p
        for p in src.rglob("*.rs")
        if not (p.stem == "tests" or p.stem.startswith("tests_") or "tests" in p.relative_to(src).parts[:-1])
    )


def _strip_tests(text: str) -> str:
    """Drops a trailing `#[cfg(test)] mod tests { ... }`: test code may name variables the
    deployed function never reads."""
    m = re.search(r"#\[cfg\(test\)\]\s*mod \w+\s*\{", text)
    return text[: m.start()] if m else text


def crate_dependencies(crate: Path) -> set:
    """The path dependencies of a crate (folder names under shared/ and functions/), direct and
    through the workspace table."""
    manifest = crate / "Cargo.toml"
    if not manifest.is_file():
        return set()
    text = manifest.read_text(encoding="utf-8")
    deps = set(re.findall(r'path\s*=\s*"\.\./([A-Za-z0-9_-]+)"', text))
    names = set(re.findall(r"^(layerwatch-[A-Za-z0-9_-]+)\s*(?:\.workspace|=)", text, re.M))
    root = (REPO / "Cargo.toml").read_text(encoding="utf-8")
    for name in names:
        m = re.search(rf'^{re.escape(name)}\s*=\s*\{{[^}}]*path\s*=\s*"shared/([A-Za-z0-9_-]+)"', root, re.M)
        if m:
            deps.add(m.group(1))
    return deps


def crate_closure(crate: Path) -> list:
    """`crate` and every crate of the workspace it depends on, directly or not."""
    seen = [crate]
    todo = [crate]
    while todo:
        for dep in sorted(crate_dependencies(todo.pop())):
            path = REPO / "shared" / dep
            if path.is_dir() and path not in seen:
                seen.append(path)
                todo.append(path)
    return seen


def variables_read(crates) -> dict:
    """{VALUE: [file, ...]} for every config.rs variable the non-test code of `crates` names,
    by constant (`config::NAME`, or `NAME` in a file importing from config) or by literal, and
    every other `"LAYERWATCH_..."` string literal (a variable named outside config.rs)."""
    consts = config_constants()
    read = {}
    for crate in crates:
        for path in _rust_sources(crate):
            if path == CONFIG_RS:
                continue
            text = _strip_tests(path.read_text(encoding="utf-8"))
            imports_config = re.search(r"\bconfig\b", text) is not None
            for name, value in consts.items():
                by_const = re.search(rf"config::{name}\b", text) or (
                    imports_config and re.search(rf"(?<![A-Za-z0-9_]){name}(?![A-Za-z0-9_])", text)
                )
                if by_const or f'"{value}"' in text:
                    read.setdefault(value, []).append(str(path.relative_to(REPO)))
            # Variables an adapter names outside config.rs (e.g. its credentials).
            for value in re.findall(r'"(LAYERWATCH_[A-Z0-9_]+)"', text):
                if value not in read or str(path.relative_to(REPO)) not in read[value]:
                    read.setdefault(value, []).append(str(path.relative_to(REPO)))
    return read


def literal_env_reads(crates) -> dict:
    """{NAME: [file, ...]} for `env::var("NAME")` / `var_os("NAME")` calls with a literal name."""
    found = {}
    for crate in crates:
        for path in _rust_sources(crate):
            text = _strip_tests(path.read_text(encoding="utf-8"))
            for name in re.findall(r'env::var(?:_os)?\(\s*"([A-Za-z0-9_]+)"', text):
                found.setdefault(name, []).append(str(path.relative_to(REPO)))
    return found


def spilled_inventory_prefix() -> str:
    """The first path segment of spilled inventory keys in keys.rs (`layers/`)."""
    text = KEYS_RS.read_text(encoding="utf-8")
    m = re.search(r'fn spilled_inventory_key[^{]*\{\s*format!\(\s*"([a-z]+/)', text)
    if not m:
        raise AssertionError(f"{KEYS_RS}: spilled_inventory_key no longer starts with a literal prefix")
    return m.group(1)
