"""The rebuilt SentencePiece charsmap maps every codepoint exactly as e5.c's table does."""

from __future__ import annotations

from indexer.e5.charsmap import build_precompiled_charsmap, lookup
from indexer.e5.checkpoint import default_q4_path, read_checkpoint


def test_every_entry_of_the_table_is_found_in_the_trie():
    norm_map = read_checkpoint(default_q4_path()).norm_map
    charsmap = build_precompiled_charsmap(norm_map)
    blob = charsmap[4 + int.from_bytes(charsmap[:4], "little") :]

    wrong = []
    for cp, outs in norm_map.items():
        found = lookup(charsmap, chr(cp).encode("utf-8"))
        replacement = blob[found[-1] :].split(b"\0", 1)[0].decode("utf-8") if found else None
        if replacement != "".join(map(chr, outs)):
            wrong.append(cp)

    assert len(norm_map) > 4000
    assert wrong == []


def test_a_codepoint_outside_the_table_is_not_found():
    charsmap = build_precompiled_charsmap({0xFB01: (ord("f"), ord("i"))})

    assert lookup(charsmap, b"a") == []
    assert lookup(charsmap, "\ufb01".encode()) != []
