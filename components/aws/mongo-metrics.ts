/**
 * The collector a community MongoDB member runs every minute (a pure module: no Pulumi). It publishes, to
 * CloudWatch namespace `Toucan/MongoDB` with dimension `InstanceId`:
 * - `DataVolumeUsedPercent`: `df` of the data volume (`/var/lib/mongo`);
 * - `MemberHealthy`: 1 when the member is the primary or a secondary (`db.hello()`), else 0;
 * - `ReplicationLagSeconds` (secondaries): the primary's last write time minus this member's.
 * `hello` needs no credentials, so the collector holds no secret; the instance role may only
 * `cloudwatch:PutMetricData` into that namespace. An SSM association installs it (no user data change,
 * so no member is replaced) as a systemd timer.
 */

export const MONGO_METRICS_NAMESPACE = "Toucan/MongoDB";
export const MONGO_METRICS_PATH = "/usr/local/sbin/toucan-mongo-metrics";

export function renderMongoMetricsCollector(region: string): string {
  if (!/^[a-z0-9-]+$/.test(region)) throw new Error(`bad region ${region}`);
  return `#!/bin/bash
# Publishes this MongoDB member's health to CloudWatch (${MONGO_METRICS_NAMESPACE}). Rendered by pulumi-toucan.
set -euo pipefail

REGION='${region}'
NAMESPACE='${MONGO_METRICS_NAMESPACE}'
DATA_DIR="\${TOUCAN_MONGO_DATA_DIR:-/var/lib/mongo}"
CA_FILE="\${TOUCAN_MONGO_CA_FILE:-/etc/toucan-mongo/ca.pem}"
PORT=27017

hello() {
  mongosh --quiet --norc \\
    "mongodb://$1:$PORT/admin?directConnection=true&tls=true&tlsCAFile=$CA_FILE&serverSelectionTimeoutMS=5000" \\
    --eval "$2"
}

instance_id() {
  local token
  token=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')
  curl -sf -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id
}

main() {
  local id used state primary own_write primary_write healthy=0
  local -a metrics
  id=$(instance_id)
  [[ $id =~ ^i-[0-9a-f]+$ ]] || {
    echo "toucan-mongo-metrics: no instance id from the metadata service" >&2
    exit 1
  }
  used=$(df --output=pcent "$DATA_DIR" | tail -n 1 | tr -dc '0-9')
  # "<state> <primary host> <last write, epoch seconds>"
  read -r state primary own_write < <(
    hello 127.0.0.1 'const h = db.hello(); print([h.isWritablePrimary ? "primary" : h.secondary ? "secondary" : "other", h.primary || "-", h.lastWrite ? Math.floor(h.lastWrite.lastWriteDate.getTime() / 1000) : 0].join(" "))' 2>/dev/null ||
      echo "down - 0"
  )
  if [[ $state == primary || $state == secondary ]]; then healthy=1; fi
  metrics=("MetricName=MemberHealthy,Value=$healthy,Unit=Count")
  if [[ -n $used ]]; then metrics+=("MetricName=DataVolumeUsedPercent,Value=$used,Unit=Percent"); fi
  if [[ $state == secondary && $primary != - ]]; then
    primary_write=$(hello "\${primary%:*}" 'print(Math.floor(db.hello().lastWrite.lastWriteDate.getTime() / 1000))' 2>/dev/null || echo "")
    if [[ $primary_write =~ ^[0-9]+$ && $own_write =~ ^[0-9]+$ && $own_write -gt 0 ]]; then
      local lag=$((primary_write - own_write))
      ((lag >= 0)) || lag=0
      metrics+=("MetricName=ReplicationLagSeconds,Value=$lag,Unit=Seconds")
    fi
  fi
  local -a data=()
  local m
  for m in "\${metrics[@]}"; do data+=("$m,Dimensions=[{Name=InstanceId,Value=$id}]"); done
  aws cloudwatch put-metric-data --region "$REGION" --namespace "$NAMESPACE" --metric-data "\${data[@]}"
}

main "$@"
`;
}

/** Shell lines (an SSM Run Command document's `runCommand`) installing the collector as a 1-minute timer. */
export function mongoMetricsInstallCommands(collector: string): string[] {
  const unit = (name: string, body: string) => [`cat >/etc/systemd/system/${name} <<'UNIT'`, body, "UNIT"];
  return [
    "set -euo pipefail",
    `cat >${MONGO_METRICS_PATH}.new <<'COLLECTOR'`,
    collector.trimEnd(),
    "COLLECTOR",
    `install -m 0755 ${MONGO_METRICS_PATH}.new ${MONGO_METRICS_PATH}`,
    `rm -f ${MONGO_METRICS_PATH}.new`,
    ...unit(
      "toucan-mongo-metrics.service",
      `[Unit]\nDescription=Publish MongoDB member health to CloudWatch\n\n[Service]\nType=oneshot\nExecStart=${MONGO_METRICS_PATH}`,
    ),
    ...unit(
      "toucan-mongo-metrics.timer",
      "[Unit]\nDescription=Publish MongoDB member health every minute\n\n[Timer]\nOnBootSec=2min\nOnUnitActiveSec=1min\n\n[Install]\nWantedBy=timers.target",
    ),
    "systemctl daemon-reload",
    "systemctl enable --now toucan-mongo-metrics.timer",
  ];
}
