/**
 * Node options the driver runs with everywhere: plugin/config.json's entrypoint, the Dockerfile's,
 * scripts/run-local.sh, and the test and bench harnesses (plugin-config.spec.ts keeps them equal).
 * A small young generation: the initial dump of a large NB (10,000 endpoints) otherwise grows it for
 * good, about 20 MB of RSS the driver never uses again (docs/PERFORMANCE.md, B4).
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
