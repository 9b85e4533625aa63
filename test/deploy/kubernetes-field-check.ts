import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { KubeObject } from './kubernetes-manifests.ts';

/** Never written: the compiler reads it from memory, beside this file so that imports resolve. */
const VIRTUAL_FILE = fileURLToPath(new URL('./rendered-objects.virtual.ts', import.meta.url));

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  // The types need no more than ES5's; the later libraries only cost time to load.
  lib: ['lib.es5.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: [],
};

/**
 * The fields the JSON schemas let through: they allow properties they do not name, which `kubectl
 * apply` refuses (strict field validation, its default). Each object is compiled as a literal of
 * its kubernetes-models type (generated from the same upstream OpenAPI definitions), so a field the
 * API does not have is an excess-property error, and a wrong type one too. One problem per line.
 */
export function checkFieldsByTypes(objects: readonly KubeObject[]): string[] {
  const imports = new Map<string, { alias: string; kind: string }>();
  const declarations = objects.map((object, index) => {
    const module = `kubernetes-models/${object.apiVersion}/${object.kind}`;
    let entry = imports.get(module);
    if (!entry) {
      entry = { alias: `T${imports.size}`, kind: object.kind };
      imports.set(module, entry);
    }
    return `export const o${index}: ${entry.alias} = ${JSON.stringify(object)};`;
  });
  const header = [...imports].map(
    ([module, { alias, kind }]) => `import type { I${kind} as ${alias} } from '${module}';`,
  );
  const text = [...header, ...declarations].join('\n');

  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === VIRTUAL_FILE
      ? ts.createSourceFile(name, text, language)
      : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === VIRTUAL_FILE || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === VIRTUAL_FILE ? text : readFile(name));

  const program = ts.createProgram([VIRTUAL_FILE], OPTIONS, host);
  const source = program.getSourceFile(VIRTUAL_FILE);
  return ts.getPreEmitDiagnostics(program, source).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
    const object = objects[line - header.length];
    return object ? `${object.kind}/${object.metadata.name}: ${message}` : message;
  });
}
