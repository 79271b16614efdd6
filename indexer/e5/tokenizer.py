"""The XLM-R SentencePiece-unigram tokenizer of the checkpoint: a SentencePiece model for the
runtime, and the same as a `tokenizers` pipeline (tokenizer.json) for sentence-transformers.

e5.c tokenises like this: map each codepoint through the per-codepoint normalisation table,
collapse runs of U+0020, prepend U+2581 unless the text starts with a space, turn spaces into
U+2581, run Viterbi over the unigram pieces (an unknown character is one <unk>, score min - 10;
every piece but <unk> may match the text, so a literal "<s>" is the piece <s>).

The runtime (runtime.py) reads the SentencePiece model: 5 MB on disk and about 35 MB in memory,
where `tokenizers` keeps the 250,002 pieces in a trie of about 280 MB. Around it, the runtime
applies CHARMAP_FILE with str.translate and collapses spaces first, does not prepend a second
U+2581 to a text that starts with a space, and expands a fused run of unknown characters to one
<unk> each, as e5.c does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from indexer.e5.charsmap import build_precompiled_charsmap
from indexer.e5.checkpoint import E5Checkpoint

if TYPE_CHECKING:  # `tokenizers` is needed to convert, not to embed
    from tokenizers import Tokenizer

MAX_LENGTH = 512
CHARMAP_FILE = "e5_charmap.json"
SENTENCEPIECE_FILE = "sentencepiece.model"


def build_sentencepiece(ck: E5Checkpoint) -> bytes:
    """A serialised SentencePiece `ModelProto` (unigram) with e5.c's pieces, scores and table.

    Every piece is NORMAL, so that SentencePiece matches "<s>", "</s>", "<pad>" and "<mask>" in
    a text as e5.c does, except <unk> (UNKNOWN: never matched, the unknown characters' id).
    """
    from sentencepiece import sentencepiece_model_pb2  # generated protobuf classes

    spm_pb: Any = sentencepiece_model_pb2  # untyped: mypy sees none of its classes

    model = spm_pb.ModelProto()
    piece_type = spm_pb.ModelProto.SentencePiece
    for i, (piece, score) in enumerate(zip(ck.pieces, ck.scores)):
        entry = model.pieces.add()
        entry.piece, entry.score = piece, float(score)
        entry.type = piece_type.UNKNOWN if i == ck.unk_id else piece_type.NORMAL
    spec = model.trainer_spec
    spec.model_type = spm_pb.TrainerSpec.UNIGRAM
    spec.vocab_size = len(ck.pieces)
    spec.unk_id, spec.bos_id, spec.eos_id, spec.pad_id = ck.unk_id, ck.bos_id, ck.eos_id, ck.pad_id
    spec.byte_fallback = False
    norm = model.normalizer_spec
    norm.name = "e5c"
    norm.precompiled_charsmap = build_precompiled_charsmap(ck.norm_map)
    norm.add_dummy_prefix = True
    norm.remove_extra_whitespaces = False  # the runtime collapses runs of U+0020 only
    norm.escape_whitespaces = True
    return model.SerializeToString()  # type: ignore[no-any-return]


def build_tokenizer(ck: E5Checkpoint) -> Tokenizer:
    """A `tokenizers.Tokenizer` equivalent to e5.c's tokenizer plus <s> ... </s>."""
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

    The tokenizers carry the same table as a precompiled charsmap, but `tokenizers`' normalizer
    looks up whole graphemes: a mapped character followed by a combining mark (fullwidth "Ａ" +
    U+0301) is replaced together with the mark, which e5.c keeps. The table is idempotent, so
    after the translate the charsmap changes nothing.
    """
    return {
        "description": "codepoint -> replacement, applied per codepoint before tokenisation",
        "map": {str(cp): "".join(map(chr, outs)) for cp, outs in sorted(ck.norm_map.items())},
    }
