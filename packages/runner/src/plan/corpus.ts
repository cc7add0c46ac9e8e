// The text a method's `reads: corpus` prepare stage reads (covariance statistics, codebooks …): the
// model item's `corpus:` file when the spec names one, else the model entry's default corpus (the
// embedded models: the world they were pretrained on). A `.jsonl` file is one JSON object per line with
// a `text` field; any other file is plain text, one document per blank-line-separated paragraph.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { RunnerError } from '../errors';
import type { Registries, RunContext } from '../registries';
import type { AxisVariant } from './expand';

function corpusPath(v: AxisVariant, ctx: RunContext): string | undefined {
  return v.corpus === undefined ? undefined : resolve(ctx.specDir, v.corpus);
}

/** Identity of a model variant's corpus for stage keys: the file's sha256, or 'default'. */
export function corpusKey(v: AxisVariant, ctx: RunContext): string {
  const path = corpusPath(v, ctx);
  if (path === undefined) return 'default';
  if (!existsSync(path)) throw new RunnerError('DATA', `corpus file not found: ${path}`);
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function corpusLabel(v: AxisVariant): string {
  return v.corpus === undefined ? 'its default corpus' : basename(v.corpus);
}

/** Parse a corpus file's documents (see the header). */
export function parseCorpus(text: string, file: string): string[] {
  if (file.endsWith('.jsonl')) {
    return text.split('\n').flatMap((line, i) => {
      if (!line.trim()) return [];
      let doc: unknown;
      try {
        doc = JSON.parse(line);
      } catch {
        throw new RunnerError('DATA', `${file}:${i + 1}: not a JSON object`);
      }
      const t = (doc as { text?: unknown } | null)?.text;
      if (typeof t !== 'string') throw new RunnerError('DATA', `${file}:${i + 1}: field text must be a string`);
      return [t];
    });
  }
  return text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
}

export async function loadCorpus(v: AxisVariant, reg: Registries, ctx: RunContext): Promise<readonly string[]> {
  const path = corpusPath(v, ctx);
  if (path !== undefined) return parseCorpus(readFileSync(path, 'utf8'), path);
  const entry = reg.models.get(v.id)!;
  if (!entry.defaultCorpus) throw new RunnerError('DATA', `model '${v.id}' has no default corpus: give the model item a \`corpus:\` file (text or JSONL)`);
  return entry.defaultCorpus(v.params, ctx);
}
