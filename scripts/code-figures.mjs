#!/usr/bin/env node
// The code figures of docs/architecture.md and of a change's note: production files and lines per
// workspace, service-to-service imports, duplicated blocks, README lines.
//
//   npm run figures                      # this checkout
//   npm run figures -- --root /tmp/base  # another checkout (e.g. a `git worktree` of an older commit),
//                                        # measured with this checkout's rules and tools
//   npm run figures -- --json            # the same, as JSON
//
// Production code: the files git tracks in the folders of services/<x> and packages/<x> (src, public, the
// desktop's sources; not a workspace's top-level configuration files such as vitest.config.ts) ending in
// .ts, .tsx, .js, .mjs or .cjs, without tests and test support: *.test.ts, anything in a
// testing/ folder, the packages/testing workspace, and the other files .jscpd.json ignores (a workspace's
// testing entry, test harnesses outside testing/ folders, generated code, vendor files). The copy-paste
// check of `npm run lint` reads the same set. Lines are newline-terminated lines, blank and comment lines
// included (what `wc -l` says).
//
// Service-to-service imports: import/export/import() statements in a service's production files
// (services/embedded excluded: it composes the services) naming another service, by its @pronto/<name>
// package or by a relative path into services/<name>.
//
// Duplicate pairs: jscpd with .jscpd.json (at least 6 lines and 25 tokens; an import or re-export
// statement counts as one token, so lists of the same names are not duplicates). "all" counts every pair,
// declared boilerplate included (the jscpd:ignore markers are neutralised in a copy); "undeclared" is what
// `npm run lint` fails on.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const rootIndex = args.indexOf('--root');
const root = resolve(rootIndex >= 0 ? args[rootIndex + 1] : process.cwd());
const asJson = args.includes('--json');

const jscpdConfigPath = join(here, '.jscpd.json');
const jscpdConfig = JSON.parse(readFileSync(jscpdConfigPath, 'utf8'));
const jscpdBin = join(here, 'node_modules', '.bin', 'jscpd');

const CODE = /\.(ts|tsx|js|mjs|cjs)$/;
const PLACES = /^(services|packages)\/[^/]+\/[^/]+\//;

/** jscpd's ignore globs (all of the form **\/...), as regular expressions on a repository path. */
const ignored = jscpdConfig.ignore.map((glob) => {
  const body = glob
    .replace(/^\*\*\//, '')
    .split(/(\*\*\/|\*\*|\*)/)
    .map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`(^|/)${body}$`);
});

function trackedFiles() {
  const out = spawnSync('git', ['ls-files', '-z', 'services', 'packages'], { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`git ls-files failed in ${root}: ${out.stderr}`);
  return out.stdout.split('\0').filter(Boolean);
}

const production = trackedFiles()
  .filter((path) => CODE.test(path) && PLACES.test(path) && existsSync(join(root, path)))
  .filter((path) => !ignored.some((pattern) => pattern.test(path)))
  .sort();

function lineCount(text) {
  return text.split('\n').length - 1;
}

const workspaces = new Map();
for (const path of production) {
  const workspace = path.split('/').slice(0, 2).join('/');
  const entry = workspaces.get(workspace) ?? { files: 0, lines: 0 };
  entry.files += 1;
  entry.lines += lineCount(readFileSync(join(root, path), 'utf8'));
  workspaces.set(workspace, entry);
}

const services = readdirSync(join(root, 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'services', entry.name, 'package.json')))
  .map((entry) => entry.name);
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;
const crossImports = [];
for (const path of production) {
  const [top, service] = path.split('/');
  if (top !== 'services' || service === 'embedded') continue;
  const text = readFileSync(join(root, path), 'utf8');
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1];
    let target;
    const named = /^@pronto\/([^/]+)/.exec(specifier);
    if (named && services.includes(named[1])) target = named[1];
    else if (specifier.startsWith('.')) {
      const into = relative(root, resolve(dirname(join(root, path)), specifier)).split('/');
      if (into[0] === 'services') target = into[1];
    }
    if (target && target !== service) {
      const line = text.slice(0, match.index).split('\n').length;
      crossImports.push({ from: `${path}:${line}`, service, target, specifier });
    }
  }
}

function duplicates(sourceRoot) {
  const output = mkdtempSync(join(tmpdir(), 'code-figures-report-'));
  try {
    const run = spawnSync(
      jscpdBin,
      [
        '--config',
        jscpdConfigPath,
        '--reporters',
        'json',
        '--output',
        output,
        '--silent',
        '--exitCode',
        '0',
        '--threshold',
        '100',
        ...['services', 'packages'].map((place) => join(sourceRoot, place)),
      ],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`jscpd failed: ${run.stderr || run.stdout}`);
    const report = JSON.parse(readFileSync(join(output, 'jscpd-report.json'), 'utf8'));
    const scanned = Object.values(report.statistics.formats).flatMap((format) => Object.keys(format.sources));
    return {
      scanned: scanned.map((path) => relative(sourceRoot, path)).sort(),
      pairs: report.duplicates.map((pair) => ({
        lines: pair.lines,
        first: `${relative(sourceRoot, pair.firstFile.name)}:${pair.firstFile.start}-${pair.firstFile.end}`,
        second: `${relative(sourceRoot, pair.secondFile.name)}:${pair.secondFile.start}-${pair.secondFile.end}`,
      })),
    };
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
}

/** The production files copied with their jscpd:ignore markers neutralised: every pair, declared ones too. */
function allDuplicates() {
  const copy = mkdtempSync(join(tmpdir(), 'code-figures-copy-'));
  try {
    for (const path of production) {
      mkdirSync(dirname(join(copy, path)), { recursive: true });
      const text = readFileSync(join(root, path), 'utf8').replaceAll('jscpd:ignore-', 'jscpd:declared-');
      writeFileSync(join(copy, path), text);
    }
    return duplicates(copy);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const lint = duplicates(root);
const all = allDuplicates();
const readme = existsSync(join(root, 'README.md'))
  ? lineCount(readFileSync(join(root, 'README.md'), 'utf8'))
  : 0;
const unlisted = lint.scanned.filter((path) => !production.includes(path));

const sum = (prefix) =>
  [...workspaces].filter(([name]) => name.startsWith(prefix)).reduce((total, [, w]) => total + w.lines, 0);
const figures = {
  root,
  workspaces: Object.fromEntries(workspaces),
  totals: {
    files: production.length,
    lines: sum(''),
    serviceLines: sum('services/'),
    packageLines: sum('packages/'),
  },
  serviceToServiceImports: crossImports,
  duplicatePairs: {
    all: all.pairs.length,
    undeclared: lint.pairs.length,
    undeclaredPairs: lint.pairs,
    declaredPairs: lint.pairs.length === 0 ? all.pairs : undefined,
  },
  readmeLines: readme,
  untrackedScannedByJscpd: unlisted,
};

if (asJson) {
  console.log(JSON.stringify(figures, null, 2));
} else {
  console.log(`Code figures of ${root}\n`);
  console.log('Production files and lines per workspace:');
  for (const [name, { files, lines }] of workspaces) {
    console.log(`  ${name.padEnd(28)} ${String(files).padStart(4)} files ${String(lines).padStart(7)} lines`);
  }
  const { files, lines, serviceLines, packageLines } = figures.totals;
  console.log(
    `  ${'total'.padEnd(28)} ${String(files).padStart(4)} files ${String(lines).padStart(7)} lines`,
  );
  console.log(`  (services ${serviceLines} lines, packages ${packageLines} lines)\n`);
  const edges = new Set(crossImports.map((i) => `${i.service} -> ${i.target}`));
  console.log(
    `Service-to-service imports (embedded excluded): ${crossImports.length} statements, ${edges.size} service pairs`,
  );
  for (const i of crossImports) console.log(`  ${i.from}  ${i.specifier}`);
  console.log(
    `\nDuplicate pairs (jscpd, .jscpd.json): ${all.pairs.length} in all, ${lint.pairs.length} not declared`,
  );
  for (const pair of lint.pairs) console.log(`  ${pair.lines} lines  ${pair.first}  ${pair.second}`);
  if (lint.pairs.length === 0 && all.pairs.length > 0) {
    console.log('  declared (docs/architecture.md, "Declared boilerplate"):');
    for (const pair of all.pairs) console.log(`  ${pair.lines} lines  ${pair.first}  ${pair.second}`);
  }
  console.log(`\nREADME.md lines: ${readme}`);
  if (unlisted.length > 0) console.log(`\nScanned by jscpd but not tracked by git: ${unlisted.join(', ')}`);
}
