import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { LogFileService } from './log-file.service';
import { LogOutput } from './log-output';

const dir = mkdtempSync(path.join(tmpdir(), 'log-output-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function memory() {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line) };
}

describe(LogOutput.name, () => {
  it('writes every line to stdout and to the file, creating its directory', () => {
    const stdout = memory();
    const file = path.join(dir, 'a', 'b', 'driver.log');
    const out = LogOutput.open(file, stdout);
    assert.equal(out.file, file);
    assert.equal(out.problem, undefined);
    out.write('one\n');
    out.write('two\n');
    assert.deepEqual(stdout.lines, ['one\n', 'two\n']);
    assert.equal(readFileSync(file, 'utf8'), 'one\ntwo\n');
    out.close();
  });

  it('appends to an existing file', () => {
    const file = path.join(dir, 'append.log');
    writeFileSync(file, 'old\n');
    const out = LogOutput.open(file, memory());
    out.write('new\n');
    assert.equal(readFileSync(file, 'utf8'), 'old\nnew\n');
    out.close();
  });

  it('writes to a new file after the old one was renamed and reopen() was called (logrotate)', () => {
    const file = path.join(dir, 'rotate.log');
    const out = LogOutput.open(file, memory());
    out.write('before\n');
    renameSync(file, `${file}.1`);
    out.write('still the old file\n');
    out.reopen();
    out.write('after\n');
    assert.equal(readFileSync(`${file}.1`, 'utf8'), 'before\nstill the old file\n');
    assert.equal(readFileSync(file, 'utf8'), 'after\n');
    out.close();
  });

  it('knows when the open file is no longer the one at its path: renamed, removed, or replaced', () => {
    const file = path.join(dir, 'watched.log');
    const out = LogOutput.open(file, memory());
    assert.equal(out.rotated(), false);
    renameSync(file, `${file}.1`);
    assert.equal(out.rotated(), true, 'renamed, nothing at the path');
    writeFileSync(file, ''); // logrotate's `create`
    assert.equal(out.rotated(), true, 'renamed, a new file at the path');
    out.reopen();
    assert.equal(out.rotated(), false);
    rmSync(file);
    assert.equal(out.rotated(), true, 'removed');
    out.close();
    assert.equal(out.rotated(), false, 'closed: nothing to follow');
    assert.equal(LogOutput.open('', memory()).rotated(), false, 'stdout only');
  });

  it('is stdout only for an empty path', () => {
    const stdout = memory();
    const out = LogOutput.open('', stdout);
    assert.equal(out.path, undefined);
    assert.equal(out.file, undefined);
    out.write('x\n');
    out.reopen();
    assert.deepEqual(stdout.lines, ['x\n']);
  });

  it('falls back to stdout with a reason when the file cannot be opened, and retries on reopen()', () => {
    const blocker = path.join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const file = path.join(blocker, 'driver.log');
    const stdout = memory();
    const out = LogOutput.open(file, stdout);
    assert.equal(out.file, undefined);
    assert.match(out.problem ?? '', /^cannot open log file .*not-a-dir\/driver\.log \(.*\): logging to stdout only$/);
    out.write('x\n');
    assert.deepEqual(stdout.lines, ['x\n']);
    assert.throws(() => out.reopen(), /ENOTDIR|EEXIST/);
    rmSync(blocker);
    out.reopen();
    assert.equal(out.file, file);
    assert.equal(out.problem, undefined);
    out.write('y\n');
    assert.equal(readFileSync(file, 'utf8'), 'y\n');
    out.close();
  });

  it('keeps logging to stdout when the file cannot be reopened', () => {
    // Its directory replaced by a plain file: even root cannot reopen it.
    const sub = path.join(dir, 'gone');
    const file = path.join(sub, 'driver.log');
    const stdout = memory();
    const out = LogOutput.open(file, stdout);
    rmSync(sub, { recursive: true });
    writeFileSync(sub, '');
    assert.throws(() => out.reopen(), /cannot reopen log file/);
    assert.equal(out.file, undefined);
    assert.match(out.problem ?? '', /logging to stdout only/);
    out.write('z\n');
    assert.deepEqual(stdout.lines, ['z\n']);
    out.close();
  });
});

describe(LogFileService.name, () => {
  it('follows a rotation without SIGHUP: the lines after it go to the new file at the path', () => {
    const file = path.join(dir, 'followed.log');
    const out = LogOutput.open(file, memory());
    const service = new LogFileService(out);
    out.write('before\n');
    service.followRotation();
    renameSync(file, `${file}.1`);
    writeFileSync(file, '');
    service.followRotation();
    out.write('after\n');
    assert.equal(readFileSync(`${file}.1`, 'utf8'), 'before\n');
    assert.equal(readFileSync(file, 'utf8'), 'after\n');
    out.close();
  });
});
