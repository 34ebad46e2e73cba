"""A GGUF file's metadata and tensor table, read in milliseconds.

gguf's GGUFReader maps every element of every array, so a file with a 150,000-token vocabulary
takes seconds to open; the app reads a model's header before each load. This reader walks the
same layout (gguf's constants give the value types and tensor sizes) and skips the tokenizer's
arrays, keeping only where the token strings start so that a few can be looked up.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_KEEP_ARRAY_BELOW = 256  # shorter arrays are kept as lists; the tokenizer's long ones are skipped
_TOKENS = "tokenizer.ggml.tokens"


@dataclass
class GGUFHeader:
    """The metadata (long arrays left out), the parameter count and where the tensor data ends."""

    fields: dict = field(default_factory=dict)
    parameters: int = 0
    data_end: int = 0
    _buffer: mmap.mmap | bytes = b""
    _tokens_at: int | None = None
    _token_count: int = 0

    def token(self, token_id) -> str | None:
        """The vocabulary's string for this id (None when there is no vocabulary or no such id)."""
        if token_id is None or self._tokens_at is None or not 0 <= int(token_id) < self._token_count:
            return None
        cursor = _Cursor(self._buffer)
        cursor.pos = self._tokens_at
        cursor.skip_strings(int(token_id))
        return cursor.string()


class _Cursor:
    def __init__(self, buffer) -> None:
        self.buffer, self.pos = buffer, 0

    def unpack(self, fmt: str):
        value = struct.unpack_from(fmt, self.buffer, self.pos)[0]
        self.pos += struct.calcsize(fmt)
        return value

    def string(self) -> str:
        length = self.unpack("<Q")
        text = bytes(self.buffer[self.pos:self.pos + length]).decode("utf-8", errors="replace")
        if len(text) < length and self.pos + length > len(self.buffer):
            raise ValueError("the file ends inside its metadata")
        self.pos += length
        return text

    def skip_strings(self, count: int) -> None:
        for _ in range(count):
            self.pos += 8 + struct.unpack_from("<Q", self.buffer, self.pos)[0]

    def value(self, kind: int):
        if kind == _STRING:
            return self.string()
        if kind != _ARRAY:
            return self.unpack(_SCALARS[kind])
        item_kind, count = self.unpack("<I"), self.unpack("<Q")
        if count < _KEEP_ARRAY_BELOW:
            return [self.value(item_kind) for _ in range(count)]
        if item_kind == _STRING:
            self.skip_strings(count)
        else:
            self.pos += count * struct.calcsize(_SCALARS[item_kind])
        return None


def read_header(path: str) -> GGUFHeader:
    """Parse the header of the GGUF file at path (little-endian GGUF v2 and v3)."""
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType  # tensor sizes per type

    with open(path, "rb") as handle:
        buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    cursor = _Cursor(buffer)
    cursor.pos = 4
    version = cursor.unpack("<I")
    if version not in (2, 3):
        raise ValueError(f"GGUF version {version} is not supported (big-endian or too new)")
    n_tensors, n_fields = cursor.unpack("<Q"), cursor.unpack("<Q")
    header = GGUFHeader(_buffer=buffer)
    for _ in range(n_fields):
        key, kind = cursor.string(), cursor.unpack("<I")
        if key == _TOKENS and kind == _ARRAY:
            header._tokens_at = cursor.pos + 12  # after the item type and the count
            header._token_count = struct.unpack_from("<Q", buffer, cursor.pos + 4)[0]
        header.fields[key] = cursor.value(kind)
    end = 0
    for _ in range(n_tensors):
        cursor.string()
        dims = [cursor.unpack("<Q") for _ in range(cursor.unpack("<I"))]
        kind, offset = cursor.unpack("<I"), cursor.unpack("<Q")
        elements = 1
        for dim in dims:
            elements *= dim
        block, size = GGML_QUANT_SIZES[GGMLQuantizationType(kind)]
        header.parameters += elements
        end = max(end, offset + elements * size // block)
    alignment = int(header.fields.get("general.alignment") or 32)
    header.data_end = (cursor.pos + alignment - 1) // alignment * alignment + end
    return header
