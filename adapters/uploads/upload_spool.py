"""Receive an upload into a temporary file: bounded size, content hash and UTF-8 validity in one pass.

Spooling to disk keeps memory flat whatever the file size, and hashing while receiving lets the
store recognise a re-sent file before parsing it.
"""

import asyncio
import codecs
import hashlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from domain.errors import UploadTooLarge

_WRITE_CHUNK = 4 * 1024 * 1024
SAMPLE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class SpooledFile:
    path: Path
    sha256: str
    size: int
    is_valid_utf8: bool
    sample: bytes  # the first bytes, for dialect detection
    lines: int  # physical lines, the last one counted even without its newline

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def remove_leftover_spools(folder: Path) -> int:
    """Delete uploads left behind by a crash: they may hold identifiers in clear."""
    leftovers = list(folder.glob("upload-*.part")) if folder.is_dir() else []
    for path in leftovers:
        path.unlink(missing_ok=True)
    return len(leftovers)


async def spool_upload(chunks: AsyncIterator[bytes], folder: Path, max_bytes: int) -> SpooledFile:
    """Write `chunks` to a new file in `folder`; refuse (and delete) past `max_bytes`."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix="upload-", suffix=".part", delete=False)  # noqa: SIM115
    path = Path(handle.name)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    size = 0
    newlines = 0
    last_byte = b"\n"
    sample = b""
    pending: list[bytes] = []
    pending_size = 0
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(f"the upload exceeds the limit of {max_bytes} bytes")
            digest.update(chunk)
            newlines += chunk.count(b"\n")
            last_byte = chunk[-1:] or last_byte
            if len(sample) < SAMPLE_BYTES:
                sample += chunk[: SAMPLE_BYTES - len(sample)]
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            pending.append(chunk)
            pending_size += len(chunk)
            if pending_size >= _WRITE_CHUNK:
                await asyncio.to_thread(handle.write, b"".join(pending))
                pending, pending_size = [], 0
        if pending:
            await asyncio.to_thread(handle.write, b"".join(pending))
        if is_utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
        handle.close()
    except BaseException:
        handle.close()
        path.unlink(missing_ok=True)
        raise
    lines = newlines + (0 if last_byte == b"\n" else 1)
    return SpooledFile(path, digest.hexdigest(), size, is_utf8, sample, lines)
