"""The XLM-R SentencePiece-unigram tokenizer of the checkpoint, as a `tokenizers` pipeline.

e5.c tokenises like this: map each codepoint through the per-codepoint normalisation table,
collapse runs of U+0020, prepend U+2581 unless the text starts with a space, turn spaces into
U+2581, run Viterbi over the unigram pieces (an unknown character is one <unk>, score min - 10).
No piece holds an inner U+2581, so the Metaspace split per word cannot change the segmentation.

The runtime (runtime.py) adds what `tokenizers` does differently: it applies CHARMAP_FILE with
str.translate first, never splits on special tokens in the text, and expands a fused run of
unknown characters to one <unk> each.
"""

from __future__ import annotations

from typing import Any

from tokenizers import (
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    processors,
)

from indexer.e5.charsmap import build_precompiled_charsmap
from indexer.e5.checkpoint import E5Checkpoint

MAX_LENGTH = 512
CHARMAP_FILE = "e5_charmap.json"


def build_tokenizer(ck: E5Checkpoint) -> Tokenizer:
    """A `tokenizers.Tokenizer` equivalent to e5.c's tokenizer plus <s> ... </s>."""
    vocab = [(p, float(s)) for p, s in zip(ck.pieces, ck.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=ck.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_precompiled_charsmap(ck.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="\u2581", prepend_scheme="always", split=True
    )
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    bos, eos = ck.pieces[ck.bos_id], ck.pieces[ck.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ck.bos_id), (eos, ck.eos_id)],
    )
    specials = [ck.pieces[i] for i in (ck.bos_id, ck.pad_id, ck.eos_id, ck.unk_id)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if "<mask>" in ck.pieces:
        tok.add_special_tokens([AddedToken("<mask>", special=True, normalized=False, lstrip=True)])
    tok.enable_truncation(MAX_LENGTH)
    return tok


def charmap_json(ck: E5Checkpoint) -> dict[str, Any]:
    """e5.c's per-codepoint normalisation table, applied by the runtime with str.translate.

    tokenizer.json carries the same table as a Precompiled charsmap, but that normalizer looks
    up whole graphemes: a mapped character followed by a combining mark (fullwidth "Ａ" + U+0301)
    is replaced together with the mark, which e5.c keeps. The table is idempotent, so after the
    translate the Precompiled step changes nothing.
    """
    return {
        "description": "codepoint -> replacement, applied per codepoint before tokenisation",
        "map": {str(cp): "".join(map(chr, outs)) for cp, outs in sorted(ck.norm_map.items())},
    }
