//! Each image rule on a config and inventory that trigger it and on ones that pass it, and a
//! root filesystem (no config) giving `not_applicable`, never `pass`.

use layerwatch_checks::{ImageFacts, ImageName, Scope, Selection, catalog, image_checks};
use layerwatch_inventory::{
    CacheFile, Compression, LayerInventory, SecretHit, SpecialFile, merge_layers,
};
use layerwatch_oci::{Digest, ImageConfig, parse_config};
use layerwatch_report::{Check, CheckResult};

fn layer(n: u8) -> LayerInventory {
    LayerInventory::empty(Digest::sha256_of(&[n]), Compression::Gzip)
}

const GH: &str = "ghp_Zq8Lw3Rt5Yu7Zq8Lw3Rt5Yu7Zq8Lw3Rt5Yu7";

fn bad_config() -> ImageConfig {
    let json = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {
            "Env": ["PATH=/usr/bin", format!("GITHUB_TOKEN={GH}"), "DB_PASSWORD=hunter2-prod"],
            "Labels": {"maintainer": "x", "api_key": "k-123456789"}
        },
        "rootfs": {"type": "layers", "diff_ids": []},
        "history": [
            {"created_by": "ADD rootfs.tar.xz / # buildkit"},
            {"created_by": "RUN /bin/sh -c apt-get update # buildkit", "empty_layer": true},
            {"created_by": "RUN /bin/sh -c apt-get install -y curl # buildkit"},
            {"created_by": "ADD https://example.com/app.tar.gz /opt/ # buildkit", "empty_layer": true},
            {"created_by": "|1 NPM_TOKEN=npm_s3cr3tvalue /bin/sh -c npm ci", "empty_layer": true}
        ]
    });
    parse_config(json.to_string().as_bytes()).expect("config")
}

fn good_config() -> ImageConfig {
    let json = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {
            "User": "app:app",
            "Env": ["PATH=/usr/bin", "POSTGRES_PASSWORD_FILE=/run/secrets/db", "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D"],
            "Labels": {"org.opencontainers.image.title": "app"},
            "Healthcheck": {"Test": ["CMD-SHELL", "wget -q -O- localhost:8080/health"]}
        },
        "history": [
            {"created_by": "ADD rootfs.tar.xz / # buildkit"},
            {"created_by": "RUN /bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* # buildkit"},
            {"created_by": "COPY app.tar.gz /opt/ # buildkit"}
        ]
    });
    parse_config(json.to_string().as_bytes()).expect("config")
}

fn bad_layers() -> Vec<LayerInventory> {
    let base = layer(0);
    let mut l1 = layer(1);
    l1.special_files.push(SpecialFile {
        path: "usr/bin/sudo".into(),
        mode: 0o104755,
        uid: 0,
        gid: 0,
    });
    l1.caches.push(CacheFile {
        manager: "apt".into(),
        path: "var/lib/apt/lists/x_Packages".into(),
    });
    l1.secrets.push(SecretHit {
        path: "app/.env".into(),
        rule: "dotenv-credential".into(),
        line: Some(3),
    });
    l1.secrets.push(SecretHit {
        path: "root/.ssh/id_rsa".into(),
        rule: "private-key".into(),
        line: Some(1),
    });
    vec![base, l1]
}

fn run(config: Option<&ImageConfig>, layers: &[LayerInventory], name: ImageName) -> Vec<Check> {
    let inventory = merge_layers(layers);
    let facts = ImageFacts {
        config,
        inventory: &inventory,
        layers,
        name: &name,
    };
    image_checks(
        &facts,
        &Selection {
            scope: Scope::All,
            skip: Default::default(),
        },
    )
}

fn results(checks: &[Check], id: &str) -> Vec<CheckResult> {
    checks
        .iter()
        .filter(|c| c.id == id)
        .map(|c| c.result)
        .collect()
}

const CONFIG_RULES: [&str; 9] = [
    catalog::USER,
    catalog::HEALTHCHECK,
    catalog::UPDATE_ALONE,
    catalog::SETUID,
    catalog::ADD,
    catalog::CONFIG_SECRETS,
    catalog::SUDO,
    catalog::CACHES,
    catalog::LATEST,
];

#[test]
fn a_badly_built_image_fails_every_rule() {
    let layers = bad_layers();
    let checks = run(
        Some(&bad_config()),
        &layers,
        ImageName::Tag("latest".into()),
    );
    for id in CONFIG_RULES
        .iter()
        .chain(&["LW-SECRET-PRIVATE-KEY", "LW-SECRET-DOTENV-CREDENTIAL"])
    {
        assert_eq!(
            results(&checks, id),
            vec![CheckResult::Fail],
            "{id}: {checks:#?}"
        );
    }
    let by_id = |id: &str| checks.iter().find(|c| c.id == id).expect("check");
    // The failures point at the layer that holds the problem.
    assert_eq!(by_id(catalog::SETUID).layer, Some(layers[1].digest.clone()));
    assert_eq!(
        by_id("LW-SECRET-DOTENV-CREDENTIAL").evidence,
        vec!["app/.env line 3 (dotenv-credential; value redacted)"]
    );
    assert_eq!(
        by_id(catalog::ADD).evidence.len(),
        1,
        "the base rootfs ADD passes"
    );
    assert!(by_id(catalog::ADD).evidence[0].contains("https://example.com/app.tar.gz"));
    assert!(by_id(catalog::UPDATE_ALONE).evidence[0].starts_with("history[1]"));
    let secrets = &by_id(catalog::CONFIG_SECRETS).evidence;
    assert_eq!(secrets.len(), 4, "{secrets:?}");
    assert!(secrets[0].starts_with("Env GITHUB_TOKEN: value matches github-token"));
    assert!(secrets[3].starts_with("history[4] (RUN): NPM_TOKEN=<redacted>"));
    let all = serde_json::to_string(&checks).expect("json");
    for value in [GH, "hunter2-prod", "k-123456789", "npm_s3cr3tvalue"] {
        assert!(!all.contains(value), "{value} leaked");
    }
    // Other secret rules had no hit: one pass each.
    assert_eq!(
        results(&checks, "LW-SECRET-GITHUB-TOKEN"),
        vec![CheckResult::Pass]
    );
}

#[test]
fn a_well_built_image_passes_every_rule() {
    let layers = vec![layer(0), layer(1)];
    let checks = run(Some(&good_config()), &layers, ImageName::Tag("3.20".into()));
    for id in CONFIG_RULES {
        assert_eq!(
            results(&checks, id),
            vec![CheckResult::Pass],
            "{id}: {checks:#?}"
        );
    }
    assert!(
        checks.iter().all(|c| c.result == CheckResult::Pass),
        "{checks:#?}"
    );
}

#[test]
fn a_root_filesystem_cannot_pass_the_config_rules() {
    let layers = bad_layers();
    let checks = run(None, &layers, ImageName::Unknown);
    for id in [
        catalog::USER,
        catalog::HEALTHCHECK,
        catalog::UPDATE_ALONE,
        catalog::ADD,
        catalog::CONFIG_SECRETS,
        catalog::LATEST,
    ] {
        assert_eq!(
            results(&checks, id),
            vec![CheckResult::NotApplicable],
            "{id}"
        );
    }
    // What the files show is still judged.
    assert_eq!(results(&checks, catalog::SUDO), vec![CheckResult::Fail]);
}

#[test]
fn the_default_scope_runs_only_the_secret_checks_and_skips_are_honoured() {
    let layers = bad_layers();
    let inventory = merge_layers(&layers);
    let name = ImageName::Untagged;
    let facts = ImageFacts {
        config: Some(&bad_config()),
        inventory: &inventory,
        layers: &layers,
        name: &name,
    };
    let mut selection = Selection::default();
    selection.skip.insert("lw-secret-private-key".into());
    let checks = image_checks(&facts, &selection);
    assert!(
        checks
            .iter()
            .all(|c| c.id.starts_with("LW-SECRET-") || c.id == catalog::CONFIG_SECRETS)
    );
    assert!(results(&checks, "LW-SECRET-PRIVATE-KEY").is_empty());
    assert_eq!(
        results(&checks, "LW-SECRET-DOTENV-CREDENTIAL"),
        vec![CheckResult::Fail]
    );
}
