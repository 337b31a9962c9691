import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateModels } from './modelgen';

/** The schemas shipped in `schemas/` and the model files generated from them (paths from the package root). */
export const BUNDLED_MODELS = [
  { schema: 'schemas/ovn-nb.ovsschema', out: 'src/models/ovn-nb.ts' },
  { schema: 'schemas/ovn-nb-25.03.ovsschema', out: 'src/models/ovn-nb-25.03.ts' },
  { schema: 'schemas/ovn-sb.ovsschema', out: 'src/models/ovn-sb.ts' },
  { schema: 'schemas/vswitch.ovsschema', out: 'src/models/vswitch.ts' },
] as const;

export const REGENERATE_COMMAND = 'npm run models -w ovsdb-client';

/** The content `entry.out` must have, generated from the package's copy of `entry.schema`. */
export function bundledModel(packageRoot: string, entry: { schema: string; out: string }): string {
  const json: unknown = JSON.parse(readFileSync(join(packageRoot, entry.schema), 'utf8'));
  return generateModels(json, { source: entry.schema, command: REGENERATE_COMMAND });
}
