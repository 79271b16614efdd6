"""The runtime's own choices: two lanes that give one model's vectors, e5.c's token rules."""

from __future__ import annotations

import numpy as np

TEXT = "Il Piano prevede un fondo di garanzia per i prestiti alle cooperative sociali."


def test_no_texts_no_vectors(onnx_e5):
    assert onnx_e5.encode([], False).shape == (0, 384)


def test_a_text_in_a_large_call_gets_the_vector_it_gets_alone(onnx_e5, corpus_passages):
    alone = onnx_e5.encode([TEXT], False)[0]  # in the caller's thread
    in_bulk = onnx_e5.encode([*corpus_passages[:30], TEXT], False)[-1]  # on the build's threads

    assert sum(onnx_e5.count_tokens(t) for t in corpus_passages[:30]) > 512
    assert np.array_equal(alone, in_bulk)  # int8 activations are never shared with a neighbour
    assert np.isclose(np.linalg.norm(in_bulk), 1.0, atol=1e-5)


def test_queries_and_passages_carry_their_prefixes(onnx_e5):
    query, passage = onnx_e5.content_ids([TEXT], True)[0], onnx_e5.content_ids([TEXT], False)[0]

    assert query[-10:] == passage[-10:]
    assert query[:2] != passage[:2]
    assert onnx_e5.count_tokens(TEXT, True) == len(query) + 2


def test_a_run_of_unknown_characters_is_one_unk_each(onnx_e5):
    ids = onnx_e5.content_ids(["\U00020000\U00020001"], False)[0]  # CJK ext-B: not in the vocab

    assert ids.count(onnx_e5.unk_id) == 2  # SentencePiece alone fuses them into one, e5.c does not
