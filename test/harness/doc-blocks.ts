/**
 * Command blocks of the project's Markdown (README.md, docs/*.md) that tests run verbatim, so the docs
 * cannot drift from the software. A block a user runs is a fenced block whose info string is `sh`,
 * preceded (on the line before the fence, blank lines allowed) by one marker:
 *
 *   <!-- run: multi-network -->      a test runs this block: docBlock('multi-network')
 *   <!-- not-run: needs a registry -->  why no test can run it here
 *
 * Blocks of other languages (json, text, ...) show output or files and are not commands, except a `yaml`
 * block marked `run:`: a file a test uses as written (a compose file), found the same way.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './stack';

export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence */
  line: number;
  /** `run:` id, when a test runs the block */
  id?: string;
  /** `not-run:` reason */
  notRun?: string;
  text: string;
}

const MARKER = /^<!--\s*(run|not-run):\s*(.*?)\s*-->\s*$/;
const FENCE = /^(```+|~~~+)\s*([\w-]*)\s*$/;

/** Every `sh` block (and marked `yaml` block) of a Markdown file (path relative to the repository root), with its marker if any. */
export function docBlocks(file = 'README.md'): DocBlock[] {
  const lines = readFileSync(path.join(repoRoot(), file), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  let marker: { kind: string; value: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = MARKER.exec(line.trim());
    if (m) {
      marker = { kind: m[1]!, value: m[2]! };
      continue;
    }
    const fence = FENCE.exec(line);
    if (!fence) {
      if (line.trim() !== '') marker = undefined;
      continue;
    }
    const close = lines.findIndex((l, j) => j > i && l.trim() === fence[1]);
    if (close < 0) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    if (fence[2] === 'sh' || (fence[2] === 'yaml' && marker?.kind === 'run')) {
      blocks.push({
        file,
        line: i + 1,
        text: lines.slice(i + 1, close).join('\n') + '\n',
        ...(marker?.kind === 'run' ? { id: marker.value } : {}),
        ...(marker?.kind === 'not-run' ? { notRun: marker.value } : {}),
      });
    }
    marker = undefined;
    i = close;
  }
  return blocks;
}

/** The text of the block marked `<!-- run: ID -->`; throws when there is none or more than one. */
export function docBlock(id: string, file = 'README.md'): string {
  const found = docBlocks(file).filter((b) => b.id === id);
  if (found.length !== 1) throw new Error(`${file}: expected one block marked "run: ${id}", found ${found.length}`);
  return found[0]!.text;
}
