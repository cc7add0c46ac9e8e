// --help text of every command.
export const HELP: Record<string, string> = {
  main: `editlab — declare knowledge-editing and unlearning experiments as YAML, run them, get CSV tables

usage: editlab <command> [options]   (editlab <command> --help for details)

commands:
  validate  check spec files against the schema; --write-schema writes experiments/schema.json
  plan      print the task graph of a spec and what is already cached
  run       run a spec (resumable; cached tasks are skipped) and write its CSV table
  merge     join the shard files of a sharded run into the table a single run writes
  diff      align two result CSVs by their key columns and show per-metric deltas
  plot      draw a result CSV as an SVG chart (bar, line, radar, heatmap)
  trace     causal tracing of a default model's known facts: a CSV and its heatmap (ROME §2)
  pretrain  train the embedded default models on the synthetic world
  data      inspect a dataset file, or fetch the real datasets (needs internet)

exit codes: 0 ok · 1 failures found (cells, regressions, malformed records) · 2 usage or spec error
            3 runtime error (network, cache, shards) · 70 internal error (a bug) · 130 interrupted (Ctrl-C)
            143 terminated (SIGTERM)`,
  validate: `usage: editlab validate <spec.yaml>... [--write-schema [path]] [--registries module]

Checks each spec (YAML 1.2 + extends: + JSON Schema draft 2020-12). Every problem is printed as
file:line:col: /json/path: message (did you mean …?). --write-schema writes the schema (default
experiments/schema.json) for editors: put "# yaml-language-server: $schema=./schema.json" on top.`,
  plan: `usage: editlab plan <spec.yaml>... [--shard i/n] [--json] [--cache-dir dir] [--results-dir dir]

Prints shared stages (model, dataset, method precomputation) and the cells of each table row with
how many are cached. Task keys are content hashes of inputs, code versions, seed and upstream keys.
--json prints the graph as one JSON object per spec (for schedulers: cells.length, what is cached).`,
  run: `usage: editlab run <spec.yaml>... [-j N] [--shard i/n] [--retry-failed] [--renderer default|simple|verbose|silent]
                   [--cache-dir dir (default .editlab-cache, env EDITLAB_CACHE)] [--results-dir dir (default results)]

Runs every task not yet in the cache and writes <results>/<output>.csv, .meta.json (resolved spec,
environment, versions; deterministic) and .timing.json (wall times). Ctrl-C or SIGTERM stops the
run at the next record (exit 130 / 143; a second signal stops at once); neither they nor a kill lose
a finished task: run the same command again to resume. The display shows the running cell, its
record and the elapsed time (on a non-TTY, one line every 5 s at most). Failed or diverged cells are recorded and the
run goes on (exit 1). --shard i/n (0-based) runs a deterministic slice and writes a shard file
instead of the CSV; join them with editlab merge.`,
  merge: `usage: editlab merge <shard.json>... [--results-dir dir]

Joins the shard files of one sharded run (all n of them, same spec and code) into exactly the files
a single run writes.`,
  diff: `usage: editlab diff <a.csv> <b.csv> [--all] [--tolerance x] [--fail-on-regression]

Aligns rows by model, dataset, method, hparams, protocol and prints the metrics that changed, with
REGRESSION where a metric moved against its direction (from the metric registry). --all prints
unchanged metrics too; --fail-on-regression exits 1 when there is any.`,
  plot: `usage: editlab plot <table.csv> --metric a[,b,…] [--kind bar|line|radar|heatmap] [--x column] [--y column] [--series column]
                    [--title text] [--width px] [--height px] [-o out.svg]

Bars and lines: one panel per metric, x = method (bars) or protocol (lines), one colour per series
(default: the key columns that vary). Radar: one polygon per row over ≥ 3 metrics. Heatmap: --x, --y
and one --metric, one panel per value of --series (e.g. editlab trace's CSV: --x layer --y token
--metric effect --series kind). Rendered with Vega.`,
  trace: `usage: editlab trace --model <default model> [--facts N (default 20)] [--samples N (default 10)]
                     [--kind hidden,mlp,attn] [--seed N] [--out results/locate/<model>-trace.csv]

Causal tracing (ROME §2.1, engine locate/causal-trace.ts) of the first N facts of the world's CounterFact
records that the model knows (its top-1 next token is the true object's first token): the subject's
embeddings are corrupted with Gaussian noise (3σ), and each layer × token state is restored in turn
(MLP and attention outputs over upstream's 10-of-48-layer window at the same fraction of depth: 1 layer here).
Writes a CSV of the mean indirect effect per kind × token role × layer (ROME Fig. 1's six token roles)
and its heatmap (SVG) beside it.`,
  pretrain: `usage: editlab pretrain --model <name>|all [--set v1|v2 (default v1)] [--out dir (default models/<model>)]
                        [--steps N] [--world-seed N] [--world-size default|tiny|standin-default|standin-tiny]
                        [--facts file…] [--work-dir dir] [--fresh] [--eval-limit N]
       editlab pretrain --finetune-pistol --base <checkpoint dir> --out <dir>

Trains an embedded default model on the synthetic world corpus with a BPE tokenizer trained on it,
deterministically for its seeds, and writes the checkpoint (Hugging Face layout) with MODEL_CARD.md and
editlab-pretrain.json. A preset set fixes the models' architectures, schedule, window and world: v1
(tiny-gpt2, tiny-llama on world version 1, 64 tokens: the committed checkpoints) or v2 (tiny-gpt2,
tiny-llama, tiny-qwen2, tiny-mistral, tiny-llama3 on world version 2, 128 tokens: issue 13's retrain).
--model all trains every model of the set in turn (--out and --work-dir then hold one folder per model).
--facts builds a model that knows the true facts of real dataset files (CounterFact, ZsRE, TOFU, PISTOL
formats) instead. State is saved every 200 steps under --work-dir (default .editlab-cache/pretrain/<model>/,
.editlab-cache/pretrain/v2/<model>/ for set v2): rerunning the command resumes.
--finetune-pistol teaches a pretrained checkpoint the world's PISTOL contracts (ROUGE-1 recall ≥ 0.95).
See docs/default-models.md for sizes, times and scores.`,
  data: `usage: editlab data inspect <file> [--format name]
       editlab data fetch <name>... [--dest dir (default data)] [--timeout seconds] | --list

inspect: loads a dataset file with the datasets package's loaders and prints the detected format,
the record count and every malformed record (file, index, field); exit 1 when any is malformed.
fetch: downloads counterfact, zsre, tofu, pistol, rippleedits or mmlu from their canonical URLs and
verifies sizes and sha256 where published. Needs internet; fails fast with a clear message without.`,
};
