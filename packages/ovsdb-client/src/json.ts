/**
 * int64-aware JSON. OVSDB integers are 64-bit (RFC 7047 §5.1) but JSON.parse rounds above 2^53, so
 * unsafe integer literals become `bigint`. Safe ones stay `number`.
 *
 * The marker is a string starting with NUL: OVS's own JSON parser rejects "\u0000" in strings, so no
 * real OVSDB string can collide with it.
 */
const MARK = '\u0000int64:';
const MARK_JSON = /"\\u0000int64:(-?\d+)"/g;
/**
 * Cheap native pre-check: an unsafe integer is a literal of 16+ digits, and a JSON number literal follows
 * `:`, `[` or `,` (and maybe whitespace). Digit runs inside strings (a 64-hex Docker ID holds one now and
 * then) mostly do not match, and when one does the exact scan below still leaves strings alone.
 */
const LONG_DIGITS = /[:,[]\s*-?\d{16}/;

export function parseJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const rewritten = quoteBigIntegers(text);
  if (rewritten === text) return JSON.parse(text);
  return JSON.parse(rewritten, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(MARK) ? BigInt(value.slice(MARK.length)) : value,
  );
}

/** Wraps unsafe integer literals outside strings in marker strings. Linear in the text length. */
function quoteBigIntegers(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      let integer = true;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d >= 0x30 && d <= 0x39) continue;
        if (d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) {
          integer = false;
          continue;
        }
        break;
      }
      const token = text.slice(i, j);
      if (integer && !Number.isSafeInteger(Number(token))) {
        out += text.slice(last, i) + `"\\u0000int64:${token}"`;
        last = j;
      }
      i = j - 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/** JSON.stringify that writes `bigint` as a bare integer literal. */
export function stringifyJson(value: unknown): string {
  let sawBigInt = false;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') {
      sawBigInt = true;
      return MARK + v.toString();
    }
    return v;
  });
  return sawBigInt ? text.replace(MARK_JSON, '$1') : text;
}
