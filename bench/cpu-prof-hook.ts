/**
 * Preloaded into driver processes when BENCH_CPU_PROF=DIR (NODE_OPTIONS=--require …; node refuses --cpu-prof
 * there): profiles the whole process with the inspector and writes DIR/driver-PID.cpuprofile on exit, for
 * Chrome DevTools or bench/cpu-profile-summary.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // An in-thread session answers synchronously, so this completes before the process ends.
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(path.join(dir, `driver-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
