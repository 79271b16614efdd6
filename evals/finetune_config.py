"""The fine-tuning experiment's settings: one training configuration, and the few tried on dev."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrainConfig:
    lr: float = 2e-5
    epochs: int = 1
    batch_size: int = 32
    max_seq_length: int = 128
    freeze_word_embeddings: bool = True
    seed: int = 17

    @property
    def name(self) -> str:
        frozen = "frozen" if self.freeze_word_embeddings else "full"
        return f"lr{self.lr:g}-ep{self.epochs}-bs{self.batch_size}-{frozen}"


# Small on purpose: each row costs two trainings and two index builds on one core.
# (A second epoch and unfrozen word embeddings were left out for time: one step of 32 pairs took
# ~13 s on a loaded machine; unfrozen steps measured 43% slower.)
GRID = (
    TrainConfig(lr=2e-5, epochs=1),
    TrainConfig(lr=3e-5, epochs=1),
)
