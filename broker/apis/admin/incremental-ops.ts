/**
 * IncrementalAlterConfigs operations on a topic's config overrides (KIP-339): SET (0) a value,
 * DELETE (1) an override (back to the broker default), APPEND (2) items to a list key, SUBTRACT (3)
 * items from a list key. List keys are `cleanup.policy` (the only LIST topic key kafka-ts has).
 *
 * APPEND/SUBTRACT start from the topic's override or, without one, from the value the topic has now
 * (the broker default). Kafka starts from the topic key's built-in default instead, ignoring a
 * `log.cleanup.policy` set on the broker; kafka-ts uses what the topic really had.
 *
 * Errors (KafkaProtocolError): INVALID_REQUEST (42) for an unknown operation; INVALID_CONFIG (40)
 * "Unknown config name: k" for APPEND/SUBTRACT on an unknown key, "Config value append is not
 * allowed for config key: k" (or subtract) on a key that is not a list. Values are validated later,
 * with the whole new override set (normaliseTopicOverrides).
 * Source: Kafka 3.8.0 `ConfigAdminManager.prepareIncrementalConfigs`, `AlterConfigOp.OpType`.
 */
import { KafkaProtocolError } from '../../../client/errors.js';
import { formatLogConfigValue, logConfigDef, type LogConfig } from '../../log/index.js';

/** Kafka's `AlterConfigOp.OpType` ids. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

/** One operation of an IncrementalAlterConfigs resource. */
export interface IncrementalOp {
  name: string;
  configOperation: number;
  value: string | null;
}

function listItems(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * The new override set after applying `ops` in order to `current` (not modified). `effective` is the
 * topic's current effective config (for APPEND/SUBTRACT on a key without an override). Null values
 * of non-DELETE operations must have been refused before (checkConfigEntries). Errors: see the module comment.
 */
export function applyIncrementalOps(current: Readonly<Record<string, string>>, ops: readonly IncrementalOp[], effective: LogConfig): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const op of ops) {
    switch (op.configOperation) {
      case AlterConfigOp.SET:
        next[op.name] = op.value ?? '';
        break;
      case AlterConfigOp.DELETE:
        delete next[op.name];
        break;
      case AlterConfigOp.APPEND:
      case AlterConfigOp.SUBTRACT: {
        const append = op.configOperation === AlterConfigOp.APPEND;
        const def = logConfigDef(op.name);
        if (!def) throw new KafkaProtocolError('INVALID_CONFIG', `Unknown config name: ${op.name}`);
        if (def.kind !== 'list') throw new KafkaProtocolError('INVALID_CONFIG', `Config value ${append ? 'append' : 'subtract'} is not allowed for config key: ${op.name}`);
        const old = listItems(next[op.name] ?? formatLogConfigValue((effective as unknown as Record<string, number | string>)[op.name]!));
        const items = listItems(op.value ?? '');
        next[op.name] = (append ? [...old, ...items.filter((v) => !old.includes(v))] : old.filter((v) => !items.includes(v))).join(',');
        break;
      }
      default:
        throw new KafkaProtocolError('INVALID_REQUEST', `Unknown operations type ${op.configOperation}`);
    }
  }
  return next;
}
