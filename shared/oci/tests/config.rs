//! Image config parsing: the fields the report uses, Docker's `null` collections, and the
//! mapping from history entries to layers. The JSON follows the example config in the OCI
//! image spec (`config.md`), with a health check and a Docker-style `null`.

mod common;

use layerwatch_oci::{DockerArchive, parse_config};

const SPEC_EXAMPLE: &str = r#"{
    "created": "2015-10-31T22:22:56.015925234Z",
    "author": "Alyssa P. Hacker <alyspdev@example.com>",
    "architecture": "arm64",
    "variant": "v8",
    "os": "linux",
    "config": {
        "User": "alice",
        "ExposedPorts": {"8080/tcp": {}},
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "FOO=oci_is_a"],
        "Entrypoint": ["/bin/my-app-binary"],
        "Cmd": ["--foreground", "--config", "/etc/my-app.d/default.cfg"],
        "Volumes": {"/var/job-result-data": {}},
        "WorkingDir": "/home/alice",
        "Labels": {"com.example.project.git.url": "https://example.com/project.git"},
        "Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost/"], "Interval": 30000000000, "Retries": 3}
    },
    "rootfs": {
      "diff_ids": [
        "sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1",
        "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
      ],
      "type": "layers"
    },
    "history": [
      {"created": "2015-10-31T22:22:54.690851953Z", "created_by": "/bin/sh -c #(nop) ADD file:a3bc1e842b69636f9df5256c49c5374fb4eef1e281fe3f282c65fb853ee171c5 in /"},
      {"created": "2015-10-31T22:22:55.613815829Z", "created_by": "/bin/sh -c #(nop) CMD [\"sh\"]", "empty_layer": true},
      {"created": "2015-10-31T22:22:56.329850019Z", "created_by": "/bin/sh -c apk add curl"}
    ]
}"#;

#[test]
fn reads_the_spec_example() {
    let c = parse_config(SPEC_EXAMPLE.as_bytes()).expect("valid config");
    assert_eq!(c.platform().to_string(), "linux/arm64/v8");
    assert_eq!(c.config.user.as_deref(), Some("alice"));
    assert_eq!(c.config.env.len(), 2);
    assert_eq!(c.config.entrypoint, vec!["/bin/my-app-binary"]);
    assert_eq!(c.config.cmd.len(), 3);
    assert_eq!(c.config.working_dir.as_deref(), Some("/home/alice"));
    assert_eq!(
        c.config.exposed_ports.keys().collect::<Vec<_>>(),
        vec!["8080/tcp"]
    );
    assert_eq!(
        c.config
            .labels
            .get("com.example.project.git.url")
            .map(String::as_str),
        Some("https://example.com/project.git")
    );
    let hc = c.config.healthcheck.as_ref().expect("health check");
    assert_eq!(hc.test[0], "CMD-SHELL");
    assert_eq!(hc.interval, Some(30_000_000_000));
    assert_eq!(hc.retries, Some(3));
    assert_eq!(c.diff_ids().len(), 2);
    assert_eq!(
        c.diff_ids()[1].to_string(),
        "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
    );
    // The CMD step made no layer, so the second layer comes from `apk add curl`.
    let by_layer = c.layer_history();
    assert_eq!(by_layer.len(), 2);
    assert_eq!(
        by_layer[1].and_then(|h| h.created_by.as_deref()),
        Some("/bin/sh -c apk add curl")
    );
    assert!(c.history[1].empty_layer);
}

#[test]
fn docker_nulls_read_as_empty() {
    let archive =
        DockerArchive::open(common::image_data("docker-archive/alpine-310.tar.gz")).expect("opens");
    let c = &archive.image(None).expect("one image").config;
    // This config has "Entrypoint": null and "Labels": null.
    assert!(c.config.entrypoint.is_empty());
    assert!(c.config.labels.is_empty());
    assert_eq!(c.config.cmd, vec!["/bin/sh"]);
    assert_eq!(c.history.len(), 2);
    assert_eq!(c.layer_history().len(), 1);
}

#[test]
fn bad_diff_id_is_an_error() {
    let json = r#"{"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":["sha256:nothex"]}}"#;
    let err = parse_config(json.as_bytes()).expect_err("invalid digest");
    assert!(err.to_string().contains("sha256:nothex"), "{err}");
}
