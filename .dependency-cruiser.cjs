// Import boundaries, checked by `npm run lint` (dependency-cruiser). See docs/architecture.md.
//
// - A service (services/<x>) does not import another service's code, neither by its @pronto/<y> package nor
//   by a relative path into services/<y>. Shared code lives in packages/*. services/embedded is the
//   exception: it composes every service into one process.
// - A service's tests and test support (*.test.ts, src/testing/, the dialer's test harnesses) may import
//   another service through its public testing entry only: the file its package.json exports as
//   "./testing" (e.g. @pronto/ingest/testing starts an ingest to send events to).
// - A package (packages/<x>) imports no service, in production code or in tests.
// - The end-to-end workspace test/ is not constrained: like services/embedded it assembles services.
//
// Imports are resolved as Node resolves them: @pronto/<name> through the workspace symlinks in node_modules
// to the real services/<name>/... file (package.json "exports", .ts extensions as tsconfig.json allows),
// so a rule on services/<name>/ catches both spellings. An @pronto/ import that does not resolve fails too.
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every service's "./testing" export, as a path from the repository root. */
const testingEntries = readdirSync(join(__dirname, 'services'))
  .map((name) => join('services', name))
  .filter((folder) => existsSync(join(__dirname, folder, 'package.json')))
  .flatMap((folder) => {
    const manifest = JSON.parse(readFileSync(join(__dirname, folder, 'package.json'), 'utf8'));
    const entry = manifest.exports?.['./testing'];
    return typeof entry === 'string' ? [`${folder}/${entry.replace(/^\.\//, '')}`] : [];
  });

const TEST_SUPPORT = [
  '\\.test\\.ts$',
  '/testing/',
  '/test-harness\\.ts$',
  ...testingEntries.map(escapeRegExp),
];
const TESTS = `(${TEST_SUPPORT.join('|')})`;
const TESTING_ENTRIES = `^(${testingEntries.map(escapeRegExp).join('|')})$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'service-imports-another-service',
      severity: 'error',
      comment:
        'A service does not import another service: move the shared code to a package in packages/ ' +
        '(only services/embedded composes services). See docs/architecture.md.',
      from: { path: '^services/([^/]+)/', pathNot: ['^services/embedded/', TESTS] },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'test-imports-another-service-internals',
      severity: 'error',
      comment:
        "A service's tests reach another service only through its public testing entry " +
        '(@pronto/<service>/testing, the "./testing" export of its package.json).',
      from: { path: `^services/([^/]+)/.*${TESTS}`, pathNot: '^services/embedded/' },
      to: { path: '^services/', pathNot: ['^services/$1/', TESTING_ENTRIES] },
    },
    {
      name: 'package-imports-a-service',
      severity: 'error',
      comment: 'Packages are shared by services and import none of them. See docs/architecture.md.',
      from: { path: '^packages/' },
      to: { path: '^services/' },
    },
    {
      name: 'unresolved-workspace-import',
      severity: 'error',
      comment: 'An @pronto/ import that does not resolve cannot be checked against the rules above.',
      from: {},
      to: { path: '^@pronto/', couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|generated|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
