/** The rootfs the compatibility tier runs Docker and OVN from (scripts/compat-run.sh sets it). */
export function compatRootfs(): string {
  const root = process.env.STACK_ROOTFS;
  // Run outside scripts/compat-run.sh this file proves nothing: fail rather than pass vacuously.
  if (!root) throw new Error('STACK_ROOTFS is not set: run this file through `make test-compat` (scripts/compat-run.sh)');
  return root;
}
