/**
 * Rolling changes of the community replica set (pure: no Pulumi). A change to the members (MongoDB
 * version, instance type, AMI, anything in their user data) replaces or restarts them one at a time, in
 * the order `ROLLOUT_ORDER`: the two secondaries first, the first member last. That member has priority 2
 * (the others 1), so it is the primary whenever it is healthy.
 *
 * Between two members stands a gate: an SSM association that runs `renderGateScript` on the member just
 * changed and that `pulumi up` waits for. The next member's instance depends on it, so the engine cannot
 * start two member changes at once, in `pulumi preview` as in `pulumi up`. A gate succeeds when its
 * member is SECONDARY (or PRIMARY) and at most `maxLagSeconds` behind the primary; before the first
 * member's turn it steps that member down if it is the primary, and waits for another one to be elected.
 * After the last member it gives the first member priority 2 (stacks initiated before) and raises the
 * feature compatibility version once every member runs the new series. A gate that times out fails
 * `pulumi up` with the member, its state and the way to resume; the members after it are left alone.
 */

/** Member indexes (0-based) in the order a change reaches them: secondaries first, the primary last. */
export const ROLLOUT_ORDER = [1, 2, 0];

export interface GateSettings {
  /** How far behind the primary a member may be and still count as caught up. */
  maxLagSeconds: number;
  /** How long a gate waits before it fails the update. */
  timeoutSeconds: number;
}

export const DEFAULT_GATE: GateSettings = { maxLagSeconds: 10, timeoutSeconds: 1800 };

/** What one gate receives (SSM document parameters, all strings). */
export interface GateParameters {
  selfHost: string;
  /** The member replaced next: stepped down first if it is the primary. */
  stepDownHost: string;
  /** The member that must have priority 2 (set on the last gate). */
  priorityHost: string;
  /** Raise the feature compatibility version to this series once every member runs it (last gate). */
  featureCompatibilityVersion: string;
  allHosts: string;
  maxLagSeconds: string;
  timeoutSeconds: string;
  region: string;
  adminSecretArn: string;
  adminUser: string;
  /** Changes whenever the member changes: a new value re-runs the gate. */
  revision: string;
}

/** The parameters of the gate after member `index` (0-based) in the rollout. */
export function gateParameters(
  index: number,
  hosts: string[],
  series: string,
  settings: GateSettings,
  common: { region: string; adminSecretArn: string; adminUser: string; revision: string },
): GateParameters {
  const position = ROLLOUT_ORDER.indexOf(index);
  const next = ROLLOUT_ORDER[position + 1];
  const last = position === ROLLOUT_ORDER.length - 1;
  return {
    selfHost: hosts[index],
    stepDownHost: next === undefined ? "" : hosts[next],
    priorityHost: last ? hosts[0] : "",
    featureCompatibilityVersion: last ? series : "",
    allHosts: hosts.join(" "),
    maxLagSeconds: String(settings.maxLagSeconds),
    timeoutSeconds: String(settings.timeoutSeconds),
    ...common,
  };
}

/**
 * The gate as a bash script taking the parameters in `GateParameters` order. `TOUCAN_GATE_POLL_SECONDS`
 * (default 10) sets the polling interval; tests set it to 0.
 */
export function renderGateScript(): string {
  return `#!/bin/bash
# Rollout gate of one MongoDB member (components/aws/mongo-rollout.ts).
set -euo pipefail
SELF_HOST=$1 STEP_DOWN_HOST=$2 PRIORITY_HOST=$3 FCV=$4 ALL_HOSTS=$5
MAX_LAG=$6 TIMEOUT=$7 REGION=$8 ADMIN_SECRET=$9 ADMIN_USER=\${10}
PORT=27017
CA=/etc/toucan-mongo/ca.pem
POLL=\${TOUCAN_GATE_POLL_SECONDS:-10}
deadline=$((SECONDS + TIMEOUT))

log() { echo "toucan-mongo-gate: $*"; }
die() {
  echo "toucan-mongo-gate: $*" >&2
  exit 1
}

# q HOST JAVASCRIPT: one member, directly, over TLS; no authentication (hello, version).
q() {
  mongosh --quiet --norc \\
    "mongodb://$1:$PORT/admin?directConnection=true&tls=true&tlsCAFile=$CA&serverSelectionTimeoutMS=5000" \\
    --eval "$2"
}

# qa HOST JAVASCRIPT: as the administrator, whose password the instance role reads.
qa() {
  local password
  password=$(aws secretsmanager get-secret-value --region "$REGION" --secret-id "$ADMIN_SECRET" \\
    --query SecretString --output text)
  TOUCAN_USER="$ADMIN_USER" TOUCAN_PASSWORD="$password" q "$1" \\
    "db.getSiblingDB('admin').auth(process.env.TOUCAN_USER, process.env.TOUCAN_PASSWORD); $2"
}

state() {
  q "$1" 'const h = db.hello(); print(h.isWritablePrimary ? "PRIMARY" : h.secondary ? "SECONDARY" : h.setName ? "OTHER" : "NONE")' \\
    2>/dev/null || echo DOWN
}
primary_of() { q "$1" 'print(db.hello().primary || "")' 2>/dev/null || true; }
last_write() { q "$1" 'print(Math.floor(db.hello().lastWrite.lastWriteDate.getTime() / 1000))'; }
in_time() { ((SECONDS < deadline)); }

until [[ "$(state 127.0.0.1)" != DOWN ]]; do
  in_time || die "member $SELF_HOST: mongod does not answer after \${TIMEOUT}s; see journalctl -u mongod on it, then run pulumi up again to resume"
  sleep "$POLL"
done
if [[ "$(state 127.0.0.1)" == NONE ]]; then
  log "member $SELF_HOST: no replica set yet (a new cluster), nothing to wait for"
  exit 0
fi

while true; do
  now=$(state 127.0.0.1)
  primary=$(primary_of 127.0.0.1)
  lag=unknown
  if [[ ($now == SECONDARY || $now == PRIMARY) && -n $primary ]]; then
    lag=$(($(last_write "\${primary%:*}") - $(last_write 127.0.0.1)))
    ((lag <= MAX_LAG)) && break
  fi
  in_time || die "member $SELF_HOST is $now, \${lag}s behind the primary \${primary:-(none)} after \${TIMEOUT}s: the rollout stops here and the other members keep serving. See journalctl -u mongod on $SELF_HOST; once it has caught up, run pulumi up again to resume"
  sleep "$POLL"
done
log "member $SELF_HOST is $now, \${lag}s behind the primary"

if [[ -n $STEP_DOWN_HOST && "$(state "$STEP_DOWN_HOST")" == PRIMARY ]]; then
  log "stepping down $STEP_DOWN_HOST, the primary, which is changed next"
  qa "$STEP_DOWN_HOST" 'db.adminCommand({ replSetStepDown: 120, secondaryCatchUpPeriodSecs: 60 })' || true
  while true; do
    primary=$(primary_of "$SELF_HOST")
    [[ -n $primary && \${primary%:*} != "$STEP_DOWN_HOST" ]] && break
    in_time || die "the primary $STEP_DOWN_HOST will not step down (no other member elected after \${TIMEOUT}s): the rollout stops before changing it. Check rs.status() on $STEP_DOWN_HOST, then run pulumi up again to resume"
    sleep "$POLL"
  done
  log "$primary is the primary now"
fi

if [[ -n $PRIORITY_HOST ]]; then
  primary=$(primary_of "$SELF_HOST")
  qa "\${primary%:*}" "const c = rs.conf(); const m = c.members.find((x) => x.host === '$PRIORITY_HOST:$PORT');
if (m && m.priority !== 2) { m.priority = 2; rs.reconfig(c); print('priority 2 for $PRIORITY_HOST'); }"
fi

if [[ -n $FCV ]]; then
  for host in $ALL_HOSTS; do
    version=$(q "$host" 'print(db.version())')
    [[ $version == "$FCV".* ]] ||
      die "member $host runs MongoDB $version, not $FCV: the feature compatibility version stays until every member does"
  done
  primary=$(primary_of "$SELF_HOST")
  qa "\${primary%:*}" "const now = db.adminCommand({ getParameter: 1, featureCompatibilityVersion: 1 }).featureCompatibilityVersion.version;
if (now !== '$FCV') { db.adminCommand({ setFeatureCompatibilityVersion: '$FCV', confirm: true }); print('feature compatibility version ' + now + ' -> $FCV'); }"
fi
log "member $SELF_HOST passed its gate"
`;
}

/** Patterns SSM checks each parameter against before it reaches the script (no shell injection). */
const PARAMETER_PATTERNS: Record<keyof GateParameters, string> = {
  selfHost: "^[a-z0-9.-]+$",
  stepDownHost: "^[a-z0-9.-]*$",
  priorityHost: "^[a-z0-9.-]*$",
  featureCompatibilityVersion: "^(\\d+\\.\\d+)?$",
  allHosts: "^[a-z0-9. -]+$",
  maxLagSeconds: "^\\d+$",
  timeoutSeconds: "^\\d+$",
  region: "^[a-z0-9-]+$",
  adminSecretArn: "^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$",
  adminUser: "^[A-Za-z0-9_.-]+$",
  revision: "^[0-9a-f]+$",
};

const OPTIONAL: (keyof GateParameters)[] = ["stepDownHost", "priorityHost", "featureCompatibilityVersion"];

/** The SSM Command document (schema 2.2) that runs the gate with its parameters. */
export function gateDocument(): string {
  const names = Object.keys(PARAMETER_PATTERNS) as (keyof GateParameters)[];
  const args = names.filter((n) => n !== "revision").map((n) => `'{{ ${n} }}'`);
  return JSON.stringify({
    schemaVersion: "2.2",
    description:
      "Waits until a MongoDB member is a caught-up secondary; steps the next member down (Toucan rollout gate)",
    parameters: Object.fromEntries(
      names.map((n) => [
        n,
        {
          type: "String",
          allowedPattern: PARAMETER_PATTERNS[n],
          ...(OPTIONAL.includes(n) ? { default: "" } : {}),
        },
      ]),
    ),
    mainSteps: [
      {
        action: "aws:runShellScript",
        name: "gate",
        inputs: {
          timeoutSeconds: "7200",
          runCommand: [
            "install -d /usr/local/sbin",
            `cat >/usr/local/sbin/toucan-mongo-gate <<'GATE'\n${renderGateScript()}GATE`,
            "chmod 0700 /usr/local/sbin/toucan-mongo-gate",
            `/usr/local/sbin/toucan-mongo-gate ${args.join(" ")}`,
          ],
        },
      },
    ],
  });
}
