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
  compare   two rows of one table with the paired interval of their difference; or a claims file's verdicts
  plot      draw a result CSV as an SVG chart (bar, line, radar, heatmap)
  trace     causal tracing of a default model's known facts: a CSV and its heatmap (ROME §2)
  pretrain  train the embedded default models on the synthetic world
  data      inspect a dataset file, or fetch the real datasets (needs internet)
  methods   list the methods, what they take and their params' defaults (--json)
  model     fetch a Hugging Face checkpoint into the model cache (model fetch owner/name)

exit codes: 0 ok · 1 failures found (cells, regressions, malformed records) · 2 usage or spec error
            3 runtime error (network, cache, shards) · 70 internal error (a bug) · 130 interrupted (Ctrl-C)
            143 terminated (SIGTERM)`,
  validate: `usage: editlab validate <spec.yaml>... [--set path=value]... [--limit N] [--json] [--write-schema [path]] [--registries module]

Checks each spec (YAML 1.2 + extends: + JSON Schema draft 2020-12). Every problem is printed as
file:line:col: /json/path: message (did you mean …?). --write-schema writes the schema (default
experiments/schema.json) for editors: put "# yaml-language-server: $schema=./schema.json" on top.
--set path=value overrides a value of the spec before it is checked (repeatable; dotted path with list
indices, e.g. --set methods.0.params.lr=1e-3, or a JSON pointer; the value is YAML); a problem it causes
is reported at the flag. --json prints one JSON object per spec: { file, ok, output, resolved } or
{ file, ok: false, problems: [{ file, line, col, path, message, hint }] }.`,
  plan: `usage: editlab plan <spec.yaml>... [--shard i/n] [--json] [--set path=value]... [--limit N] [--cache-dir dir] [--results-dir dir]

Prints shared stages (model, dataset, method precomputation) and the cells of each table row with
how many are cached. Task keys are content hashes of inputs, code versions, seed and upstream keys.
--json prints the graph as one JSON object per spec (for schedulers: cells.length, what is cached).`,
  run: `usage: editlab run <spec.yaml>... [-j N] [--shard i/n] [--retry-failed] [--renderer default|simple|verbose|silent]
                   [--limit N] [--set path=value]... [--json]
                   [--cache-dir dir (default .editlab-cache, env EDITLAB_CACHE)] [--results-dir dir (default results)]

Runs every task not yet in the cache and writes <results>/<output>.csv, .meta.json (resolved spec,
environment, versions; deterministic) and .timing.json (wall times). Ctrl-C or SIGTERM stops the
run at the next record (exit 130 / 143; a second signal stops at once); neither they nor a kill lose
a finished task: run the same command again to resume. The display shows the running cell, its
record and the elapsed time (on a non-TTY, one line every 5 s at most). Failed or diverged cells are recorded and the
run goes on (exit 1). --shard i/n (0-based) runs a deterministic slice and writes a shard file
instead of the CSV; join them with editlab merge. When it ends, run prints the table's rows, aligned
(columns empty in every row left out; the CSV has everything).
--limit N uses the first N records of each dataset (a quick try; it is the spec's run.limit, so the table
and its cache keys are those of that smaller run). --set path=value overrides a spec value as in validate.
--json prints one JSON object per spec instead of text: { spec, executed, cached, csv, meta, plots, rows }
(rows: the CSV's, numbers as numbers, nan as null); the progress display is then off unless --renderer.`,
  merge: `usage: editlab merge <shard.json>... [--results-dir dir]

Joins the shard files of one sharded run (all n of them, same spec and code) into exactly the files
a single run writes.`,
  diff: `usage: editlab diff <a.csv> <b.csv> [--all] [--tolerance x] [--fail-on-regression]

Aligns rows by model, dataset, method, hparams, protocol and prints the metrics that changed, with
REGRESSION where a metric moved against its direction (from the metric registry) by more than the
noise: with both tables' per-record values (<table>.records.csv) a paired 95% bootstrap interval of
the change must exclude 0; else a.csv's interval columns (<metric>_lo, _hi) must not hold b's value.
--tolerance x replaces the noise rule with |Δ| > x. --all prints unchanged metrics and changes within
noise too; --fail-on-regression exits 1 when there is any regression or a row that was ok is not.`,
  compare: `usage: editlab compare <table.csv> --a col=v[,col=v…] --b col=v[,col=v…] [--metric m[,m…]] [--markdown] [--seed n]
       editlab compare --claims <claims.yaml> [--markdown] [--seed n] [--fail-on-not-held]

Two rows of one table share their records, so their difference (b − a) gets a paired 95% bootstrap
interval over the records (from <table>.records.csv and the table's meta.json; without them, the rows'
interval columns must be disjoint). Per metric: b higher, b lower, or within noise.
A claims file lists what a paper found, each claim judged on its table:
  claims:
    - { id: F-T3a, says: ForGet scores above F-Learning, table: forget/table3.csv, metric: score,
        a: { model: tiny-llama, method: F-L }, b: { model: tiny-llama, method: ForGet }, expect: b > a }
    - { id: Ob1a, says: GA collapses, table: unlearning/table1.csv, metric: rouge1-retain, b: { method: GA }, expect: < 0.1 }
Table paths are relative to the claims file. Verdict: held (the interval is wholly on the claimed side of
0 or of the threshold), not held (wholly on the other side), within noise (it straddles), n/a (with why).
--fail-on-not-held exits 1 when any claim is not held or n/a.`,
  plot: `usage: editlab plot <table.csv> --metric a[,b,…] [--kind bar|line|radar|heatmap] [--x column] [--y column] [--series column]
                    [--title text] [--width px] [--height px] [-o|--out out.svg (default <table>.<kind>.svg)]

Bars and lines: one panel per metric, x = method (bars) or protocol (lines), one colour per series
(default: the key columns that vary; the legend is titled by them, e.g. "model"). Radar: one polygon per
row over ≥ 3 metrics. Heatmap: --x, --y and one --metric, one panel per value of --series (e.g. editlab
trace's CSV: --x layer --y token --metric effect --series kind). Axis titles carry the metric's unit
("efficacy (%)" for metrics printed × 100); long labels are wrapped, never cut; the title is --title, else
the spec's description or name from the table's .meta.json, else the file name. Interval columns beside a
metric (<m>.lo/<m>.hi, <m>_lo/<m>_hi, <m>-lo/<m>-hi or <m>_ci_lo/<m>_ci_hi) are drawn as error bars.
Rendered with Vega.`,
  trace: `usage: editlab trace --model <default model> [--facts N (default 20)] [--samples N (default 10)]
                     [--kind hidden,mlp,attn] [--seed N] [--out results/locate/<model>-trace.csv] [--no-card]
       editlab trace --model <default model> --from results/locate/<model>-trace.csv

Causal tracing (ROME §2.1, engine locate/causal-trace.ts) of the first N facts of the world's CounterFact
records that the model knows (its top-1 next token is the true object's first token): the subject's
embeddings are corrupted with Gaussian noise (3σ), and each layer × token state is restored in turn
(MLP and attention outputs over upstream's 10-of-48-layer window at the same fraction of depth: 1 layer here).
Writes a CSV of the mean indirect effect per kind × token role × layer (ROME Fig. 1's six token roles)
and its heatmap (SVG) beside it. The edit layer it finds (the largest MLP effect at the last subject token) is
written into the model's card, models/<model>/edit-layer.json and MODEL_CARD.md, where ROME, MEMIT and AlphaEdit
take their default layer from (docs/locate-then-edit.md "Layers"); --no-card leaves the model directory alone.
--from writes the card from an existing trace table without tracing again (after a checkpoint is retrained,
trace first: the card names the weights it was traced on, and a stale one is ignored).`,
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
  methods: `usage: editlab methods [id…] [--json] [--registries module]

Lists the registered methods (or the ones named): what kind of request each takes (rewrite, forget), its
shared stages, and every param with its default and description, as a spec's params: takes them.
--json prints them as one JSON array: [{ id, version, description, accepts, maxBatch?, stages, params: [{ name,
type, default?, description? }] }].`,
  model: `usage: editlab model fetch <owner/name[@revision] | https://host/owner/name[/tree/revision]> [--revision r]
                           [--cache dir] [--timeout seconds] [--json]
       editlab model path <owner/name[@revision]>

fetch: downloads config.json, tokenizer.json (tokenizer_config.json, generation_config.json when present) and
the safetensors weights (the shards model.safetensors.index.json names, or model.safetensors) into the model
cache, <cache>/<owner>/<name>/<revision>/, verifying each file against the hub's sha256 (LFS) or git blob id.
An interrupted fetch resumes where it stopped (Range requests); files already verified are skipped.
The cache is --cache, else $EDITLAB_MODEL_CACHE, else $XDG_CACHE_HOME/editlab/models (~/.cache/editlab/models).
The server is $HF_ENDPOINT (default https://huggingface.co; any mirror with the hub's interface) or the URL's
host; $HF_TOKEN is sent as a bearer token (gated models such as meta-llama/*).
A spec names a fetched model as  hf: owner/name  (models: [hf: owner/name], @revision optional; the long
form { model: hf, params: { repo: owner/name } } works too). Not fetched: validate and run name this command.
path: prints the directory of a fetched model (exit 1 when it is not fetched).`,
  data: `usage: editlab data inspect <file> [--format name]
       editlab data fetch <name>... [--dest dir (default data)] [--timeout seconds] | --list

inspect: loads a dataset file with the datasets package's loaders and prints the detected format,
the record count and every malformed record (file, index, field); exit 1 when any is malformed.
fetch: downloads counterfact, zsre, tofu, pistol, rippleedits or mmlu from their canonical URLs and
verifies sizes and sha256 where published. Needs internet; fails fast with a clear message without.`,
};
