/**
 * The docs' command blocks and the tests that run them (test/harness/doc-blocks.ts): every `sh` block of
 * README.md and docs/*.md says whether a test runs it, and every block marked `run:` is run by some test.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { docBlocks } from '../harness/doc-blocks';
import { repoRoot } from '../harness/stack';

function markdownFiles(): string[] {
  const docs = readdirSync(path.join(repoRoot(), 'docs')).filter((f) => f.endsWith('.md'));
  return ['README.md', ...docs.map((f) => `docs/${f}`)];
}

/** Every .ts file under test/ and bench/ (the sources, not dist). */
function testSources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) files.push(p);
    }
  };
  for (const d of ['test', 'bench']) walk(path.join(repoRoot(), d));
  return files;
}

/** Commands shown as indented code: the doc-blocks convention wants fenced `sh` blocks. */
function indentedCommands(file: string): number[] {
  const lines = readFileSync(path.join(repoRoot(), file), 'utf8').split('\n');
  let fenced = false;
  const found: number[] = [];
  lines.forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced && /^ {4}\S/.test(line) && (i === 0 || lines[i - 1]!.trim() === '') && !/^ {4}[-*]|^ {4}\d+\./.test(line))
      found.push(i + 1);
  });
  return found;
}

describe('command blocks of README.md and docs/*.md', () => {
  const blocks = markdownFiles().flatMap((f) => docBlocks(f));

  it('are fenced sh blocks, each marked run: or not-run:', () => {
    assert.ok(blocks.length >= 10, `${blocks.length} sh blocks`);
    const unmarked = blocks.filter((b) => !b.id && !b.notRun).map((b) => `${b.file}:${b.line}`);
    assert.deepEqual(unmarked, [], 'sh blocks without <!-- run: ID --> or <!-- not-run: why -->');
    for (const f of markdownFiles()) assert.deepEqual(indentedCommands(f), [], `${f}: indented code blocks (use a fenced sh block)`);
  });

  it("have unique run: IDs, each named by a test that runs blocks with docBlock('ID')", () => {
    const ids = blocks.filter((b) => b.id).map((b) => `${b.file}#${b.id}`);
    assert.equal(new Set(ids).size, ids.length, 'run: IDs are unique per file');
    // A test file that runs doc blocks names each ID it runs as a string literal.
    const runners = testSources()
      .map((f) => readFileSync(f, 'utf8'))
      .filter((text) => /docBlock\(/i.test(text) && !text.includes('export function docBlock('));
    const unused = blocks
      .filter((b) => b.id && !runners.some((text) => text.includes(`'${b.id}'`)))
      .map((b) => `${b.file}:${b.line} run: ${b.id}`);
    assert.deepEqual(unused, [], 'blocks marked run: that no test runs');
  });
});
