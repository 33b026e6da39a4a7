#!/usr/bin/env node
// Generates, from the JSON Schemas in schemas/, what the code needs at build time:
// the ajv standalone validator (so the Lambda never compiles a schema at cold start)
// and the TypeScript types. The schema stays the single source of truth; the output
// folder is git-ignored and rebuilt by `npm ci` (prepare), `npm test` and `npm run build`.
// Every schemas/*.schema.json is picked up: adding a push type's schema needs no edit here.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { compile } from 'json-schema-to-typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = path.join(root, 'schemas');
const outDir = path.join(root, 'handler', 'push-types', 'generated');

/** Annotation keywords of ours that ajv must accept but not enforce. */
const ANNOTATION_KEYWORDS = ['x-known-values', 'x-personal-data', 'x-identifier'];
/** Keywords describeShape cannot see through: a schema using them would lose its shape silently. */
const UNSUPPORTED_SHAPE_KEYWORDS = [
  '$ref',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'if',
  'patternProperties',
  'additionalItems',
  'definitions',
];
const SCHEMA_SUFFIX = '.schema.json';

/** `video-cdr.v1.schema.json` -> name `video-cdr.v1` (the registry's key), module `video-cdr-v1`. */
const schemas = readdirSync(schemaDir)
  .filter((file) => file.endsWith(SCHEMA_SUFFIX))
  .sort()
  .map((file) => {
    const name = file.slice(0, -SCHEMA_SUFFIX.length);
    const schema = JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8'));
    if (!/^[A-Z][A-Za-z0-9]*$/.test(schema.title ?? '')) {
      throw new Error(`schemas/${file}: title must be a PascalCase type name, got ${JSON.stringify(schema.title)}`);
    }
    return { file, name, module: name.replaceAll('.', '-'), schema };
  });
const titles = schemas.map(({ schema }) => schema.title);
const clash = titles.find((title, index) => titles.indexOf(title) !== index);
if (clash) throw new Error(`two schemas share the title ${clash}: each names a generated type`);

/**
 * The documented shape, for spotting what TCCC added after the schema was written:
 * the known property names of each object, the x-known-values of each string (or
 * integer), which fields hold personal data (x-personal-data), to keep them out
 * of the logs, and which of those find a person (x-identifier: docs/privacy.md). A `type` list such as ["array", "null"] needs nothing here: the shape
 * never looks at types, and findNovelties walks only the values that are there.
 */
function describeShape(schema, file) {
  const shape = (node, pointer) => {
    const unsupported = UNSUPPORTED_SHAPE_KEYWORDS.filter((keyword) => keyword in node);
    if (unsupported.length > 0) {
      throw new Error(`schemas/${file}${pointer}: describeShape does not handle ${unsupported.join(', ')}; teach it`);
    }
    const out = {};
    if (node.properties) {
      out.properties = Object.fromEntries(
        Object.entries(node.properties).map(([name, sub]) => [name, shape(sub, `${pointer}/properties/${name}`)]),
      );
    }
    if (node['x-known-values']) out.knownValues = Object.keys(node['x-known-values']);
    if (node['x-personal-data']) out.personal = true;
    if (node['x-identifier']) out.identifier = true;
    if (node.items) out.items = shape(node.items, `${pointer}/items`);
    return out;
  };
  return (
    `import type { KnownShape } from '../known-shape';\n\n` +
    `export const ${schema.title}Shape: KnownShape = ${JSON.stringify(shape(schema, '#'), null, 2)};\n`
  );
}

/** The schema without its prose and our annotations: what validation needs, nothing more. */
function rulesOnly(node) {
  if (Array.isArray(node)) return node.map(rulesOnly);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => !['description', 'title', '$id', ...ANNOTATION_KEYWORDS].includes(key))
      .map(([key, value]) => [key, key === 'properties' ? mapValues(value, rulesOnly) : rulesOnly(value)]),
  );
}
const mapValues = (object, fn) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value)]));

/**
 * One module per schema with its validator and documented shape together: the bundle makes each
 * a chunk of its own, loaded by the first push of its type (see schemaIndex).
 */
function compiledSchema({ module, schema }) {
  return (
    `import validate from './validate-${module}';\n` +
    `import { ${schema.title}Shape } from './${module}';\n\n` +
    `export const compiled = { validate, shape: ${schema.title}Shape };\n`
  );
}

/**
 * One index of every schema, keyed by its file's base name, for the push-type registry. Each
 * entry is a loader (a dynamic import): a cold start loads no validator, and a container loads
 * only those of the types it is pushed (the voice CDR's alone is ~40 KB minified).
 */
function schemaIndex() {
  const types = schemas.map(({ module, schema }) => `import type { ${schema.title} } from './${module}';`);
  const entries = schemas.map(({ name, module }) => `  '${name}': () => import('./schema-${module}'),`);
  const records = schemas.map(({ name, schema }) => `  '${name}': ${schema.title};`);
  return (
    "import type { ValidateFunction } from 'ajv';\n" +
    "import type { KnownShape } from '../known-shape';\n" +
    `${types.join('\n')}\n\n` +
    '/** Every schema under schemas/, by file name without `.schema.json`: loads its validator and documented shape. */\n' +
    `export const SCHEMAS = {\n${entries.join('\n')}\n} as const;\n\n` +
    'export type SchemaName = keyof typeof SCHEMAS;\n\n' +
    '/** The record type each schema describes. */\n' +
    `export interface SchemaRecords {\n${records.join('\n')}\n}\n\n` +
    'export interface CompiledSchema<T = unknown> {\n' +
    '  readonly validate: ValidateFunction<T>;\n' +
    '  readonly shape: KnownShape;\n' +
    '}\n\n' +
    'const loaded = new Map<SchemaName, Promise<CompiledSchema>>();\n\n' +
    "/** A schema's validator and shape, loaded once per container; a failed load is not kept. */\n" +
    'export function loadSchema<N extends SchemaName>(name: N): Promise<CompiledSchema<SchemaRecords[N]>>;\n' +
    'export function loadSchema(name: SchemaName): Promise<CompiledSchema> {\n' +
    '  let schema = loaded.get(name);\n' +
    '  if (!schema) {\n' +
    '    schema = SCHEMAS[name]().then(({ compiled }) => compiled as CompiledSchema);\n' +
    '    loaded.set(name, schema);\n' +
    '    schema.catch(() => loaded.delete(name));\n' +
    '  }\n' +
    '  return schema;\n' +
    '}\n'
  );
}

// Rebuilt whole, so a schema removed from schemas/ leaves nothing behind.
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const banner = '// Generated by scripts/codegen.mjs from schemas/. Do not edit.\n';

for (const { file, module, schema } of schemas) {
  // allowUnionTypes: a voicemail's EndpointUser is a string in TCCC's table and a number in its sample.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, code: { source: true, optimize: true } });
  ajv.addVocabulary(ANNOTATION_KEYWORDS);
  // The validator needs only the rules: descriptions and annotations would ride in the bundle.
  const validate = ajv.compile(rulesOnly(schema));
  writeFileSync(path.join(outDir, `validate-${module}.js`), banner + standaloneCode(ajv, validate));
  writeFileSync(
    path.join(outDir, `validate-${module}.d.ts`),
    banner +
      "import type { ValidateFunction } from 'ajv';\n" +
      `import type { ${schema.title} } from './${module}';\n` +
      `declare const validate: ValidateFunction<${schema.title}>;\nexport = validate;\n`,
  );
  const types = await compile(schema, schema.title, { bannerComment: banner, additionalProperties: true });
  writeFileSync(path.join(outDir, `${module}.ts`), `${types}\n${describeShape(schema, file)}`);
  writeFileSync(path.join(outDir, `schema-${module}.ts`), banner + compiledSchema({ module, schema }));
}
writeFileSync(path.join(outDir, 'schemas.ts'), banner + schemaIndex());
console.log(`codegen: ${schemas.length} schema(s) -> ${path.relative(root, outDir)}/`);

// The reports page, bundled with its chart library (scripts/build-reports-page.mjs).
const { buildReportsPage } = await import('./build-reports-page.mjs');
const page = await buildReportsPage();
console.log(`codegen: reports page (${(page.bytes / 1024).toFixed(0)} KiB) -> handler/reports/page/generated/`);
