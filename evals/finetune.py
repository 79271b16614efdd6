"""`python -m evals.finetune dev|test`: fine-tune the converted multilingual-e5-small on the plan's
own pairs (evals/finetune_pairs.py) on CPU, and judge it honestly.

`dev` chooses the training settings by 2-fold cross-validation over the dev questions: a model
trained with one half's questions is scored on the other half, so no question scores a model that
saw it. `test` trains the chosen settings with every dev question and runs the frozen test split
once, baseline (the same model untuned, same sentence-transformers backend) against tuned, and
writes evals/results/finetune.{md,json}. Each variant gets its own data directory under --work.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from core.offline import go_offline
from evals.finetune_config import GRID, TrainConfig
from evals.finetune_pairs import Pair
from evals.gold import GoldItem, normalise
from evals.report import RESULTS_DIR
from evals.scoring import Outcome

DEFAULT_WORK = Path(__file__).resolve().parent.parent / "data-ft"
FOLDS = 2
TRAINING_RECORD = "training.json"


def fold_of(item: GoldItem) -> int:
    """A stable fold from the question's folded wording, so that the same question under two
    ids (the dev split has one) never trains one half and scores the other."""
    return int(hashlib.sha1(normalise(item.question).encode()).hexdigest(), 16) % FOLDS


def _no_duplicate_batches(pairs: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """Shuffled batches where no text appears twice: a repeated heading or term would be its
    own in-batch negative. The last few leftovers (a quarter of a batch or less: too few
    negatives to learn from) wait for the next epoch's shuffle."""
    pending = pairs[:]
    rng.shuffle(pending)
    batches = []
    while pending:
        batch: list[Pair] = []
        seen: set[str] = set()
        rest = []
        for pair in pending:
            texts = {pair.query.casefold(), pair.passage.casefold()}
            if len(batch) < size and not texts & seen:
                batch.append(pair)
                seen |= texts
            else:
                rest.append(pair)
        if len(batch) <= size // 4:
            break
        batches.append(batch)
        pending = rest
    return batches


def train(
    base: Path, out: Path, pairs: list[Pair], config: TrainConfig, prefixes: tuple[str, str]
) -> dict[str, Any]:
    """MultipleNegativesRankingLoss (in-batch negatives) with AdamW, linear warm-up and decay."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    torch.set_num_threads(1)  # the machine is shared: one core for this, one for the others
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    model = SentenceTransformer(str(base), device="cpu")
    model.max_seq_length = config.max_seq_length
    if config.freeze_word_embeddings:
        transformer: Any = model[0]
        transformer.auto_model.get_input_embeddings().weight.requires_grad_(False)
    loss = MultipleNegativesRankingLoss(model)
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=config.lr, weight_decay=0.01)
    epochs = [_no_duplicate_batches(pairs, config.batch_size, rng) for _ in range(config.epochs)]
    steps = sum(len(e) for e in epochs)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup + 1)))
    )
    query_prefix, passage_prefix = prefixes
    losses: list[float] = []
    started = time.perf_counter()
    model.train()
    for batches in epochs:
        for batch in batches:
            queries = model.preprocess([query_prefix + p.query for p in batch])
            passages = model.preprocess([passage_prefix + p.passage for p in batch])
            value = loss([queries, passages], torch.empty(0))
            value.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            losses.append(float(value.detach()))
    seconds = time.perf_counter() - started
    model.eval()
    model.save(str(out), create_model_card=False)
    first, last = losses[: len(losses) // 4 or 1], losses[-(len(losses) // 4 or 1) :]
    record = {
        "config": asdict(config),
        "pairs": _counts(pairs),
        "steps": steps,
        "seconds": round(seconds, 1),
        "loss_first_quarter": round(sum(first) / len(first), 4),
        "loss_last_quarter": round(sum(last) / len(last), 4),
    }
    (out / TRAINING_RECORD).write_text(json.dumps(record, indent=2))
    return record


def trained(
    base: Path, out: Path, pairs: list[Pair], config: TrainConfig, prefixes: tuple[str, str]
) -> dict[str, Any]:
    """The model at `out` if an earlier run finished it with the same settings and pairs, else
    a new one: a long run interrupted on a shared machine resumes where it stopped."""
    record = out / TRAINING_RECORD
    if record.exists():
        done = json.loads(record.read_text())
        if done["config"] == asdict(config) and done["pairs"] == _counts(pairs):
            return done  # type: ignore[no-any-return]
    return train(base, out, pairs, config, prefixes)


def _counts(pairs: list[Pair]) -> dict[str, int]:
    return dict(Counter(p.source for p in pairs))


def run_eval(model_dir: Path, data_dir: Path, items: list[GoldItem]) -> list[Outcome]:
    """Build the index with `model_dir` in its own data dir, then ask every item."""
    import torch

    from core.settings import Settings
    from evals.report import run_system
    from evals.systems import ours
    from indexer.build import build_index
    from indexer.embedding import PianoEmbedding
    from server.startup import build_assistant

    torch.set_num_threads(1)
    settings = Settings(
        _env_file=None,
        data_dir=data_dir,
        embed_backend="sentence-transformers",
        embed_model=str(model_dir.resolve()),
    )
    embedder = PianoEmbedding.from_settings(settings)
    build_index(settings, embedder, progress=False)
    return run_system(ours(build_assistant(settings, embedder)), items)


def _inputs(base: Path, work: Path) -> tuple[list[Any], list[GoldItem], Any, tuple[str, str]]:
    """The base model's passages (from its baseline index), the gold set, glossary, prefixes."""
    from core.settings import Settings
    from evals.gold import load_gold
    from indexer.glossary import load_glossary
    from indexer.stores import open_index

    settings = Settings(
        _env_file=None,
        data_dir=work / "idx-base",
        embed_backend="sentence-transformers",
        embed_model=str(base.resolve()),
    )
    chunks = list(open_index(settings, settings.embedder_id).chunks.values())
    prefixes = (settings.embedding.query_prefix, settings.embedding.passage_prefix)
    return chunks, load_gold(), load_glossary(settings.glossary_file), prefixes


def _summary(outcomes: list[Outcome]) -> dict[str, Any]:
    from evals.scoring import summarise

    return summarise(outcomes)


def choose_on_dev(base: Path, work: Path) -> dict[str, Any]:
    """Baseline and every GRID row on the dev split, each tuned model scored on the half of the
    dev questions it did not train on."""
    from evals.finetune_pairs import build_pairs

    gold_dev = [g for g in _load_gold() if g.split == "dev"]
    baseline = run_eval(base, work / "idx-base", gold_dev)
    chunks, gold, glossary, prefixes = _inputs(base, work)
    rows: dict[str, Any] = {"baseline": {"dev": _summary(baseline)}}
    for config in GRID:
        held_out: list[Outcome] = []
        runs = []
        for fold in range(FOLDS):
            train_ids = {g.id for g in gold_dev if fold_of(g) != fold}
            pairs = build_pairs(chunks, glossary, gold, train_ids)
            out = work / f"model-{config.name}-f{fold}"
            runs.append(trained(base, out, pairs, config, prefixes))
            scored = [g for g in gold_dev if fold_of(g) == fold]
            held_out += run_eval(out, work / f"idx-{config.name}-f{fold}", scored)
            print(f"… {config.name} fold {fold}: {runs[-1]}", file=sys.stderr)
        rows[config.name] = {"dev": _summary(held_out), "training": runs}
    best = max(GRID, key=lambda c: (rows[c.name]["dev"]["cited_hit"], -GRID.index(c)))
    result = {"chosen": asdict(best), "rows": rows, "load": _uptime()}
    (work / "dev.json").write_text(json.dumps(result, indent=2))
    return result


def test_split_once(base: Path, work: Path) -> dict[str, Any]:
    """The chosen settings trained with every dev question; baseline and tuned on test, once."""
    from evals.finetune_pairs import build_pairs

    dev = json.loads((work / "dev.json").read_text())
    config = TrainConfig(**dev["chosen"])
    chunks, gold, glossary, prefixes = _inputs(base, work)
    dev_ids = {g.id for g in gold if g.split == "dev"}
    pairs = build_pairs(chunks, glossary, gold, dev_ids)
    out = work / f"model-{config.name}-final"
    training = trained(base, out, pairs, config, prefixes)
    test = [g for g in gold if g.split == "test"]
    result = {
        **dev,
        "final_training": training,
        "test": {
            "baseline": _summary(run_eval(base, work / "idx-base", test)),
            "tuned": _summary(run_eval(out, work / f"idx-{config.name}-final", test)),
        },
        "test_load": _uptime(),
        "tuned_dir": str(out),
    }
    (RESULTS_DIR / "finetune.json").write_text(json.dumps(result, indent=2))
    return write_report(result)


def write_report(result: dict[str, Any] | None = None) -> dict[str, Any]:
    from evals.finetune_report import to_markdown

    result = result or json.loads((RESULTS_DIR / "finetune.json").read_text())
    (RESULTS_DIR / "finetune.md").write_text(to_markdown(result))
    return result


def _load_gold() -> list[GoldItem]:
    from evals.gold import load_gold

    return load_gold()


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    go_offline()
    parser = argparse.ArgumentParser(prog="python -m evals.finetune")
    parser.add_argument(
        "step",
        choices=["dev", "test", "report"],
        help="choose on dev; test the choice once; rewrite finetune.md from finetune.json",
    )
    parser.add_argument(
        "--base",
        type=Path,
        default=None,
        help="model folder (default: the converted model, its safetensors written if missing)",
    )
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="models and indexes")
    args = parser.parse_args(argv)
    if args.step == "report":
        write_report()
    else:
        from core.settings import Settings
        from indexer.e5.convert import ensure_converted

        base = args.base or ensure_converted(Settings(_env_file=None).e5_model_dir, hf=True)
        step = choose_on_dev if args.step == "dev" else test_split_once
        print(json.dumps(step(base.resolve(), args.work.resolve()), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
