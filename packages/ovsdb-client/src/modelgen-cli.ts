#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateModels } from './modelgen';
import { BUNDLED_MODELS, bundledModel } from './modelgen-bundled';

const USAGE = 'usage: ovsdb-modelgen SCHEMA.ovsschema OUT.ts | ovsdb-modelgen --bundled\n';

/**
 * `ovsdb-modelgen SCHEMA.ovsschema OUT.ts` writes the models of one schema; `--bundled` regenerates the
 * package's own `src/models/*.ts` from `schemas/` (the package root is two levels above dist/src).
 */
function main(args: string[]): void {
  if (args[0] === '--bundled') {
    const root = join(__dirname, '..', '..');
    for (const entry of BUNDLED_MODELS) writeFileSync(join(root, entry.out), bundledModel(root, entry));
    return;
  }
  const [schemaPath, outPath] = args;
  if (!schemaPath || !outPath) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const json: unknown = JSON.parse(readFileSync(schemaPath, 'utf8'));
  writeFileSync(outPath, generateModels(json, { source: schemaPath, command: `ovsdb-modelgen ${schemaPath} ${outPath}` }));
}

main(process.argv.slice(2));
