/**
 * Operations on the real driver process and a real stack: the JSON log file (one line per verb, created
 * with its directory, reopened on SIGHUP), DEBUG and the runtime log level, /metrics after a few verbs,
 * /healthz and /readyz while NB is up and after it is killed, and none of these on the plugin socket.
 * Callers hold /run/lock/docker-ovn-driver-stack.lock (scripts/run-tests.sh does).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kill } from '../harness/daemons';
import { DriverProcess, httpRequest, type HttpReply } from '../harness/driver-process';
import { freePort, Stack, waitFor } from '../harness/stack';

const id = () => randomBytes(32).toString('hex');

interface LogLine {
  level: number;
  msg: string;
  verb?: string;
  status?: number;
  duration_ms?: number;
  err?: string;
  body?: unknown;
  req?: { id: string; method: string; url: string };
}

function http(port: number, method: string, urlPath: string, body?: unknown): Promise<HttpReply> {
  return httpRequest({ host: '127.0.0.1', port, path: urlPath, method, timeout: 10_000 }, body);
}

function readLines(file: string): LogLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);
}

/** The value of one sample of the exposition text, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('observability', () => {
  let stack: Stack;
  let driver: DriverProcess;
  let port: number;
  let dir: string;
  let logFile: string;
  const extra: DriverProcess[] = [];

  const net = id();
  const createNetwork = () =>
    driver.post('/NetworkDriver.CreateNetwork', {
      NetworkID: net,
      Options: {},
      IPv4Data: [{ AddressSpace: 'LocalDefault', Pool: '10.97.0.0/24', Gateway: '10.97.0.1/24' }],
      IPv6Data: [],
    });
  const verbLines = (file: string, verb: string) => readLines(file).filter((l) => l.verb === verb);
  /** The verb's line is written when the reply has gone out, so it may land just after the client has read it. */
  const settle = (file: string, what: string, done: (lines: LogLine[]) => boolean) =>
    waitFor(() => done(readLines(file)), { timeoutMs: 3000, intervalMs: 20, what });
  const metrics = async () => {
    const r = await http(port, 'GET', '/metrics');
    assert.equal(r.status, 200, r.raw);
    assert.match(r.contentType ?? '', /^text\/plain; version=0\.0\.4/);
    return r.raw;
  };

  before(async () => {
    stack = await Stack.up();
    dir = await mkdtemp('/tmp/ovn-observability-');
    // A directory that does not exist yet: the driver makes it.
    logFile = path.join(dir, 'missing', 'docker-ovn-driver.log');
    port = await freePort();
    driver = await DriverProcess.start({
      stack,
      env: {
        OVN_DRIVER_PORT: String(port),
        OVN_DRIVER_LOG_FILE: logFile,
        OVN_DRIVER_RECONCILE_INTERVAL_S: '0',
        OVN_DRIVER_JOIN_TIMEOUT_MS: '0',
        DEBUG: '0',
      },
    });
  });

  after(async () => {
    for (const d of extra) await d.stop();
    await driver?.stop();
    await stack?.down();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes one JSON line per verb, with outcome and duration, to stdout and to the log file', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await driver.post('/NetworkDriver.GetCapabilities')).status, 200);
    const bad = await driver.post('/NetworkDriver.CreateNetwork', { NetworkID: 'nope' });
    assert.equal(bad.status, 400);
    await settle(logFile, 'the CreateNetwork line', (lines) => lines.some((l) => l.verb === 'NetworkDriver.CreateNetwork'));

    const caps = verbLines(logFile, 'NetworkDriver.GetCapabilities');
    assert.equal(caps.length, 3, 'one line per GetCapabilities');
    for (const l of caps) {
      assert.equal(l.level, 30);
      assert.equal(l.status, 200);
      assert.equal(typeof l.duration_ms, 'number');
      assert.equal(l.msg, `NetworkDriver.GetCapabilities 200 in ${l.duration_ms} ms`);
      assert.equal(l.err, undefined);
    }
    const [failed] = verbLines(logFile, 'NetworkDriver.CreateNetwork');
    assert.equal(failed.level, 40);
    assert.equal(failed.status, 400);
    assert.equal(failed.err, (bad.body as { Err: string }).Err);
    assert.match(failed.msg, /^NetworkDriver\.CreateNetwork 400 in [\d.]+ ms: CreateNetwork: NetworkID must be/);
    // The same lines on stdout (dockerd's log for a managed plugin).
    const stdoutCaps = driver.logs.split('\n').filter((l) => l.includes('"verb":"NetworkDriver.GetCapabilities"'));
    assert.equal(stdoutCaps.length, 3);
  });

  it('logs no debug lines with DEBUG=0', () => {
    assert.deepEqual(
      readLines(logFile).filter((l) => l.level < 30),
      [],
    );
  });

  it('logs request and reply bodies at debug with DEBUG=1', async () => {
    const debugLog = path.join(dir, 'debug.log');
    const debug = await DriverProcess.start({
      stack,
      env: { DEBUG: '1', OVN_DRIVER_LOG_FILE: debugLog, OVN_DRIVER_RECONCILE_INTERVAL_S: '0' },
    });
    extra.push(debug);
    // Leave of an endpoint that is already gone succeeds (dockerd retries it).
    const body = { NetworkID: id(), EndpointID: id() };
    const left = await debug.post('/NetworkDriver.Leave', body);
    assert.equal(left.status, 200, left.raw);
    await settle(debugLog, 'the Leave line', (lines) => lines.some((l) => l.verb === 'NetworkDriver.Leave' && l.level === 30));
    const lines = verbLines(debugLog, 'NetworkDriver.Leave');
    const request = lines.find(
      (l) => l.level === 20 && l.msg === 'NetworkDriver.Leave request' && JSON.stringify(l.body) === JSON.stringify(body),
    );
    assert.ok(request, `no debug request line with the body in:\n${JSON.stringify(lines, null, 1)}`);
    const reply = lines.find((l) => l.level === 20 && l.msg === 'NetworkDriver.Leave reply' && l.req?.id === request.req?.id);
    assert.ok(reply, 'no debug reply line');
    assert.equal(reply.body, left.raw);
    await debug.stop();
  });

  it('changes the log level at runtime through the HTTP listener only', async () => {
    const onSocket = await driver.post('/log-level', { level: 'debug' });
    assert.equal(onSocket.status, 404, onSocket.raw);
    assert.deepEqual((await http(port, 'GET', '/log-level')).body, { level: 'info' });

    const bad = await http(port, 'PUT', '/log-level', { level: 'chatty' });
    assert.equal(bad.status, 400);
    assert.match((bad.body as { Err: string }).Err, /level must be one of fatal, error, warn, info, debug, trace/);

    const up = await http(port, 'PUT', '/log-level', { level: 'debug' });
    assert.deepEqual([up.status, up.body], [200, { level: 'debug', previous: 'info' }]);
    const before = readLines(logFile).length;
    assert.equal((await driver.post('/NetworkDriver.GetCapabilities')).status, 200);
    await settle(logFile, 'the GetCapabilities line', (lines) =>
      lines.slice(before).some((l) => l.verb === 'NetworkDriver.GetCapabilities' && l.level === 30),
    );
    const debugLines = readLines(logFile)
      .slice(before)
      .filter((l) => l.level === 20 && l.verb === 'NetworkDriver.GetCapabilities');
    assert.deepEqual(
      debugLines.map((l) => l.msg),
      ['NetworkDriver.GetCapabilities request', 'NetworkDriver.GetCapabilities reply'],
    );

    const down = await http(port, 'POST', '/log-level', { level: 'info' });
    assert.deepEqual([down.status, down.body], [200, { level: 'info', previous: 'debug' }]);
    const mark = readLines(logFile).length;
    assert.equal((await driver.post('/NetworkDriver.GetCapabilities')).status, 200);
    await settle(logFile, 'the GetCapabilities line', (lines) => lines.slice(mark).some((l) => l.verb === 'NetworkDriver.GetCapabilities'));
    // (The PUT that lowered the level started at debug, so its own line may be at debug; the verbs are not.)
    assert.deepEqual(
      readLines(logFile)
        .slice(mark)
        .filter((l) => l.level < 30 && l.verb),
      [],
    );
    assert.ok(readLines(logFile).some((l) => l.msg === 'log level changed from info to debug (until restart)'));
  });

  it('reopens the log file on SIGHUP (logrotate)', async () => {
    const rotated = `${logFile}.1`;
    renameSync(logFile, rotated);
    const rotatedCaps = verbLines(rotated, 'NetworkDriver.GetCapabilities').length;
    driver.signal('SIGHUP');
    await waitFor(() => readLines(logFile).some((l) => l.msg === `SIGHUP: reopened ${logFile}`), {
      timeoutMs: 5000,
      what: 'the reopened log file',
    });
    assert.equal((await driver.post('/NetworkDriver.GetCapabilities')).status, 200);
    await settle(logFile, 'the verb in the new file', (lines) => lines.some((l) => l.verb === 'NetworkDriver.GetCapabilities'));
    assert.equal(verbLines(logFile, 'NetworkDriver.GetCapabilities').length, 1, 'the new file has the verb');
    assert.equal(verbLines(rotated, 'NetworkDriver.GetCapabilities').length, rotatedCaps, 'the rotated file got nothing new');
  });

  it("follows logrotate without SIGHUP (Debian's rule for /var/log/openvswitch/*.log signals only OVS's daemons)", async () => {
    const rotated = `${logFile}.2`;
    renameSync(logFile, rotated);
    writeFileSync(logFile, ''); // logrotate's `create`
    const rotatedCaps = verbLines(rotated, 'NetworkDriver.GetCapabilities').length;
    await waitFor(() => readLines(logFile).some((l) => l.msg === `${logFile} was renamed or removed (logrotate): reopened`), {
      timeoutMs: 15_000,
      what: 'the driver to reopen the log file by itself',
    });
    assert.equal((await driver.post('/NetworkDriver.GetCapabilities')).status, 200);
    await settle(logFile, 'the verb in the new file', (lines) => lines.some((l) => l.verb === 'NetworkDriver.GetCapabilities'));
    assert.equal(verbLines(rotated, 'NetworkDriver.GetCapabilities').length, rotatedCaps, 'the rotated file got nothing new');
  });

  it('serves verb histograms, error counts, OVSDB state and owned objects on /metrics', async () => {
    const before = await metrics();
    const owned = (text: string, kind: string) => sample(text, `docker_ovn_driver_owned_objects{kind="${kind}"}`) ?? NaN;
    const count = (text: string, verb: string) => sample(text, `docker_ovn_driver_verb_duration_seconds_count{verb="${verb}"}`) ?? 0;
    const errors = (text: string, verb: string, status: number) =>
      sample(text, `docker_ovn_driver_verb_errors_total{verb="${verb}",status="${status}"}`) ?? 0;

    assert.equal((await driver.post('/NetworkDriver.GetCapabilities')).status, 200);
    assert.equal((await driver.post('/NetworkDriver.GetCapabilities')).status, 200);
    assert.equal((await createNetwork()).status, 200);
    const ep = id();
    const created = await driver.post('/NetworkDriver.CreateEndpoint', {
      NetworkID: net,
      EndpointID: ep,
      Interface: { Address: '10.97.0.5/24', AddressIPv6: '', MacAddress: '' },
      Options: {},
    });
    assert.equal(created.status, 200, created.raw);
    assert.equal((await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: 'bad' })).status, 400);
    assert.equal((await driver.post('/NetworkDriver.NotAVerb')).status, 404);

    const after = await metrics();
    assert.equal(count(after, 'NetworkDriver.GetCapabilities') - count(before, 'NetworkDriver.GetCapabilities'), 2);
    assert.equal(count(after, 'NetworkDriver.CreateNetwork') - count(before, 'NetworkDriver.CreateNetwork'), 1);
    assert.equal(count(after, 'NetworkDriver.CreateEndpoint') - count(before, 'NetworkDriver.CreateEndpoint'), 1);
    assert.ok((sample(after, 'docker_ovn_driver_verb_duration_seconds_bucket{le="+Inf",verb="NetworkDriver.CreateEndpoint"}') ?? 0) >= 1);
    assert.equal(errors(after, 'NetworkDriver.DeleteNetwork', 400) - errors(before, 'NetworkDriver.DeleteNetwork', 400), 1);
    assert.equal(errors(after, 'other', 404) - errors(before, 'other', 404), 1);
    assert.equal(errors(after, 'NetworkDriver.CreateEndpoint', 500), 0);
    assert.equal(sample(after, 'docker_ovn_driver_ovsdb_connected{db="nb"}'), 1);
    assert.equal(sample(after, 'docker_ovn_driver_ovsdb_connected{db="ovs"}'), 1);
    assert.equal(sample(after, 'docker_ovn_driver_ovsdb_reconnects_total{db="nb"}'), 0);
    assert.equal(sample(after, 'docker_ovn_driver_reconciler_removed_total{kind="logical_port"}'), 0);
    // The network's switch, its vrf router, the endpoint's port and the router's peer port on the switch.
    assert.equal(owned(after, 'switch') - owned(before, 'switch'), 1);
    assert.equal(owned(after, 'router') - owned(before, 'router'), 1);
    assert.equal(owned(after, 'port') - owned(before, 'port'), 2);
    assert.match(after, /^process_resident_memory_bytes /m);

    assert.equal((await driver.post('/NetworkDriver.DeleteEndpoint', { NetworkID: net, EndpointID: ep })).status, 200);
    assert.equal((await driver.post('/NetworkDriver.DeleteNetwork', { NetworkID: net })).status, 200);
    const cleaned = await metrics();
    for (const kind of ['switch', 'router', 'port']) assert.equal(owned(cleaned, kind), owned(before, kind), kind);
  });

  it('keeps /metrics, /healthz and /readyz off the plugin socket', async () => {
    // A POST, as dockerd sends, finds no verb there; src/core/listeners.spec.ts has the GETs (404 too).
    for (const p of ['/metrics', '/healthz', '/readyz']) {
      const r = await driver.post(p);
      assert.deepEqual([r.status, r.body], [404, { Err: `${p}: not implemented by this driver` }], p);
    }
  });

  it('answers the verbs that change something 403 on HTTP (any local user reaches it), the read-only ones 200', async () => {
    const net = randomBytes(32).toString('hex');
    const create = await http(port, 'POST', '/NetworkDriver.CreateNetwork', {
      NetworkID: net,
      Options: {},
      IPv4Data: [{ Pool: '10.133.0.0/24', Gateway: '10.133.0.1/24' }],
      IPv6Data: [],
    });
    assert.equal(create.status, 403, JSON.stringify(create.body));
    assert.match((create.body as { Err: string }).Err, /plugin socket only \(OVN_DRIVER_HTTP_VERBS=1/);
    assert.equal(
      (await stack.nbctl('--bare', '--columns=_uuid', 'find', 'Logical_Switch', 'external_ids:"docker-ovn:subnet"="10.133.0.0/24"')).trim(),
      '',
    );
    assert.equal((await http(port, 'POST', '/NetworkDriver.GetCapabilities')).status, 200);
  });

  it('answers /healthz and /readyz 200 while NB and OVS are up', async () => {
    const health = await http(port, 'GET', '/healthz');
    assert.deepEqual([health.status, health.body], [200, { status: 'ok' }]);
    const ready = await http(port, 'GET', '/readyz');
    assert.deepEqual([ready.status, ready.body], [200, { status: 'ready', nb: 'ready', ovs: 'ready' }]);
  });

  it('answers /readyz 503 naming NB within seconds of NB going down, /healthz still 200', async () => {
    const restart = await kill(stack, 'nb.pid');
    try {
      const t0 = Date.now();
      const down = await waitFor(
        async () => {
          const r = await http(port, 'GET', '/readyz');
          return r.status === 503 ? r : undefined;
        },
        { timeoutMs: 5000, intervalMs: 100, what: '/readyz to answer 503' },
      );
      assert.ok(Date.now() - t0 < 5000);
      const body = down.body as { status: string; nb: string; ovs: string; nbError?: string; ovsError?: string };
      assert.equal(body.status, 'unavailable');
      assert.notEqual(body.nb, 'ready');
      assert.equal(body.ovs, 'ready');
      assert.equal(body.ovsError, undefined);
      // Why NB cannot be reached, once the first attempt to reconnect failed (the socket is gone or refuses).
      await waitFor(
        async () => {
          const r = (await http(port, 'GET', '/readyz')).body as { nbError?: string };
          return r.nbError !== undefined && /^connect (ENOENT|ECONNREFUSED) /.test(r.nbError);
        },
        { timeoutMs: 5000, intervalMs: 100, what: '/readyz to name why NB cannot be reached' },
      );
      assert.deepEqual((await http(port, 'GET', '/healthz')).body, { status: 'ok' });
      const text = await metrics();
      assert.equal(sample(text, 'docker_ovn_driver_ovsdb_connected{db="nb"}'), 0);
      assert.equal(sample(text, 'docker_ovn_driver_ovsdb_connected{db="ovs"}'), 1);
      assert.equal(sample(text, 'docker_ovn_driver_ovsdb_reconnects_total{db="nb"}'), 1);
    } finally {
      await restart();
    }
    await waitFor(async () => (await http(port, 'GET', '/readyz')).status === 200, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: '/readyz back to 200',
    });
  });
});
