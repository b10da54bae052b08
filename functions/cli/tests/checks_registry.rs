//! The signature check against a real `docker-registry`: the image pushed with skopeo has no
//! signature until one made with GPG (`skopeo standalone-sign`; Debian's skopeo has sigstore
//! signing disabled) is uploaded as cosign lays it out, a manifest tagged `sha256-<hex>.sig`.

mod checks_support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use checks_support::*;

/// A `docker-registry` on a free loopback port; killed on drop.
struct Registry {
    host: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Registry {
    fn start() -> Registry {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let config = format!(
            "version: 0.1\nlog: {{level: warn, accesslog: {{disabled: true}}}}\n\
             storage: {{filesystem: {{rootdirectory: {}}}}}\nhttp: {{addr: \"127.0.0.1:{port}\"}}\n",
            dir.path().join("storage").display()
        );
        std::fs::write(dir.path().join("registry.yml"), config).expect("config");
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(dir.path().join("registry.yml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry must be installed (apt-get install docker-registry)");
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "docker-registry did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Registry {
            host: format!("127.0.0.1:{port}"),
            child,
            _dir: dir,
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Signs `HOST/app:3.20` with a new GPG key (`skopeo standalone-sign`) and uploads the
/// signature as cosign lays it out: a manifest tagged `sha256-<hex>.sig`.
const SIGN: &str = r#"set -e
export GNUPGHOME="$DIR/gpg"; mkdir -m 700 -p "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'layerwatch test <test@layerwatch.invalid>' default default never
FPR=$(gpg --list-keys --with-colons | awk -F: '/^fpr/ {print $10; exit}')
skopeo inspect --raw --tls-verify=false "docker://$HOST/app:3.20" > "$DIR/manifest.json"
skopeo standalone-sign "$DIR/manifest.json" "$HOST/app:3.20" "$FPR" -o "$DIR/signature"
up() {
  d=sha256:$(sha256sum "$1" | cut -d' ' -f1)
  loc=$(curl -sfi -X POST "http://$HOST/v2/app/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location" {print $2}')
  case $loc in http*) ;; *) loc="http://$HOST$loc" ;; esac
  case $loc in *\?*) sep='&' ;; *) sep='?' ;; esac
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$1" "$loc${sep}digest=$d" > /dev/null
  echo "$d"
}
printf '{}' > "$DIR/config.json"
CFG=$(up "$DIR/config.json"); SIG=$(up "$DIR/signature"); SIZE=$(stat -c %s "$DIR/signature")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":2},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"%s","size":%s}]}' "$CFG" "$SIG" "$SIZE" > "$DIR/sig-manifest.json"
curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @"$DIR/sig-manifest.json" "http://$HOST/v2/app/manifests/$TAG"
"#;

#[test]
fn the_signature_check_looks_in_the_registry() {
    let registry = Registry::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let good = tmp.path().join("good");
    let digest = good_image(&good);
    sh(&format!(
        "skopeo copy --quiet --dest-tls-verify=false oci:{}:3.20 docker://{}/app:3.20",
        good.display(),
        registry.host
    ));
    let target = format!("{}/app:3.20", registry.host);
    let scan = || {
        json_report(
            &target,
            &["--checks", "--insecure-registry", &registry.host],
        )
    };
    let report = scan();
    assert_eq!(report["artifact"]["manifest_digest"], digest.to_string());
    assert_eq!(results(&report, "LW-DI-0010"), vec!["fail"]);
    assert_eq!(results(&report, "LW-DI-0006"), vec!["pass"]);

    let script = format!(
        "DIR='{}' HOST='{}' TAG='sha256-{}.sig'\n{SIGN}",
        tmp.path().display(),
        registry.host,
        digest.hex()
    );
    sh(&script);
    let report = scan();
    assert_eq!(
        results(&report, "LW-DI-0010"),
        vec!["pass"],
        "{:#}",
        report["checks"]
    );
    let check = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == "LW-DI-0010")
        .expect("signature check");
    let evidence = check["evidence"][0].as_str().expect("evidence");
    assert!(
        evidence.starts_with(&format!("cosign signature tag sha256-{}.sig", digest.hex())),
        "{evidence}"
    );
}
