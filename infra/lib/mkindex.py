#!/usr/bin/env python3
"""Add a multi-platform OCI image index to an existing OCI image layout.

Usage: mkindex.py LAYOUT NEW_REF REF [REF...] [--attest REF]

Each REF names an image manifest already in LAYOUT (by its org.opencontainers.image.ref.name);
its platform comes from its config. REF/VARIANT adds a platform variant (umoci 0.4 cannot set
one in the config), as in `arm64/v8`. With --attest, an attestation manifest for that REF is
added the way BuildKit stores them: an OCI manifest whose layers are in-toto statements, listed
in the index with platform unknown/unknown and the annotations vnd.docker.reference.type =
attestation-manifest and vnd.docker.reference.digest = the attested manifest's digest.
Output is deterministic: the same inputs give the same index digest.
"""

import hashlib
import json
import sys
from pathlib import Path


def put_blob(layout: Path, body: bytes) -> str:
    """Write BODY as a content-addressed blob and return its digest."""
    hexd = hashlib.sha256(body).hexdigest()
    path = layout / "blobs" / "sha256" / hexd
    path.write_bytes(body)
    path.chmod(0o644)
    return "sha256:" + hexd


def get_blob(layout: Path, digest: str) -> dict:
    """Read a JSON blob by digest."""
    return json.loads((layout / "blobs" / "sha256" / digest.split(":", 1)[1]).read_bytes())


def canonical(obj: dict) -> bytes:
    """Serialise compactly with a fixed key order so digests are reproducible."""
    return json.dumps(obj, separators=(",", ":"), sort_keys=False).encode()


def attestation(layout: Path, subject: dict, ref: str) -> dict:
    """Build a BuildKit-style attestation manifest for SUBJECT and return its index entry."""
    statement = {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://slsa.dev/provenance/v0.2",
        "subject": [{"name": f"pkg:docker/layerwatch/alpine@{ref}",
                     "digest": {"sha256": subject["digest"].split(":", 1)[1]}}],
        "predicate": {"builder": {"id": ""}, "buildType": "https://mobyproject.org/buildkit@v1",
                      "metadata": {"buildStartedOn": "2024-09-06T00:00:00Z"}},
    }
    st_body = canonical(statement)
    st_digest = put_blob(layout, st_body)
    config = {"architecture": "unknown", "os": "unknown", "config": {},
              "rootfs": {"type": "layers", "diff_ids": [st_digest]}}
    cfg_body = canonical(config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": put_blob(layout, cfg_body), "size": len(cfg_body)},
        "layers": [{"mediaType": "application/vnd.in-toto+json", "digest": st_digest,
                    "size": len(st_body),
                    "annotations": {"in-toto.io/predicate-type": statement["predicateType"]}}],
    }
    body = canonical(manifest)
    return {"mediaType": manifest["mediaType"], "digest": put_blob(layout, body),
            "size": len(body), "platform": {"architecture": "unknown", "os": "unknown"},
            "annotations": {"vnd.docker.reference.digest": subject["digest"],
                            "vnd.docker.reference.type": "attestation-manifest"}}


def main(argv: list[str]) -> int:
    attest = None
    if "--attest" in argv:
        i = argv.index("--attest")
        attest = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    layout, new_ref, refs = Path(argv[0]), argv[1], argv[2:]
    index = json.loads((layout / "index.json").read_text())
    by_ref = {m["annotations"]["org.opencontainers.image.ref.name"]: m
              for m in index["manifests"] if "annotations" in m}
    entries = []
    for arg in refs:
        ref, _, variant = arg.partition("/")
        desc = by_ref[ref]
        cfg = get_blob(layout, get_blob(layout, desc["digest"])["config"]["digest"])
        platform = {"architecture": cfg["architecture"], "os": cfg["os"]}
        if variant or cfg.get("variant"):
            platform["variant"] = variant or cfg["variant"]
        entries.append({"mediaType": desc["mediaType"], "digest": desc["digest"],
                        "size": desc["size"], "platform": platform})
    if attest is not None:
        entries.append(attestation(layout, by_ref[attest], attest))
    body = canonical({"schemaVersion": 2,
                      "mediaType": "application/vnd.oci.image.index.v1+json",
                      "manifests": entries})
    digest = put_blob(layout, body)
    index["manifests"] = [m for m in index["manifests"]
                          if m.get("annotations", {}).get("org.opencontainers.image.ref.name")
                          != new_ref]
    index["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json",
                               "digest": digest, "size": len(body),
                               "annotations": {"org.opencontainers.image.ref.name": new_ref}})
    (layout / "index.json").write_text(json.dumps(index, separators=(",", ":")))
    print(digest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
