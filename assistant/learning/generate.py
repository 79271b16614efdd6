"""Training questions generated from whatever documents are indexed.

From a passage's sentences: the key words of a sentence (its rarest content words, the answer
itself left out) in a form people ask with (`question_forms.toml`) — "Quando …?" for a sentence
that carries a date, "Quante persone …?" for a count, "Cosa prevede il piano per …?" otherwise;
from headings, "Quali sono …?"; the glossary's everyday words in place of the plan's terms, and
now and then a typo. Questions to decline come from the same key words asked for what no passage
carries (an amount, a deadline, a contact, the future, another territory), and from a reviewed
list of everyday questions on other subjects (`everyday.toml`). The same step on a user's own
documents trains for them.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.learning.examples import Labelled
from assistant.question.answer_types import AnswerType, counted_nouns, find_spans
from assistant.retrieval.lexicon import Lexicon
from core.italian import content_stems, fold, italian_stemmer, italian_stopwords, words
from core.limits import section_leaf
from indexer.glossary import Glossary
from indexer.stores import StoredChunk

HERE = Path(__file__).resolve().parent
FORMS = HERE / "question_forms.toml"
EVERYDAY = HERE / "everyday.toml"
# The span types a sentence can be asked about, and the form group for each.
TYPED = [
    (AnswerType.DATE, "data"),
    (AnswerType.MONEY, "importo"),
    (AnswerType.NUMBER, "numero"),
    (AnswerType.PERSON, "persona"),
    (AnswerType.PLACE, "luogo"),
    (AnswerType.TITLE, "titolo"),
]
# Forms for a sentence that carries no asked type, the plainest twice as likely.
UNTYPED = ["altro", "altro", "sino", "definizione"]
# Each form group is a way of asking for one kind of answer (the tagger learns them).
GROUP_TYPES = {
    "data": AnswerType.DATE,
    "numero": AnswerType.NUMBER,
    "importo": AnswerType.MONEY,
    "persona": AnswerType.PERSON,
    "luogo": AnswerType.PLACE,
    "titolo": AnswerType.TITLE,
    "altro": AnswerType.OTHER,
    "sino": AnswerType.YESNO,
    "definizione": AnswerType.DEFINITION,
    "elenco": AnswerType.LIST,
    "sezione": AnswerType.OTHER,
}
DECLINE_KINDS = {
    "importo": AnswerType.MONEY,
    "scadenza": AnswerType.DATE,
    "contatto": None,
    "futuro": None,
    "altrove": None,
}
MIN_WORDS = 5
TYPO_RATE = 0.15
JARGON_RATE = 0.5


def load_forms(path: Path = FORMS) -> dict[str, dict[str, list[str]]]:
    with open(path, "rb") as f:
        return tomllib.load(f)


def everyday_questions(path: Path = EVERYDAY) -> list[str]:
    with open(path, "rb") as f:
        return list(tomllib.load(f)["questions"])


@dataclass
class Generator:
    lexicon: Lexicon
    glossary: Glossary
    seed: int = 0

    def __post_init__(self) -> None:
        self.forms = load_forms()
        self.rng = random.Random(self.seed)
        self._stop = italian_stopwords()
        self._stem = italian_stemmer()

    # --- pieces ---------------------------------------------------------------------------
    def key_words(self, sentence: str, leave_out: str = "", most: int = 6) -> list[str]:
        """The sentence's most telling stretch of words (3 to `most`, content words at both
        ends, the rarest overall), without the words of `leave_out` (the answer)."""
        left_out = set(words(leave_out))
        tokens = [t.strip('.,;:!?()«»"“”[]') for t in sentence.replace("’", "'").split()]
        tokens = [t for t in tokens if t and fold(t) not in left_out and not t.isdigit()]
        weight = [self._rarity(t) for t in tokens]
        best: tuple[float, int, int] | None = None
        for size in range(3, most + 1):
            for start in range(0, len(tokens) - size + 1):
                if not (weight[start] and weight[start + size - 1]):
                    continue  # a stretch starts and ends with a content word
                score = sum(weight[start : start + size]) / (size**0.5)
                if best is None or score > best[0]:
                    best = (score, start, start + size)
        return tokens[best[1] : best[2]] if best else []

    def _rarity(self, token: str) -> float:
        folded = fold(token).strip("'")
        if len(folded) < 3 or folded in self._stop or "'" in folded:
            return 0.0
        return self.lexicon.idf(self._stem.stemWord(folded))

    def _typo(self, word: str) -> str:
        if len(word) < 6:
            return word
        i = self.rng.randrange(1, len(word) - 2)
        return (
            word[:i] + word[i + 1 :]
            if self.rng.random() < 0.5
            else (word[:i] + word[i + 1] + word[i] + word[i + 2 :])
        )

    def _everyday(self, text: str) -> str:
        """The sentence with one plan term it uses said in everyday words (when the glossary has
        one), so paraphrases are learned too."""
        folded = fold(text)
        for entry in self.rng.sample(self.glossary.entries, len(self.glossary.entries)):
            for wording in [entry.term, *entry.aliases]:
                if len(wording) > 4 and fold(wording) in folded and entry.everyday:
                    start = folded.index(fold(wording))
                    everyday = self.rng.choice(entry.everyday)
                    return text[:start] + everyday + text[start + len(wording) :]
        return text

    def _ask(self, group: str, kind: str, key: list[str], **extra: str) -> str:
        if self.rng.random() < TYPO_RATE and key:
            i = self.rng.randrange(len(key))
            key = [*key[:i], self._typo(key[i]), *key[i + 1 :]]
        text = self.rng.choice(self.forms[group][kind]).format(kw=" ".join(key), **extra)
        return fold(text) if self.rng.random() < 0.2 else text

    # --- questions --------------------------------------------------------------------------
    def from_sentence(self, chunk: StoredChunk, sentence: str, n: int) -> Labelled | None:
        if len(sentence.split()) < MIN_WORDS:
            return None
        source = self._everyday(sentence) if self.rng.random() < JARGON_RATE else sentence
        support = ((chunk.meta.doc_id, sentence[:120]),)
        for kind, group in self.rng.sample(TYPED, len(TYPED)):
            spans = find_spans(sentence, kind)
            if spans:
                span = spans[0]
                key = self.key_words(source, leave_out=span)
                if len(key) < 2:
                    break
                noun = (counted_nouns(span).split() or ["persone"])[0]
                text = self._ask("answer", group, key, noun=noun)
                return Labelled(f"g{n}", text, support=support, origin="generated")
        key = self.key_words(source)
        if len(key) < 2:
            return None
        group = self.rng.choice(UNTYPED)
        return Labelled(
            f"g{n}", self._ask("answer", group, key), support=support, origin="generated"
        )

    def from_heading(self, chunk: StoredChunk, n: int) -> Labelled | None:
        leaf = section_leaf(chunk.meta.section)
        if len(content_stems(leaf)) < 2:
            return None
        key = [w for w in leaf.split() if w.strip()]
        text = self._ask("answer", self.rng.choice(["sezione", "elenco"]), key[:6])
        return Labelled(f"g{n}", text, support=((chunk.meta.doc_id, leaf),), origin="generated")

    def decline(
        self, chunk: StoredChunk, sentence: str, n: int, places: list[str]
    ) -> Labelled | None:
        """A question about the sentence's topic asking for what the documents do not give."""
        key = self.key_words(sentence, most=3)
        if len(key) < 2:
            return None
        kind = self.rng.choice(list(DECLINE_KINDS))
        asked = DECLINE_KINDS[kind]
        if asked is not None and any(find_spans(s, asked) for s in chunk.sentences):
            return None  # the passage may carry it: not a safe example
        place = self.rng.choice(places) if places else "Bari"
        text = self._ask("decline", kind, key, place=place)
        return Labelled(f"n{n}", text, answerable=False, origin="generated")

    def questions(
        self, chunks: list[StoredChunk], answerable: int, declines: int
    ) -> list[Labelled]:
        sentences = [(c, s) for c in chunks for s in c.sentences]
        self.rng.shuffle(sentences)
        out: list[Labelled] = []
        headings = {section_leaf(c.meta.section): c for c in chunks if c.meta.section}
        for n, chunk in enumerate(headings.values()):
            if len(out) >= answerable // 5:
                break
            if (q := self.from_heading(chunk, n)) is not None:
                out.append(q)
        for n, (chunk, sentence) in enumerate(sentences, start=len(out)):
            if len(out) >= answerable:
                break
            if (q := self.from_sentence(chunk, sentence, n)) is not None:
                out.append(q)
        places = [
            p for p in self.forms["decline"]["places"] if fold(p) not in self.lexicon.vocabulary
        ]
        self.rng.shuffle(sentences)
        negatives: list[Labelled] = []
        for n, (chunk, sentence) in enumerate(sentences):
            if len(negatives) >= declines:
                break
            if (q := self.decline(chunk, sentence, n, places)) is not None:
                negatives.append(q)
        return out + negatives


def everyday_labelled() -> list[Labelled]:
    return [
        Labelled(f"e{n}", q, answerable=False, origin="everyday")
        for n, q in enumerate(everyday_questions())
    ]


def typed_questions(
    generator: Generator, chunks: list[StoredChunk], per_group: int
) -> list[tuple[str, AnswerType]]:
    """Questions in every form group about random sentences' key words, with the kind of answer
    each form asks for: training data for the answer-type tagger (no embedding needed)."""
    sentences = [s for c in chunks for s in c.sentences if len(s.split()) >= MIN_WORDS]
    out: list[tuple[str, AnswerType]] = []
    groups = [("answer", g, k) for g, k in GROUP_TYPES.items()]
    groups += [("decline", g, k or AnswerType.OTHER) for g, k in DECLINE_KINDS.items()]
    for section, group, kind in groups:
        for _ in range(per_group):
            key = generator.key_words(generator.rng.choice(sentences))
            if len(key) >= 2:
                text = generator._ask(section, group, key, noun="persone", place="Bari")
                out.append((text, kind))
    return out
