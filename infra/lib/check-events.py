#!/usr/bin/env python3
"""Check that the sample events in events/ name images the test image build really produces.

Usage: check-events.py EVENTS_DIR IMAGES_DIR

Every digest in an event about a `layerwatch/alpine` repository must be a manifest or index in
IMAGES_DIR (built by infra/build-test-images.sh, which is reproducible for the Alpine images),
with the same media type and, where the event gives one, the same size. So a test that takes an
event, pushes the images and fetches what the event names gets a real manifest. Exits 1 and
names the file and digest on the first mismatch.
"""

import json
import sys
from pathlib import Path


def known_manifests(images: Path) -> dict[str, tuple[str, int]]:
    """Map digest -> (media type, size) for every manifest and index in every layout."""
    known = {}
    for layout in (images / "oci").iterdir():
        blobs = layout / "blobs" / "sha256"
        for blob in blobs.iterdir():
            try:
                doc = json.loads(blob.read_bytes())
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue  # a layer
            if isinstance(doc, dict) and doc.get("schemaVersion") == 2:
                media = doc.get("mediaType", "application/vnd.oci.image.manifest.v1+json")
                known["sha256:" + blob.name] = (media, blob.stat().st_size)
    return known


def references(event: dict):
    """Yield (repository, digest, media type or None, size or None) from one event."""
    if event.get("detail-type") == "ECR Image Action":
        d = event["detail"]
        yield d["repository-name"], d["image-digest"], d.get("manifest-media-type"), None
    elif "data" in event and "target" in event["data"]:
        t = event["data"]["target"]
        yield t["repository"], t["digest"], t.get("mediaType"), t.get("size")


def main(events: Path, images: Path) -> int:
    if not (images / "oci").is_dir():
        print(f"check-events: {images}/oci is missing; run infra/build-test-images.sh {images}",
              file=sys.stderr)
        return 1
    known = known_manifests(images)
    checked = 0
    for path in sorted(events.glob("*.json")):
        doc = json.loads(path.read_text())
        for event in doc if isinstance(doc, list) else [doc]:
            for repo, digest, media, size in references(event):
                if repo != "layerwatch/alpine":
                    continue
                if digest not in known:
                    print(f"check-events: {path.name}: {digest} is not in {images}", file=sys.stderr)
                    return 1
                real_media, real_size = known[digest]
                if media is not None and media != real_media:
                    print(f"check-events: {path.name}: {digest} is {real_media}, not {media}",
                          file=sys.stderr)
                    return 1
                if size is not None and size != real_size:
                    print(f"check-events: {path.name}: {digest} has {real_size} bytes, not {size}",
                          file=sys.stderr)
                    return 1
                checked += 1
    if checked == 0:
        print("check-events: no event named a layerwatch/alpine image", file=sys.stderr)
        return 1
    print(f"check-events: {checked} event references match the built images")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
