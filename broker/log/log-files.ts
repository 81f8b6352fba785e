/**
 * File naming and small file operations of the log layer (Kafka's `LogFileUtils`): segment files are
 * named by their base offset in 20 digits (`00000000000000000000.log`, `.index`, `.timeindex`); a
 * partition directory is `<topic>-<partition>`; deleted segments are renamed `.deleted` before they are
 * unlinked; a deleted partition directory is renamed `<topic>-<partition>.<id>-delete` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KafkaProtocolError } from '../../client/errors.js';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
export const DELETED_FILE_SUFFIX = '.deleted';
export const DELETE_DIR_SUFFIX = '-delete';
/** Kafka's clean-shutdown marker file, one per log directory. */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

/** `offset` as a 20-digit, zero-padded file name prefix. */
export function offsetFileName(offset: number): string {
  return String(offset).padStart(20, '0');
}

/** Paths of the three files of the segment with `baseOffset` in partition directory `dir`. */
export function segmentFiles(dir: string, baseOffset: number): { log: string; index: string; timeIndex: string } {
  const prefix = path.join(dir, offsetFileName(baseOffset));
  return { log: prefix + LOG_FILE_SUFFIX, index: prefix + INDEX_FILE_SUFFIX, timeIndex: prefix + TIME_INDEX_FILE_SUFFIX };
}

/** Base offset of a segment file name (`00000000000000000042.log` → 42), or undefined for other names. */
export function baseOffsetOf(fileName: string): number | undefined {
  const m = /^(\d{20})\.(log|index|timeindex)$/.exec(fileName);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A topic partition, as Kafka's TopicPartition. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** `<topic>-<partition>`, the partition's directory name and display name. */
export function topicPartitionName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** Parse a partition directory name; undefined for names that are not `<legal topic>-<partition>`. */
export function parseTopicPartitionDir(name: string): TopicPartition | undefined {
  const m = /^(.+)-(\d+)$/.exec(name);
  if (!m) return undefined;
  const topic = m[1]!;
  const partition = Number(m[2]);
  if (!isLegalTopicName(topic) || !Number.isSafeInteger(partition) || partition > 2147483647) return undefined;
  return { topic, partition };
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;
/** Kafka's longest topic name (249, so that `<topic>-<partition>` fits a 255-byte file name). */
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Whether `topic` is a legal Kafka topic name (Kafka's `Topic.validate`). */
export function isLegalTopicName(topic: string): boolean {
  return topic.length > 0 && topic.length <= MAX_TOPIC_NAME_LENGTH && topic !== '.' && topic !== '..' && LEGAL_TOPIC.test(topic);
}

/**
 * Check a topic name as Kafka's `Topic.validate`. Errors: KafkaProtocolError INVALID_TOPIC_EXCEPTION (17)
 * naming the rule broken.
 */
export function validateTopicName(topic: string): void {
  if (topic.length === 0) throw new KafkaProtocolError('INVALID_TOPIC_EXCEPTION', 'Topic name is illegal, it can\'t be empty');
  if (topic === '.' || topic === '..') throw new KafkaProtocolError('INVALID_TOPIC_EXCEPTION', 'Topic name cannot be "." or ".."');
  if (topic.length > MAX_TOPIC_NAME_LENGTH) throw new KafkaProtocolError('INVALID_TOPIC_EXCEPTION', `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${topic}`);
  if (!LEGAL_TOPIC.test(topic)) throw new KafkaProtocolError('INVALID_TOPIC_EXCEPTION', `Topic name "${topic}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
}

/** fsync a directory so that file creations, renames and deletions in it survive a power loss. */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    // Some filesystems refuse fsync on directories (EINVAL/EISDIR); nothing more can be done there.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw e;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Write `data` to `file` atomically: write a temp file, fsync it, rename over, fsync the directory. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDirectory(path.dirname(file));
}

/** Read exactly `length` bytes at `position` of `fd` into `buf[offset..]` (short reads looped). Returns bytes read (less only at EOF). */
export function readFully(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Write all of `buf[offset, offset + length)` at `position` of `fd` (short writes looped). */
export function writeFully(fd: number, buf: Uint8Array, offset: number, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    done += fs.writeSync(fd, buf, offset + done, length - done, position + done);
  }
}
