#!/usr/bin/env node
// Enforces the one direction of dependencies: runner -> metrics -> engine, datasets.
// engine and datasets import no sibling. No deep imports into another package's files,
// no relative paths that climb out of a package. Usage: check-boundaries.mjs [package...]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED = {
  engine: [],
  datasets: [],
  metrics: ['engine', 'datasets'],
  runner: ['engine', 'datasets', 'metrics'],
};
const only = process.argv.slice(2);
const packages = only.length ? only : Object.keys(ALLOWED);
const importRe = /(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) yield p;
  }
}

const problems = [];
for (const pkg of packages) {
  if (!(pkg in ALLOWED)) { console.error(`check-boundaries: unknown package '${pkg}'`); process.exit(2); }
  const pkgDir = join(root, 'packages', pkg);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
    .filter((d) => d.startsWith('@editlab/')).map((d) => d.slice('@editlab/'.length));
  for (const d of declared) {
    if (!ALLOWED[pkg].includes(d)) problems.push(`packages/${pkg}/package.json: depends on @editlab/${d}, but ${pkg} may depend only on [${ALLOWED[pkg].join(', ') || 'no sibling'}]`);
  }
  for (const file of walk(join(pkgDir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const line = text.slice(0, m.index).split('\n').length;
      const where = `${relative(root, file)}:${line}`;
      if (spec.startsWith('@editlab/')) {
        const [, name, ...rest] = spec.split('/');
        if (!ALLOWED[pkg].includes(name)) problems.push(`${where}: ${pkg} must not import ${spec} (allowed: ${ALLOWED[pkg].join(', ') || 'no sibling'})`);
        else if (!declared.includes(name)) problems.push(`${where}: imports ${spec} but packages/${pkg}/package.json does not declare @editlab/${name}`);
        if (rest.length) {
          const dep = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
          if (!dep.exports || !(`./${rest.join('/')}` in dep.exports)) problems.push(`${where}: deep import ${spec} is not an export of @editlab/${name}`);
        }
      } else if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(pkgDir + '/') && target !== pkgDir) problems.push(`${where}: relative import ${spec} leaves packages/${pkg}`);
      }
    }
  }
}
if (problems.length) {
  console.error(`dependency-direction check failed (${problems.length}):\n` + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log(`dependency-direction check: ${packages.join(', ')} ok`);
