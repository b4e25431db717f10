"""Content-addressed raw store: root/ab/cd/<sha256>.pdf, written atomically (tmp + rename)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.files import write_atomically

DEFAULT_STORE_ROOT = Path("out") / "raw"

Validators = dict[str, str | None]  # one URL's conditional-GET validators: etag, last_modified, sha256
FetchCache = dict[str, Validators]  # url -> its validators


def path_for(sha256: str, root: str | Path = DEFAULT_STORE_ROOT, suffix: str = ".pdf") -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return Path(root) / sha256[:2] / sha256[2:4] / f"{sha256}{suffix}"


def store_bytes(data: bytes, root: str | Path = DEFAULT_STORE_ROOT) -> tuple[str, Path]:
    """Store bytes under their sha256; the same bytes twice give the same path and one file."""
    sha = hashlib.sha256(data).hexdigest()
    path = path_for(sha, root)
    if not (path.is_file() and path.stat().st_size == len(data)):
        write_atomically(path, data)
    return sha, path


def load_cache(path: str | Path) -> FetchCache:
    """Conditional-GET validators ({url: {etag, last_modified, sha256}}) from a JSON file; {} if absent."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_cache(cache: FetchCache, path: str | Path) -> None:
    write_atomically(Path(path), json.dumps(cache, ensure_ascii=False, indent=1, sort_keys=True).encode())


def mirror(sha256: str, local_path: str | Path, url_root: str) -> str:
    """Copy a stored document to any fsspec URL (`s3://bucket/raw`, `gs://…`, `file:///…`,
    `memory://…`) under the same content address; the local copy stays the working file.
    The same bytes twice are one object."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(url_root)
    target = "/".join([root.rstrip("/"), sha256[:2], sha256[2:4], f"{sha256}{Path(local_path).suffix}"])
    if not fs.exists(target):
        fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
        fs.put_file(str(local_path), target)
    return target
