//! The path-based entry point, and the debug log lines that explain skipped index entries.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use layerwatch_oci::{BlobSource, LocalSource, ParsedManifest, Platform, parse_manifest};

#[test]
fn directories_are_layouts_and_files_are_archives() {
    let layout =
        LocalSource::open(common::image_data("oci-layout/hello-world.oci")).expect("layout");
    assert!(matches!(layout, LocalSource::Layout(_)));
    let archive =
        LocalSource::open(common::image_data("docker-archive/alpine-311.tar.gz")).expect("archive");
    assert!(matches!(archive, LocalSource::Archive(_)));
    for source in [&layout, &archive] {
        let images = source.images(None).expect("images");
        assert_eq!(images.len(), 1);
        let amd64: Platform = "linux/x86_64".parse().expect("platform");
        assert!(images[0].matches_platform(&amd64));
        assert!(!images[0].matches_platform(&"linux/arm64".parse().expect("platform")));
        let mut reader = source
            .open_layer(&images[0].layers[0])
            .expect("layer opens");
        let n = std::io::copy(&mut reader, &mut std::io::sink()).expect("layer verifies");
        assert_eq!(Some(n), images[0].layers[0].size);
    }
    let tagged = archive.images(Some("alpine:3.11")).expect("tag present");
    assert_eq!(
        tagged[0].config_digest.to_string(),
        "sha256:a187dde48cd289ac374ad8539930628314bc581a481cdb41409c9289419ddb72"
    );
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn skipped_index_entries_are_logged_with_the_reason() {
    let d = |c: char| format!("sha256:{}", c.to_string().repeat(64));
    let mt = "application/vnd.oci.image.manifest.v1+json";
    let json = format!(
        r#"{{"schemaVersion":2,"manifests":[
          {{"mediaType":"{mt}","digest":"{}","size":1,"platform":{{"architecture":"amd64","os":"linux"}}}},
          {{"mediaType":"{mt}","digest":"{}","size":1,"platform":{{"architecture":"unknown","os":"unknown"}},
            "annotations":{{"vnd.docker.reference.type":"attestation-manifest"}}}},
          {{"mediaType":"{mt}","digest":"{}","size":1,"platform":{{"architecture":"unknown","os":"unknown"}}}},
          {{"mediaType":"application/vnd.cncf.helm.chart.v1","digest":"{}","size":1}}]}}"#,
        d('1'),
        d('2'),
        d('3'),
        d('4')
    );
    let Ok(ParsedManifest::Index(index)) = parse_manifest(json.as_bytes(), None) else {
        panic!("an index");
    };
    let buffer = Captured::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let kept = tracing::subscriber::with_default(subscriber, || index.images());
    assert_eq!(kept.len(), 1);
    let logs = String::from_utf8(buffer.0.lock().expect("log buffer").clone()).expect("utf-8 logs");
    for (digest, reason) in [
        (d('2'), "attestation manifest"),
        (d('3'), "platform unknown/unknown"),
        (d('4'), "not an image manifest media type"),
    ] {
        let line = logs
            .lines()
            .find(|l| l.contains(&digest))
            .unwrap_or_else(|| panic!("no log line for {digest} in:\n{logs}"));
        assert!(line.contains("DEBUG") && line.contains(reason), "{line}");
    }
}
