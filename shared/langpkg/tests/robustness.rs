//! No input makes a reader panic: arbitrary bytes give packages or an error, for every kind.

use layerwatch_langpkg::{LangKind, parse};
use proptest::prelude::*;

const KINDS: [LangKind; 16] = [
    LangKind::PythonDistInfo,
    LangKind::PythonEggInfo,
    LangKind::PythonEggInfoFile,
    LangKind::NpmPackageJson,
    LangKind::NpmLock,
    LangKind::YarnLock,
    LangKind::PnpmLock,
    LangKind::Gemspec,
    LangKind::ComposerInstalled,
    LangKind::DotnetDeps,
    LangKind::CargoLock,
    LangKind::PoetryLock,
    LangKind::PipfileLock,
    LangKind::UvLock,
    LangKind::PyLock,
    LangKind::GoMod,
];

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for kind in KINDS {
            let _ = parse(kind, "x", &bytes);
        }
    }

    #[test]
    fn line_soup_never_panics(lines in proptest::collection::vec(
        "[ \"@a-z0-9:=(){}./,_#-]{0,40}", 0..30)) {
        let text = lines.join("\n");
        for kind in KINDS {
            let _ = parse(kind, "x", text.as_bytes());
        }
    }
}

#[test]
fn errors_name_the_file() {
    let error = parse(LangKind::NpmLock, "app/package-lock.json", b"{").expect_err("bad json");
    let message = error.to_string();
    assert!(message.contains("app/package-lock.json") && message.contains("package-lock.json"));
}
