/**
 * The registry of declared APIs, by key. Each file `NN-name.ts` declares one API for all its versions;
 * the versions here are Kafka 3.8.0's full ranges for these APIs (what a broker advertises may be
 * narrower, see the broker's ApiVersions handler).
 */
import { ApiCodec } from '../api.js';
import { Produce } from './00-produce.js';
import { Fetch } from './01-fetch.js';
import { ListOffsets } from './02-list-offsets.js';
import { Metadata } from './03-metadata.js';
import { OffsetCommit } from './08-offset-commit.js';
import { OffsetFetch } from './09-offset-fetch.js';
import { FindCoordinator } from './10-find-coordinator.js';
import { JoinGroup } from './11-join-group.js';
import { Heartbeat } from './12-heartbeat.js';
import { LeaveGroup } from './13-leave-group.js';
import { SyncGroup } from './14-sync-group.js';
import { DescribeGroups } from './15-describe-groups.js';
import { ListGroups } from './16-list-groups.js';
import { SaslHandshake } from './17-sasl-handshake.js';
import { ApiVersions } from './18-api-versions.js';
import { CreateTopics } from './19-create-topics.js';
import { DeleteTopics } from './20-delete-topics.js';
import { DeleteRecords } from './21-delete-records.js';
import { InitProducerId } from './22-init-producer-id.js';
import { OffsetForLeaderEpoch } from './23-offset-for-leader-epoch.js';
import { DescribeConfigs } from './32-describe-configs.js';
import { AlterConfigs } from './33-alter-configs.js';
import { SaslAuthenticate } from './36-sasl-authenticate.js';
import { CreatePartitions } from './37-create-partitions.js';
import { DeleteGroups } from './42-delete-groups.js';
import { IncrementalAlterConfigs } from './44-incremental-alter-configs.js';
import { OffsetDelete } from './47-offset-delete.js';
import { DescribeCluster } from './60-describe-cluster.js';

/** Compiled codecs of every declared API, named as Kafka names them. */
export const Apis = {
  Produce: new ApiCodec(Produce),
  Fetch: new ApiCodec(Fetch),
  ListOffsets: new ApiCodec(ListOffsets),
  Metadata: new ApiCodec(Metadata),
  OffsetCommit: new ApiCodec(OffsetCommit),
  OffsetFetch: new ApiCodec(OffsetFetch),
  FindCoordinator: new ApiCodec(FindCoordinator),
  JoinGroup: new ApiCodec(JoinGroup),
  Heartbeat: new ApiCodec(Heartbeat),
  LeaveGroup: new ApiCodec(LeaveGroup),
  SyncGroup: new ApiCodec(SyncGroup),
  DescribeGroups: new ApiCodec(DescribeGroups),
  ListGroups: new ApiCodec(ListGroups),
  SaslHandshake: new ApiCodec(SaslHandshake),
  ApiVersions: new ApiCodec(ApiVersions),
  CreateTopics: new ApiCodec(CreateTopics),
  DeleteTopics: new ApiCodec(DeleteTopics),
  DeleteRecords: new ApiCodec(DeleteRecords),
  InitProducerId: new ApiCodec(InitProducerId),
  OffsetForLeaderEpoch: new ApiCodec(OffsetForLeaderEpoch),
  DescribeConfigs: new ApiCodec(DescribeConfigs),
  AlterConfigs: new ApiCodec(AlterConfigs),
  SaslAuthenticate: new ApiCodec(SaslAuthenticate),
  CreatePartitions: new ApiCodec(CreatePartitions),
  DeleteGroups: new ApiCodec(DeleteGroups),
  IncrementalAlterConfigs: new ApiCodec(IncrementalAlterConfigs),
  OffsetDelete: new ApiCodec(OffsetDelete),
  DescribeCluster: new ApiCodec(DescribeCluster),
} as const;

/** Name of a declared API. */
export type ApiName = keyof typeof Apis;

const byKey: (ApiCodec | undefined)[] = [];
for (const codec of Object.values(Apis) as ApiCodec[]) byKey[codec.key] = codec;

/** The codec of an API key, or undefined for a key this project does not declare. */
export function apiByKey(key: number): ApiCodec | undefined {
  return key >= 0 ? byKey[key] : undefined;
}

/** Every declared API codec, by ascending key. */
export function allApis(): ApiCodec[] {
  return byKey.filter((c): c is ApiCodec => c !== undefined);
}
