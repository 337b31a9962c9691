/**
 * Writes openapi/openapi.json from the controllers and DTOs (`npm run openapi`), deterministically:
 * keys sorted, operationId = verb. test/contract/openapi.test.ts fails when the committed file is stale.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createDriverApp } from '../src/app.factory';
import { loadConfig } from '../src/config/load-config';
import { buildOpenApi } from '../src/core/openapi';

export async function generateOpenApi(): Promise<string> {
  // No backend is needed to describe the contract: point the sessions at nothing.
  const config = loadConfig({
    OVN_DRIVER_NB: 'unix:/nonexistent/nb.sock',
    OVN_DRIVER_OVS_DB: 'unix:/nonexistent/db.sock',
    OVN_DRIVER_LOG_FILE: '',
  });
  const { app } = await createDriverApp(config);
  try {
    return `${JSON.stringify(buildOpenApi(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

export const OPENAPI_FILE = path.join(__dirname, '..', '..', 'openapi', 'openapi.json');

if (require.main === module) {
  generateOpenApi()
    .then((text) => {
      mkdirSync(path.dirname(OPENAPI_FILE), { recursive: true });
      writeFileSync(OPENAPI_FILE, text);
      process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    });
}
