"""The persistent bundle cache: an unchanged component is never recompiled, even in a new process.

A record is stored under (options, component key) and remembers the digest of every file the
bundle read (esbuild's metafile lists them: the component, its imports, the JSX runtime, the
generated mount module). It is valid while each of those files has the same bytes. Options
include the esbuild version and binary, so ``build`` and ``serve`` (which adds source maps)
keep separate records side by side. Output bytes live in content-addressed blob files; blobs
no record needs, and records unused for a month, are removed when the index is saved.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from ..components import BuiltComponent

__all__ = ["BundleCache", "digest_file"]

FORMAT = 2
FORGET_AFTER = 30 * 24 * 3600  # seconds without use before a record is dropped
TOUCH_AFTER = 24 * 3600  # refresh a record's last use at most daily (saves index writes)


def digest_file(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return "missing"


class BundleCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._index_path = directory / "index.json"
        self._records: dict[str, dict] = self._load()
        self._dirty = False

    def get(self, options: str, key: str) -> BuiltComponent | None:
        """The cached bundle, if every file it read is unchanged."""
        record = self._records.get(f"{options} {key}")
        if record is None:
            return None
        if any(digest_file(Path(p)) != digest for p, digest in record["inputs"].items()):
            return None
        try:
            files = {
                site_path: (self.directory / blob).read_bytes()
                for site_path, blob in record["files"].items()
            }
        except OSError:
            return None
        now = time.time()
        if now - record.get("used", 0) > TOUCH_AFTER:
            record["used"] = now
            self._dirty = True
        return BuiltComponent(key, record["url_path"], files, tuple(record["project_inputs"]))

    def put(self, options: str, component: BuiltComponent, inputs: dict[str, str]) -> None:
        """Store a fresh bundle; ``inputs`` maps absolute paths to :func:`digest_file`."""
        self.directory.mkdir(parents=True, exist_ok=True)
        blobs = {}
        for site_path, data in component.files.items():
            blob = "blob-" + hashlib.blake2b(data, digest_size=16).hexdigest()
            if not (self.directory / blob).exists():
                _write_atomic(self.directory / blob, data)
            blobs[site_path] = blob
        self._records[f"{options} {component.key}"] = {
            "url_path": component.url_path,
            "files": blobs,
            "inputs": inputs,
            "project_inputs": list(component.inputs),
            "used": time.time(),
        }
        self._dirty = True

    def save(self) -> None:
        """Write the index (if anything changed) and remove what no record needs any more."""
        if not self._dirty:
            return
        now = time.time()
        merged = {**self._load(), **self._records}  # keep what another process stored meanwhile
        self._records = {
            name: record
            for name, record in merged.items()
            if now - record.get("used", 0) < FORGET_AFTER
        }
        data = json.dumps({"format": FORMAT, "records": self._records}, indent=1, sort_keys=True)
        _write_atomic(self._index_path, data.encode())
        self._dirty = False
        needed = {blob for record in self._records.values() for blob in record["files"].values()}
        for path in self.directory.glob("blob-*"):
            if path.name not in needed:
                path.unlink(missing_ok=True)

    def _load(self) -> dict[str, dict]:
        try:
            data = json.loads(self._index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        return data["records"]


def _write_atomic(path: Path, data: bytes) -> None:
    """Readers (another build, ``serve``) never see half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
