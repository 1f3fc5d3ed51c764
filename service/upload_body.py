"""An uploaded file as a stream of bytes, whether sent as the raw body or as a multipart part."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from domain.errors import InvalidInput, UploadTooLarge

_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class UploadedBody:
    chunks: AsyncIterator[bytes]
    media_type: str  # of the file itself, lower case, without parameters
    charset: str | None
    filename: str | None


async def uploaded_body(request: Request[Any, Any, Any], max_bytes: int) -> UploadedBody:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise UploadTooLarge(f"the upload exceeds the limit of {max_bytes} bytes")
    media_type, parameters = request.content_type
    if media_type == "multipart/form-data":
        form = await request.form()
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise InvalidInput("a multipart upload must carry the file in a part named 'file'")
        part_type, _, part_parameters = part.content_type.partition(";")
        charset = _charset(part_parameters) or form.get("charset")
        return UploadedBody(_read(part), part_type.strip().lower(), charset, part.filename)
    return UploadedBody(request.stream(), media_type.lower(), parameters.get("charset"), None)


async def _read(part: UploadFile) -> AsyncIterator[bytes]:
    try:
        while chunk := await part.read(_CHUNK):
            yield chunk
    finally:
        await part.close()


def _charset(parameters: str) -> str | None:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"')
    return None
