//! Image reference parsing against the cases in Docker's own reference library
//! (`github.com/distribution/reference`, `normalize_test.go` and `reference_test.go`): the
//! expected registry, path, tag and digest below are the values those tests assert.

use layerwatch_oci::{Digest, ImageRef, ReferenceError};

const FFF: &str = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

fn parse(s: &str) -> ImageRef {
    s.parse()
        .unwrap_or_else(|e| panic!("`{s}` should parse: {e}"))
}

#[test]
fn normalises_like_docker() {
    // (input, registry, repository, familiar name) from TestParseRepositoryInfo and
    // TestNormalizedSplitHostname.
    let cases = [
        ("fooo/bar", "docker.io", "fooo/bar", "fooo/bar"),
        (
            "index.docker.io/fooo/bar",
            "docker.io",
            "fooo/bar",
            "fooo/bar",
        ),
        ("ubuntu", "docker.io", "library/ubuntu", "ubuntu"),
        ("library/ubuntu", "docker.io", "library/ubuntu", "ubuntu"),
        ("docker.io/foo", "docker.io", "library/foo", "foo"),
        (
            "docker.io/library/foo/bar",
            "docker.io",
            "library/foo/bar",
            "library/foo/bar",
        ),
        (
            "other/library",
            "docker.io",
            "other/library",
            "other/library",
        ),
        (
            "127.0.0.1:8000/privatebase",
            "127.0.0.1:8000",
            "privatebase",
            "127.0.0.1:8000/privatebase",
        ),
        (
            "example.com:8000/private/moonbase",
            "example.com:8000",
            "private/moonbase",
            "example.com:8000/private/moonbase",
        ),
        ("Foo/bar", "Foo", "bar", "Foo/bar"),
        ("FOO/bar", "FOO", "bar", "FOO/bar"),
        ("test_com/foo", "docker.io", "test_com/foo", "test_com/foo"),
        (
            "test-com:8080/foo",
            "test-com:8080",
            "foo",
            "test-com:8080/foo",
        ),
        (
            "xn--n3h.com:18080/foo",
            "xn--n3h.com:18080",
            "foo",
            "xn--n3h.com:18080/foo",
        ),
        ("localhost/foo", "localhost", "foo", "localhost/foo"),
        (
            "[2001:db8::1]/repo",
            "[2001:db8::1]",
            "repo",
            "[2001:db8::1]/repo",
        ),
        ("[::1]:5000/repo", "[::1]:5000", "repo", "[::1]:5000/repo"),
    ];
    for (input, registry, repository, familiar) in cases {
        let r = parse(input);
        assert_eq!(r.registry(), registry, "{input}");
        assert_eq!(r.repository(), repository, "{input}");
        assert_eq!(r.familiar(), familiar, "{input}");
        assert_eq!(r.tag(), None, "{input}");
    }
}

#[test]
fn splits_tag_and_digest() {
    // (input, registry, repository, tag, digest) from TestReferenceParse.
    let cases = [
        (
            "test.com:tag",
            "docker.io",
            "library/test.com",
            Some("tag"),
            None,
        ),
        (
            "test.com:5000",
            "docker.io",
            "library/test.com",
            Some("5000"),
            None,
        ),
        ("test:5000/repo:tag", "test:5000", "repo", Some("tag"), None),
        (
            "test:5000/repo@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "test:5000",
            "repo",
            None,
            Some(FFF),
        ),
        (
            "test:5000/repo:tag@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "test:5000",
            "repo",
            Some("tag"),
            Some(FFF),
        ),
        (
            "lowercase:Uppercase",
            "docker.io",
            "library/lowercase",
            Some("Uppercase"),
            None,
        ),
        (
            "b.gcr.io/test.example.com/my-app:test.example.com",
            "b.gcr.io",
            "test.example.com/my-app",
            Some("test.example.com"),
            None,
        ),
        (
            "foo_bar.com:8080",
            "docker.io",
            "library/foo_bar.com",
            Some("8080"),
            None,
        ),
        (
            "foo/foo_bar.com:8080",
            "docker.io",
            "foo/foo_bar.com",
            Some("8080"),
            None,
        ),
        (
            "192.168.1.1:5000/repo:5050",
            "192.168.1.1:5000",
            "repo",
            Some("5050"),
            None,
        ),
        (
            "[2001:db8::1]:5000/repo:tag@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "[2001:db8::1]:5000",
            "repo",
            Some("tag"),
            Some(FFF),
        ),
    ];
    for (input, registry, repository, tag, digest) in cases {
        let r = parse(input);
        assert_eq!(r.registry(), registry, "{input}");
        assert_eq!(r.repository(), repository, "{input}");
        assert_eq!(r.tag(), tag, "{input}");
        assert_eq!(
            r.digest().map(Digest::to_string).as_deref(),
            digest,
            "{input}"
        );
    }
}

#[test]
fn docker_valid_names_parse_and_round_trip() {
    let valid = [
        "docker/docker",
        "library/debian",
        "debian",
        "docker.io/docker/docker",
        "index.docker.io/debian",
        "127.0.0.1:5000/debian",
        "192.168.0.1",
        "192.168.0.1:80",
        "192.168.0.1:8/debian",
        "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
        "[fc00::1]:5000/docker/docker",
        "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
        "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        "Docker/docker",
        "docker-rules/docker",
        "docker---rules/docker",
        "d/docker",
        "dock__er/docker",
        "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9",
        "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
        "xn--7o8h.com/myimage:xn--7o8h.com@sha512:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ];
    for s in valid {
        let r = parse(s);
        let again = parse(&r.to_string());
        assert_eq!(again, r, "display of `{s}` is `{r}` and must parse back");
        // Docker's one exception: the short form of `docker.io/<64 hex>` is an image ID.
        if !r
            .repository()
            .ends_with("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a")
        {
            assert_eq!(
                parse(&r.familiar()),
                r,
                "familiar form of `{s}` must parse back"
            );
        } else {
            assert!(r.familiar().parse::<ImageRef>().is_err());
        }
    }
    // Host, `/` and path together may be 255 characters; the tag does not count.
    let at_limit = format!("r.io/{}aa:tag-puts-this-over-max", "a/".repeat(124));
    assert!(at_limit.parse::<ImageRef>().is_ok());
    let over = format!("r.io/{}aaa:tag", "a/".repeat(124));
    assert!(matches!(
        over.parse::<ImageRef>(),
        Err(ReferenceError::NameTooLong(_))
    ));
}

#[test]
fn full_and_familiar_forms() {
    let r = parse(
        "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
    );
    assert_eq!(
        r.to_string(),
        "docker.io/library/busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"
    );
    assert_eq!(
        r.familiar(),
        "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"
    );
    assert_eq!(
        r.manifest_reference(),
        "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"
    );
    assert_eq!(parse("redis").manifest_reference(), "latest");
    assert_eq!(parse("redis:7").manifest_reference(), "7");
    assert_eq!(parse("redis").registry_api_host(), "registry-1.docker.io");
    assert_eq!(parse("ghcr.io/a/b").registry_api_host(), "ghcr.io");
}

#[test]
fn docker_invalid_names_are_refused() {
    let invalid = [
        "https://github.com/docker/docker",
        "docker/Docker",
        "-docker",
        "-docker/docker",
        "-docker.io/docker/docker",
        "docker///docker",
        "docker.io/docker/Docker",
        "docker.io/docker///docker",
        "[fc00::1]",
        "[fc00::1]:5000",
        "fc00::1:5000/debian",
        "[fe80::1%eth0]:5000/debian",
        "[2001:db8:3:4::192.0.2.33]:5000/debian",
        "docker-/docker",
        "-docker-/docker",
        "____/____",
        "_docker/_docker",
        "dock..er/docker",
        "dock_.er/docker",
        "dock-.er/docker",
        "docker/",
        ":justtag",
        "aa/asdf$$^/aa",
        "[2001:db8::1]:tag",
        "repo:",
        "repo:-tag",
        "repo:.tag",
    ];
    for s in invalid {
        assert!(s.parse::<ImageRef>().is_err(), "`{s}` must be refused");
    }
}

#[test]
fn errors_say_what_is_wrong() {
    assert_eq!("".parse::<ImageRef>(), Err(ReferenceError::Empty));
    let hex = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";
    assert!(matches!(
        hex.parse::<ImageRef>(),
        Err(ReferenceError::HexIdentifier(_))
    ));
    assert!(matches!(
        "Uppercase:tag".parse::<ImageRef>(),
        Err(ReferenceError::Uppercase(_))
    ));
    assert!(matches!(
        "test:5000/Uppercase/lowercase:tag".parse::<ImageRef>(),
        Err(ReferenceError::Uppercase(_))
    ));
    let too_long = format!("{}a:tag", "a/".repeat(128));
    assert!(matches!(
        too_long.parse::<ImageRef>(),
        Err(ReferenceError::NameTooLong(_))
    ));
    let namespace = format!("{}/docker", "this_is_not_a_valid_namespace".repeat(9));
    assert!(matches!(
        namespace.parse::<ImageRef>(),
        Err(ReferenceError::NameTooLong(_))
    ));
    let tag129 = format!("repo:{}", "t".repeat(129));
    assert!(matches!(
        tag129.parse::<ImageRef>(),
        Err(ReferenceError::InvalidTag { .. })
    ));
    assert!(
        format!("repo:{}", "t".repeat(128))
            .parse::<ImageRef>()
            .is_ok()
    );
    let short = "repo@sha256:ffffffffffffffffffffffffffffffffff".parse::<ImageRef>();
    assert!(matches!(short, Err(ReferenceError::InvalidDigest { .. })));
    let algo =
        "validname@invaliddigest:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    let err = algo
        .parse::<ImageRef>()
        .expect_err("unknown digest algorithm");
    assert!(err.to_string().contains("validname@invaliddigest"), "{err}");
    let at_only = format!("@{FFF}");
    assert!(at_only.parse::<ImageRef>().is_err());
}

#[test]
fn serde_uses_the_string_form() {
    let r: ImageRef = serde_json::from_str("\"alpine:3.20\"").expect("valid reference");
    assert_eq!(
        serde_json::to_string(&r).expect("serialises"),
        "\"docker.io/library/alpine:3.20\""
    );
    assert!(serde_json::from_str::<ImageRef>("\"Bad/Name:\"").is_err());
}
