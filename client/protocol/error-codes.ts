/**
 * Kafka's protocol error codes, in one table: code, name, retriable, and a short message of our own.
 * Source: Apache Kafka 3.8.0 `clients/src/main/java/org/apache/kafka/common/protocol/Errors.java`
 * (codes, names, and which exceptions extend RetriableException).
 */

/** One row of Kafka's error table. `code` is the int16 on the wire; `retriable` as in Kafka's Java client. */
export interface ErrorCodeInfo {
  readonly code: number;
  readonly name: string;
  readonly retriable: boolean;
  readonly message: string;
}

function e(code: number, name: string, retriable: boolean, message: string): ErrorCodeInfo {
  return { code, name, retriable, message };
}

/** Every error code of Kafka 3.8.0 (-1 through 120, TRANSACTION_ABORTABLE), ordered by code. */
export const ERROR_CODES = [
  e(-1, 'UNKNOWN_SERVER_ERROR', false, 'The broker hit an unexpected internal error while handling the request.'),
  e(0, 'NONE', false, 'No error.'),
  e(1, 'OFFSET_OUT_OF_RANGE', false, 'The offset asked for lies outside the range of offsets the broker still holds.'),
  e(2, 'CORRUPT_MESSAGE', true, 'A record is corrupt: bad CRC, invalid size, a null key on a compacted topic, or similar.'),
  e(3, 'UNKNOWN_TOPIC_OR_PARTITION', true, 'This broker does not host the topic-partition.'),
  e(4, 'INVALID_FETCH_SIZE', false, 'The fetch size in the request is not valid.'),
  e(5, 'LEADER_NOT_AVAILABLE', true, 'The partition has no leader right now, usually because a leader election is under way.'),
  e(6, 'NOT_LEADER_OR_FOLLOWER', true, 'This broker is not the leader (or, for replica-served requests, not a replica) of the partition.'),
  e(7, 'REQUEST_TIMED_OUT', true, 'The request did not complete in time.'),
  e(8, 'BROKER_NOT_AVAILABLE', false, 'The broker is not available.'),
  e(9, 'REPLICA_NOT_AVAILABLE', true, 'A replica of the topic-partition is not available.'),
  e(10, 'MESSAGE_TOO_LARGE', false, 'A message exceeds the largest message size the broker accepts.'),
  e(11, 'STALE_CONTROLLER_EPOCH', false, 'The request came from a controller whose epoch is out of date.'),
  e(12, 'OFFSET_METADATA_TOO_LARGE', false, 'The metadata string attached to the committed offset is too long.'),
  e(13, 'NETWORK_EXCEPTION', true, 'The connection closed before a response arrived.'),
  e(14, 'COORDINATOR_LOAD_IN_PROGRESS', true, 'The coordinator is still loading its state and cannot serve the request yet.'),
  e(15, 'COORDINATOR_NOT_AVAILABLE', true, 'The coordinator is not available.'),
  e(16, 'NOT_COORDINATOR', true, 'This broker is not the coordinator for the group or transactional id.'),
  e(17, 'INVALID_TOPIC_EXCEPTION', false, 'The topic name is invalid, or the operation is not allowed on this topic.'),
  e(18, 'RECORD_LIST_TOO_LARGE', false, 'A record batch is larger than the segment size configured on the broker.'),
  e(19, 'NOT_ENOUGH_REPLICAS', true, 'Too few in-sync replicas to accept the write; nothing was appended.'),
  e(20, 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', true, 'The write was appended but reached fewer in-sync replicas than required.'),
  e(21, 'INVALID_REQUIRED_ACKS', false, 'The produce request has an invalid acks value.'),
  e(22, 'ILLEGAL_GENERATION', false, 'The group generation id in the request is not the current one.'),
  e(23, 'INCONSISTENT_GROUP_PROTOCOL', false, "The member's protocol type or protocols do not match the group (or are empty)."),
  e(24, 'INVALID_GROUP_ID', false, 'The group id is not valid.'),
  e(25, 'UNKNOWN_MEMBER_ID', false, 'The coordinator does not know this member id.'),
  e(26, 'INVALID_SESSION_TIMEOUT', false, 'The session timeout is outside the range the broker allows.'),
  e(27, 'REBALANCE_IN_PROGRESS', false, 'The group is rebalancing; the member has to rejoin.'),
  e(28, 'INVALID_COMMIT_OFFSET_SIZE', false, 'The size of the offset commit data is not valid.'),
  e(29, 'TOPIC_AUTHORIZATION_FAILED', false, 'Not authorized to access the topic.'),
  e(30, 'GROUP_AUTHORIZATION_FAILED', false, 'Not authorized to access the group.'),
  e(31, 'CLUSTER_AUTHORIZATION_FAILED', false, 'Not authorized to perform the cluster operation.'),
  e(32, 'INVALID_TIMESTAMP', false, 'A record timestamp is outside the accepted range.'),
  e(33, 'UNSUPPORTED_SASL_MECHANISM', false, 'The broker does not offer the requested SASL mechanism.'),
  e(34, 'ILLEGAL_SASL_STATE', false, 'The request is not allowed in the current SASL authentication state.'),
  e(35, 'UNSUPPORTED_VERSION', false, 'The broker does not support this API version.'),
  e(36, 'TOPIC_ALREADY_EXISTS', false, 'A topic with this name exists already.'),
  e(37, 'INVALID_PARTITIONS', false, 'The partition count is not valid.'),
  e(38, 'INVALID_REPLICATION_FACTOR', false, 'The replication factor is not valid (below 1 or more than the available brokers).'),
  e(39, 'INVALID_REPLICA_ASSIGNMENT', false, 'The replica assignment is not valid.'),
  e(40, 'INVALID_CONFIG', false, 'The configuration is not valid.'),
  e(41, 'NOT_CONTROLLER', true, 'This broker is not the active controller.'),
  e(42, 'INVALID_REQUEST', false, 'The request is malformed or otherwise invalid for this broker.'),
  e(43, 'UNSUPPORTED_FOR_MESSAGE_FORMAT', false, 'The request is not supported by the message format version of the topic.'),
  e(44, 'POLICY_VIOLATION', false, 'The request violates a policy configured on the broker.'),
  e(45, 'OUT_OF_ORDER_SEQUENCE_NUMBER', false, 'The broker received a producer sequence number out of order.'),
  e(46, 'DUPLICATE_SEQUENCE_NUMBER', false, 'The broker received a producer sequence number it has already seen.'),
  e(47, 'INVALID_PRODUCER_EPOCH', false, 'The producer epoch is older than the current one.'),
  e(48, 'INVALID_TXN_STATE', false, 'The transactional operation is not allowed in the current transaction state.'),
  e(49, 'INVALID_PRODUCER_ID_MAPPING', false, 'The producer id is not the one currently assigned to this transactional id.'),
  e(50, 'INVALID_TRANSACTION_TIMEOUT', false, 'The transaction timeout exceeds the maximum the broker allows.'),
  e(51, 'CONCURRENT_TRANSACTIONS', true, 'Another operation on the same transaction is still in progress.'),
  e(52, 'TRANSACTION_COORDINATOR_FENCED', false, 'The transaction coordinator that sent the marker is no longer the current one.'),
  e(53, 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', false, 'Not authorized to use the transactional id.'),
  e(54, 'SECURITY_DISABLED', false, 'Security features are disabled on the broker.'),
  e(55, 'OPERATION_NOT_ATTEMPTED', false, 'The broker skipped this operation because another part of the batch failed.'),
  e(56, 'KAFKA_STORAGE_ERROR', true, 'A disk error occurred while accessing the log.'),
  e(57, 'LOG_DIR_NOT_FOUND', false, 'The log directory is not among those configured on the broker.'),
  e(58, 'SASL_AUTHENTICATION_FAILED', false, 'SASL authentication failed.'),
  e(59, 'UNKNOWN_PRODUCER_ID', false, 'The broker has no state for this producer id (for example, its records were removed by retention).'),
  e(60, 'REASSIGNMENT_IN_PROGRESS', false, 'A partition reassignment is under way.'),
  e(61, 'DELEGATION_TOKEN_AUTH_DISABLED', false, 'Delegation tokens are not enabled.'),
  e(62, 'DELEGATION_TOKEN_NOT_FOUND', false, 'The delegation token does not exist on the broker.'),
  e(63, 'DELEGATION_TOKEN_OWNER_MISMATCH', false, 'The principal is not an owner or renewer of the delegation token.'),
  e(64, 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', false, 'Delegation token requests are not allowed on this kind of channel.'),
  e(65, 'DELEGATION_TOKEN_AUTHORIZATION_FAILED', false, 'Not authorized for the delegation token operation.'),
  e(66, 'DELEGATION_TOKEN_EXPIRED', false, 'The delegation token has expired.'),
  e(67, 'INVALID_PRINCIPAL_TYPE', false, 'The principal type is not supported.'),
  e(68, 'NON_EMPTY_GROUP', false, 'The group still has members.'),
  e(69, 'GROUP_ID_NOT_FOUND', false, 'No group with this id exists.'),
  e(70, 'FETCH_SESSION_ID_NOT_FOUND', true, 'The broker has no fetch session with this id.'),
  e(71, 'INVALID_FETCH_SESSION_EPOCH', true, 'The fetch session epoch does not match.'),
  e(72, 'LISTENER_NOT_FOUND', true, 'The leader has no listener matching the one the metadata request came in on.'),
  e(73, 'TOPIC_DELETION_DISABLED', false, 'Deleting topics is disabled on the broker.'),
  e(74, 'FENCED_LEADER_EPOCH', true, "The leader epoch in the request is older than the broker's."),
  e(75, 'UNKNOWN_LEADER_EPOCH', true, "The leader epoch in the request is newer than the broker's."),
  e(76, 'UNSUPPORTED_COMPRESSION_TYPE', false, 'The client does not support the compression type used by the partition.'),
  e(77, 'STALE_BROKER_EPOCH', false, 'The broker epoch in the request is out of date.'),
  e(78, 'OFFSET_NOT_AVAILABLE', true, "The new leader's high watermark has not caught up yet, so the offset cannot be served."),
  e(79, 'MEMBER_ID_REQUIRED', false, 'The member must rejoin with the member id the coordinator assigned.'),
  e(80, 'PREFERRED_LEADER_NOT_AVAILABLE', true, 'The preferred leader is not available.'),
  e(81, 'GROUP_MAX_SIZE_REACHED', false, 'The group already has its maximum number of members.'),
  e(82, 'FENCED_INSTANCE_ID', false, 'Another member with the same group.instance.id has fenced this static member.'),
  e(83, 'ELIGIBLE_LEADERS_NOT_AVAILABLE', true, 'No eligible leader is available for the partition.'),
  e(84, 'ELECTION_NOT_NEEDED', true, 'The partition does not need a leader election.'),
  e(85, 'NO_REASSIGNMENT_IN_PROGRESS', false, 'There is no partition reassignment under way.'),
  e(86, 'GROUP_SUBSCRIBED_TO_TOPIC', false, 'Cannot delete the offsets of a topic the group is still subscribed to.'),
  e(87, 'INVALID_RECORD', false, 'A record failed validation on the broker.'),
  e(88, 'UNSTABLE_OFFSET_COMMIT', true, 'There are pending transactional offsets that must be resolved first.'),
  e(89, 'THROTTLING_QUOTA_EXCEEDED', true, 'The request exceeded the throttling quota.'),
  e(90, 'PRODUCER_FENCED', false, 'A newer producer with the same transactional id has fenced this one.'),
  e(91, 'RESOURCE_NOT_FOUND', false, 'The request refers to a resource that does not exist.'),
  e(92, 'DUPLICATE_RESOURCE', false, 'The request refers to the same resource more than once.'),
  e(93, 'UNACCEPTABLE_CREDENTIAL', false, 'The credential does not meet the acceptance criteria.'),
  e(94, 'INCONSISTENT_VOTER_SET', false, 'The sender or receiver of a voter-only request is not an expected voter.'),
  e(95, 'INVALID_UPDATE_VERSION', false, 'The update version is not valid.'),
  e(96, 'FEATURE_UPDATE_FAILED', false, 'Updating the finalized features failed on the server.'),
  e(97, 'PRINCIPAL_DESERIALIZATION_FAILURE', false, 'The forwarded request principal could not be deserialized.'),
  e(98, 'SNAPSHOT_NOT_FOUND', false, 'The requested snapshot does not exist.'),
  e(99, 'POSITION_OUT_OF_RANGE', false, 'The requested position lies outside the snapshot.'),
  e(100, 'UNKNOWN_TOPIC_ID', true, 'This broker does not host a topic with this id.'),
  e(101, 'DUPLICATE_BROKER_REGISTRATION', false, 'The broker id is already registered.'),
  e(102, 'BROKER_ID_NOT_REGISTERED', false, 'The broker id is not registered.'),
  e(103, 'INCONSISTENT_TOPIC_ID', true, "The topic id in the request does not match the log's topic id."),
  e(104, 'INCONSISTENT_CLUSTER_ID', false, "The cluster id in the request does not match the server's."),
  e(105, 'TRANSACTIONAL_ID_NOT_FOUND', false, 'The transactional id does not exist.'),
  e(106, 'FETCH_SESSION_TOPIC_ID_ERROR', true, 'The fetch session used topic ids inconsistently.'),
  e(107, 'INELIGIBLE_REPLICA', false, 'The proposed ISR contains a replica that is not eligible.'),
  e(108, 'NEW_LEADER_ELECTED', false, 'The partition state was updated, but the leader has changed.'),
  e(109, 'OFFSET_MOVED_TO_TIERED_STORAGE', false, 'The offset is now only in tiered storage.'),
  e(110, 'FENCED_MEMBER_EPOCH', false, 'The member epoch was fenced; the member must give up its partitions and rejoin.'),
  e(111, 'UNRELEASED_INSTANCE_ID', false, 'Another member still holds this instance id and must leave first.'),
  e(112, 'UNSUPPORTED_ASSIGNOR', false, 'The group does not support this assignor or version range.'),
  e(113, 'STALE_MEMBER_EPOCH', false, 'The member epoch is stale; retry after the heartbeat returns the current epoch.'),
  e(114, 'MISMATCHED_ENDPOINT_TYPE', false, 'The request was sent to the wrong type of endpoint.'),
  e(115, 'UNSUPPORTED_ENDPOINT_TYPE', false, 'This endpoint type is not supported.'),
  e(116, 'UNKNOWN_CONTROLLER_ID', false, 'The controller id is not known.'),
  e(117, 'UNKNOWN_SUBSCRIPTION_ID', false, 'The telemetry subscription id is unknown or out of date.'),
  e(118, 'TELEMETRY_TOO_LARGE', false, 'The telemetry push is larger than the broker accepts.'),
  e(119, 'INVALID_REGISTRATION', false, 'The controller rejected the broker registration as invalid.'),
  e(120, 'TRANSACTION_ABORTABLE', false, 'The transaction hit an error; abort it to keep using the transactional id.'),
] as const satisfies readonly ErrorCodeInfo[];

/** The name of a Kafka error, e.g. `'NOT_LEADER_OR_FOLLOWER'`. */
export type KafkaErrorName = (typeof ERROR_CODES)[number]['name'];

const byCode = new Map<number, ErrorCodeInfo>(ERROR_CODES.map((x) => [x.code, x]));
const byName = new Map<string, ErrorCodeInfo>(ERROR_CODES.map((x) => [x.name, x]));

/** The row for a numeric code, or undefined for a code Kafka 3.8.0 does not define. */
export function errorByCode(code: number): ErrorCodeInfo | undefined {
  return byCode.get(code);
}

/** The row for an error name; undefined for an unknown name. */
export function errorByName(name: string): ErrorCodeInfo | undefined {
  return byName.get(name);
}

/** Numeric code of a Kafka error name; throws TypeError for an unknown name (a programming error). */
export function errorCode(name: KafkaErrorName): number {
  const info = byName.get(name);
  if (!info) throw new TypeError(`unknown Kafka error name ${name}`);
  return info.code;
}
