/**
 * pulumi-toucan: Pulumi components that deploy a self-hosted Toucan Toco.
 *
 * The public API: the components, their arguments and output types, and a few documented helpers.
 * Everything else (subnet layout, user-data rendering, constant tables, the static asset pipeline) is
 * internal and may change in any release. The recording runtime, for unit tests and offline plans of
 * your own composition, is `pulumi-toucan/testing`.
 *
 * @packageDocumentation
 */

// Errors and the per-child escape hatch every component offers.
export { ToucanArgumentError } from "./core/errors";
export type { Transform } from "./core/transform";

// The whole topology on AWS.
export { Toucan } from "./aws/toucan";
export type { ToucanArgs, TierArgs, BackendArgs, StaticFrontendSettings, ScreenshotArgs } from "./aws/toucan";
export type { ToucanVersionArgs, RedisVariableNames } from "./core/toucan-config";

// Its pieces, each usable alone.
export { Network } from "./aws/network";
export type { NetworkArgs, NatStrategy, ExistingNetwork } from "./aws/network";

export { MongoCluster } from "./aws/mongo-cluster";
export type { MongoClusterArgs, MongoEngine, MongoClusterUris, DocumentDbUser } from "./aws/mongo-cluster";
export type { MongoUriParts } from "./core/mongo-uri";
export type { AtlasArgs } from "./aws/atlas";

export { Monitoring, ALARM_SPECS } from "./aws/monitoring";
export type { MonitoringArgs, MonitoredResources, AlarmSpec, AlarmKind } from "./aws/monitoring";

export { RedisCache } from "./aws/redis-cache";
export type { RedisCacheArgs, RedisEngine, ExistingRedis, RedisConnection } from "./aws/redis-cache";

export { SharedStorage } from "./aws/shared-storage";
export type {
  SharedStorageArgs,
  ExistingStorage,
  PosixUser,
  StorageLifecycle,
  TransitionAge,
  PerformanceMode,
  ThroughputMode,
} from "./aws/shared-storage";

export { Certificate } from "./aws/certificate";
export type {
  CertificateArgs,
  CertificateKeyAlgorithm,
  CertificatePem,
  CertificatePemFiles,
} from "./aws/certificate";

export { LoadBalancer } from "./aws/load-balancer";
export type {
  LoadBalancerArgs,
  LoadBalancerMode,
  LoadBalancerIpAddressType,
  LoadBalancerTarget,
  LoadBalancerAccessLogs,
} from "./aws/load-balancer";

export { ToucanService } from "./aws/toucan-service";
export type {
  ToucanServiceArgs,
  ServiceVolume,
  ContainerMount,
  InitContainer,
  ServiceLoadBalancerAttachment,
  ServiceAutoscaling,
  ExistingServiceRole,
  ContainerInsights,
} from "./aws/toucan-service";

export { StaticFrontend } from "./aws/static-frontend";
export type {
  StaticFrontendArgs,
  StaticAssets,
  DirectoryAssets,
  ImageAssets,
  StaticFrontendApi,
  ExistingBucket,
  StaticFrontendLogging,
  PriceClass,
} from "./aws/static-frontend";

// One Docker host: the vendor's docker-compose layout.
export { SingleHost } from "./docker/single-host";
export type {
  SingleHostArgs,
  SingleHostTls,
  SingleHostFilesTls,
  SingleHostDockerTls,
  SingleHostDockerHost,
  SingleHostBackendArgs,
  SingleHostFrontendArgs,
  SingleHostTransforms,
  SingleHostContainer,
  SingleHostVolume,
} from "./docker/single-host";

// Documented helpers.
export { apiBaseRoute, gunicornWorkers } from "./core/toucan-config";
export type { ApiBaseRouteArgs } from "./core/toucan-config";
export { renderCaddyfile } from "./docker/caddyfile";
export type {
  CaddyfileOptions,
  CaddyTls,
  CertificateFiles,
  FilesTls,
  InternalTls,
  AcmeTls,
} from "./docker/caddyfile";
