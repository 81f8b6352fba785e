/**
 * Java `.properties` files, as Kafka's `server.properties` is read (`java.util.Properties.load`):
 * `key=value`, `key: value` or `key value`; `#` and `!` start comment lines; a line ending in an odd
 * number of backslashes continues on the next; `\t`, `\n`, `\r`, `\f`, `\uXXXX` and `\<char>` escapes.
 * Later duplicates win, as in Java.
 */

/** Parse the text of a `.properties` file into an ordered map of key → value. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1);
    let k = 0;
    while (k < line.length) {
      const c = line[k]!;
      if (c === '\\') k += 2;
      else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      else k++;
    }
    const key = unescape(line.slice(0, Math.min(k, line.length)));
    let v = k;
    while (v < line.length && (line[v] === ' ' || line[v] === '\t' || line[v] === '\f')) v++;
    if (v < line.length && (line[v] === '=' || line[v] === ':')) v++;
    while (v < line.length && (line[v] === ' ' || line[v] === '\t' || line[v] === '\f')) v++;
    out.set(key, unescape(line.slice(v)));
  }
  return out;
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return e === 't' ? '\t' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 'f' ? '\f' : e;
  });
}
