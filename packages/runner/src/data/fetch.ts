// `editlab data fetch <name>`: download the real datasets from their canonical URLs (the sources
// listed in ../shared/data/*/SOURCE.md), verify size and sha256 where the source publishes them,
// and write each file atomically. Without a network it fails fast with a clear message — editlab
// never downloads anything at run time, only when asked to here.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lookup } from 'node:dns/promises';
import { spawnSync } from 'node:child_process';
import { RunnerError } from '../errors';
import { downloadFile } from '../util/download';
import { hintFor } from '../util/suggest';

export interface RemoteFile {
  readonly url: string;
  /** Name under <dest>/<dataset>/. */
  readonly file: string;
  readonly sha256?: string;
  readonly bytes?: number;
}

export interface DatasetSource {
  readonly name: string;
  readonly description: string;
  readonly license: string;
  readonly files: readonly RemoteFile[];
}

const RAW = 'https://raw.githubusercontent.com';

export const SOURCES: readonly DatasetSource[] = [
  {
    name: 'counterfact', license: 'MIT (kmeng01/rome)',
    description: 'CounterFact, ROME format (Meng et al. 2022), 21,919 records',
    files: [{ url: 'https://memit.baulab.info/data/dsets/counterfact.json', file: 'counterfact.json', bytes: 45_108_470, sha256: 'd017056125178a13728594e66a801357a8db9ed7973a7425554bb4271de9fc6f' }],
  },
  {
    name: 'zsre', license: 'MIT (kmeng01/rome)',
    description: 'zsRE question-answering edits, MEND eval format, 19,086 records',
    files: [{ url: 'https://memit.baulab.info/data/dsets/zsre_mend_eval.json', file: 'zsre_mend_eval.json', bytes: 8_091_864, sha256: '8a371d512f8a6ab175db4ef672181d5c0e52da23298cb51e5a2eeea2f89aa9cd' }],
  },
  {
    name: 'tofu', license: 'MIT (locuslab/tofu)',
    description: 'TOFU real_authors + world_facts with perturbed answers (JSON Lines)',
    files: [
      { url: `${RAW}/locuslab/tofu/main/data/real_authors_perturbed.json`, file: 'real_authors_perturbed.json', sha256: 'a23255383ac75a5fbe5acd57622a03fb9c368954fd7b2428afa152b784d9533a' },
      { url: `${RAW}/locuslab/tofu/main/data/world_facts_perturbed.json`, file: 'world_facts_perturbed.json', sha256: '0e171838040d0ec94b1ce248d891508e85e3b77344370077caa27b61898eb3e1' },
    ],
  },
  {
    name: 'pistol', license: 'ODC-BY (xinchiqiu/PISTOL)',
    description: 'PISTOL sample dataset 1 (contract knowledge graph) + factual QA',
    files: [
      { url: `${RAW}/bill-shen-BS/PISTOL/9851fb5e48836f329d86a04dcd466307cf6111c8/data/sample_data_1.json`, file: 'sample_data_1.json', bytes: 78_993, sha256: '0776b7c5b1c9973f36eab6edee527b37f3079f6ac61b81387e788b8cd25b6f3e' },
      { url: `${RAW}/bill-shen-BS/PISTOL/9851fb5e48836f329d86a04dcd466307cf6111c8/data/factual_data.json`, file: 'factual_data.json', sha256: '499c0cbdc34e967bfa5794c45a6b8aa192d25a2727748441d66821ff40deaf3f' },
    ],
  },
  {
    name: 'rippleedits', license: 'MIT (edenbiran/RippleEdits)',
    description: 'RippleEdits benchmark: popular, random, recent',
    files: ['popular', 'random', 'recent'].map((s) => ({ url: `${RAW}/edenbiran/RippleEdits/main/data/benchmark/${s}.json`, file: `${s}.json` })),
  },
  {
    name: 'mmlu', license: 'MIT (hendrycks/test)',
    description: 'MMLU (Hendrycks et al. 2021), all 57 subjects, headerless CSV in a tar archive',
    files: [{ url: 'https://people.eecs.berkeley.edu/~hendrycks/data.tar', file: 'data.tar' }],
  },
];

export function findSource(name: string): DatasetSource {
  const s = SOURCES.find((x) => x.name === name);
  if (!s) throw new RunnerError('USAGE', `unknown dataset '${name}' (${hintFor(name, SOURCES.map((x) => x.name)) ?? ''})`);
  return s;
}

export interface FetchOptions {
  readonly dest: string;
  /** Milliseconds for name resolution and for the response to start. */
  readonly timeoutMs?: number;
  readonly fetchImpl?: typeof fetch;
  readonly log?: (line: string) => void;
}

function offline(url: string, why: string): RunnerError {
  return new RunnerError(
    'NETWORK',
    `no network: cannot reach ${new URL(url).host} (${why}). On a machine with internet run \`editlab data fetch\` there, ` +
      `or download ${url} yourself and point the spec's dataset \`params.path\` at the local file.`,
  );
}

async function download(f: RemoteFile, target: string, o: FetchOptions): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const host = new URL(f.url).hostname;
  try {
    await Promise.race([
      lookup(host),
      new Promise((_r, reject) => setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs).unref()),
    ]);
  } catch (e) {
    throw offline(f.url, `${(e as NodeJS.ErrnoException).code ?? (e as Error).message} resolving ${host}`);
  }
  await downloadFile(f.url, target, {
    timeoutMs, ...(o.fetchImpl ? { fetchImpl: o.fetchImpl } : {}),
    expect: { ...(f.bytes !== undefined ? { bytes: f.bytes } : {}), ...(f.sha256 !== undefined ? { sha256: f.sha256 } : {}) },
    unreachable: (why) => offline(f.url, why),
  });
}

/** Unpack a downloaded tar archive beside it with the system `tar` (MMLU ships as data.tar). */
function untar(archive: string): void {
  const r = spawnSync('tar', ['-xf', archive, '-C', dirname(archive)], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new RunnerError('DATA', `${archive}: downloaded, but \`tar -xf\` failed (${r.error?.message ?? r.stderr.trim()}); unpack it by hand`);
  }
}

/** Download every file of a dataset into <dest>/<name>/, skipping files already there. */
export async function fetchDataset(name: string, o: FetchOptions): Promise<string[]> {
  return fetchSource(findSource(name), o);
}

export async function fetchSource(src: DatasetSource, o: FetchOptions): Promise<string[]> {
  const out: string[] = [];
  for (const f of src.files) {
    const target = join(o.dest, src.name, f.file);
    if (existsSync(target)) {
      o.log?.(`${target}: already present`);
    } else {
      o.log?.(`${f.url} → ${target}`);
      await download(f, target, o);
      if (f.file.endsWith('.tar')) untar(target);
    }
    out.push(target);
  }
  return out;
}
