import { OvsdbProtocolError } from './errors';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Splits a byte stream into complete JSON texts. OVSDB writes JSON-RPC messages back to back with no
 * delimiter (lib/jsonrpc.c), so the end of a message is where the top-level `{…}` closes.
 *
 * Works on bytes, not decoded text: every structural byte is ASCII and every byte of a multi-byte UTF-8
 * sequence is >= 0x80, so a character split across chunks can never be mistaken for structure. Text is
 * decoded once per complete message. Each input byte is scanned once and copied at most once: linear.
 */
export class JsonSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** @param maxMessageBytes a message longer than this is a protocol error (guards memory). */
  constructor(private readonly maxMessageBytes = 256 * 1024 * 1024) {}

  /** Feeds one chunk; returns the messages it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let start = 0;
    let backslash = -2; // position of the next backslash at or after the scan: -2 not looked up, -1 none
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
        else {
          // Skip to the next byte that can end or escape the string (native memchr, not a JS loop). The
          // next backslash is looked up again only once passed, so a chunk without any costs one search.
          const quote = chunk.indexOf(QUOTE, i + 1);
          if (backslash !== -1 && backslash <= i) backslash = chunk.indexOf(BACKSLASH, i + 1);
          const next = quote < 0 ? backslash : backslash < 0 ? quote : Math.min(quote, backslash);
          i = (next < 0 ? chunk.length : next) - 1;
        }
        continue;
      }
      if (b === QUOTE) {
        this.inString = true;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        this.depth++;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (--this.depth < 0) throw new OvsdbProtocolError('unbalanced JSON: unexpected close bracket');
        if (this.depth === 0) {
          out.push(this.take(chunk, start, i + 1));
          start = i + 1;
        }
      } else if (this.depth === 0) {
        if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
          if (this.pendingBytes === 0 && start === i) start = i + 1;
        } else {
          throw new OvsdbProtocolError(`unexpected byte 0x${b.toString(16)} between JSON-RPC messages`);
        }
      }
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.maxMessageBytes) {
        throw new OvsdbProtocolError(`message exceeds ${this.maxMessageBytes} bytes`);
      }
    }
    return out;
  }

  /** Bytes of an unfinished message currently buffered. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private take(chunk: Buffer, start: number, end: number): Buffer {
    const tail = chunk.subarray(start, end);
    if (this.pending.length === 0) return tail;
    this.pending.push(tail);
    const whole = Buffer.concat(this.pending, this.pendingBytes + tail.length);
    this.pending = [];
    this.pendingBytes = 0;
    return whole;
  }
}
