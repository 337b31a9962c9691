/**
 * Which generated models fit the schema a server runs. OVSDB schema versions are x.y.z (ovsdb(7)
 * "Schemas"): x changes when tables or columns go away or change type, y when some are added, z for
 * changes that do not affect clients. Models from x.y.z fit a server at x.Y.z' for any Y ≥ y: every
 * table and column they name exists there with the same type.
 */

export interface ModelVersion {
  SCHEMA_NAME: string;
  SCHEMA_VERSION: string;
}

function parts(version: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) throw new TypeError(`not a schema version: "${version}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** True when models generated from `modelVersion` can be used with a server at `serverVersion`. */
export function modelFits(serverVersion: string, modelVersion: string): boolean {
  const [sx, sy] = parts(serverVersion);
  const [mx, my] = parts(modelVersion);
  return sx === mx && sy >= my;
}

/**
 * The model to use with a server: among those for its database that fit its version, the newest (it
 * names the most columns). `undefined` when none fits: the server is older, or a major version apart.
 */
export function chooseModel<T extends ModelVersion>(server: { name: string; version: string }, models: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const m of models) {
    if (m.SCHEMA_NAME !== server.name || !modelFits(server.version, m.SCHEMA_VERSION)) continue;
    if (!best || parts(m.SCHEMA_VERSION)[1] > parts(best.SCHEMA_VERSION)[1]) best = m;
  }
  return best;
}
