/**
 * The bootstrap script of one MongoDB replica-set member on Amazon Linux 2023 (a pure function: no
 * Pulumi). It holds no secret: the instance role reads the keyfile, the certificates and the passwords
 * from Secrets Manager, so the script can sit in plain EC2 user data.
 *
 * What the script does, in order:
 * 1. copies itself to `/usr/local/sbin/toucan-mongo-node`;
 * 2. installs MongoDB from the official repository (unless the AMI already has it);
 * 3. writes `/etc/mongod.conf` (keyfile auth, `requireTLS`, replica set) and a systemd drop-in that runs
 *    `toucan-mongo-node prepare` as root before every start of mongod: wait for the data volume (found
 *    by its EBS volume id), format it only if it has no filesystem and is blank, mount it, fetch the
 *    keyfile and certificates;
 * 4. on the first member only: once every member answers, initiates the replica set (only if no
 *    member reports one), creates the admin user through the localhost exception, adds the other
 *    members and creates or updates the read/write and read-only users;
 * 5. a systemd timer grows the data file system to its volume's size every 5 minutes (`mongoVolumeSizeGiB`
 *    raised: EBS grows the volume in place, the file system follows online).
 */

/** Secrets Manager ARNs of the users' passwords and their names (first member only). */
export interface MongoBootstrapUsers {
  /** Database the read/write and read-only users are granted. */
  database: string;
  /** Grant `readWriteAnyDatabase` / `readAnyDatabase` instead of `readWrite` / `read` on `database`. */
  allDatabases?: boolean;
  admin: { name: string; passwordSecretArn: string };
  readWrite: { name: string; passwordSecretArn: string };
  readOnly: { name: string; passwordSecretArn: string };
}

export interface MongoMemberBootstrap {
  /** 1-based position of this member in `memberHosts`. */
  memberIndex: number;
  /** DNS names of every member, in order. */
  memberHosts: string[];
  replicaSetName: string;
  /** `7.0` (the newest 7.0.x at install time) or a pinned `7.0.30`. Series 7.0 and 8.0 are supported. */
  mongoVersion: string;
  /** Download packages when the AMI has no MongoDB (needs egress to the internet). */
  installPackages: boolean;
  /**
   * `s3://bucket/prefix` of MongoDB's RPMs: installed from `<this>/<mongoVersion>/<uname -m>/` instead of
   * MongoDB's repository (no NAT needed: the S3 gateway endpoint).
   */
  packagesS3?: string;
  region: string;
  /** EBS volume id of this member's data volume (`vol-...`). */
  dataVolumeId: string;
  secretArns: {
    /** The replica set's keyfile. */
    keyFile: string;
    /** The CA certificate (PEM). */
    caCertificate: string;
    /** This member's certificate followed by its private key (PEM). */
    memberCertificate: string;
  };
  /** Users to create: given to the member that initiates the replica set, and only to it. */
  users?: MongoBootstrapUsers;
}

/** EC2 refuses user data longer than this (before base64). */
export const USER_DATA_LIMIT_BYTES = 16384;
export const SUPPORTED_MONGO_SERIES = ["7.0", "8.0"];
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const REPLICA_SET_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const MONGO_VERSION = /^(\d+)\.(\d+)(\.(\d+))?$/;
const USER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Whether a string is a lowercase DNS name. */
export function isDnsName(name: string): boolean {
  return DNS_NAME.test(name);
}

/** The `major.minor` series of a version (`7.0.30` -> `7.0`), or undefined when malformed. */
export function mongoSeries(version: string): string | undefined {
  const match = MONGO_VERSION.exec(version);
  return match ? `${match[1]}.${match[2]}` : undefined;
}

/** A bash single-quoted literal. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`renderMongoUserData: ${message}`);
}

/** Renders the bootstrap script (bash) of one member. */
export function renderMongoUserData(b: MongoMemberBootstrap): string {
  const series = mongoSeries(b.mongoVersion);
  check(
    series !== undefined && SUPPORTED_MONGO_SERIES.includes(series),
    `unsupported version ${b.mongoVersion}`,
  );
  check(b.memberHosts.length > 0 && b.memberHosts.every(isDnsName), `bad member hosts ${b.memberHosts}`);
  check(
    Number.isInteger(b.memberIndex) && b.memberIndex >= 1 && b.memberIndex <= b.memberHosts.length,
    `memberIndex ${b.memberIndex} is not a position in memberHosts`,
  );
  check(REPLICA_SET_NAME.test(b.replicaSetName), `bad replica set name ${b.replicaSetName}`);
  check(/^[a-z0-9-]+$/.test(b.region), `bad region ${b.region}`);
  check(/^vol-[0-9a-f]+$/.test(b.dataVolumeId), `bad volume id ${b.dataVolumeId}`);
  check(
    b.packagesS3 === undefined || /^s3:\/\/[a-z0-9][a-z0-9.-]+[a-z0-9](\/[^*?]+)?$/.test(b.packagesS3),
    `bad packages location ${b.packagesS3}`,
  );
  const u = b.users;
  if (u) {
    for (const user of [u.admin, u.readWrite, u.readOnly])
      check(USER_NAME.test(user.name), `bad user ${user.name}`);
  }
  const packageSpec =
    b.mongoVersion === series ? "mongodb-org-server" : `mongodb-org-server-${b.mongoVersion}`;
  // MongoDB 7.0 asks for transparent huge pages off; 8.0 (TCMalloc with per-CPU caches) asks for them on.
  const hugePages = Number(series!.split(".")[0]) >= 8 ? "always" : "never";

  const settings = [
    `MEMBER_INDEX=${b.memberIndex}`,
    `MEMBER_HOSTS=(${b.memberHosts.map(quote).join(" ")})`,
    `REPLICA_SET=${quote(b.replicaSetName)}`,
    `MONGO_SERIES=${quote(series!)}`,
    `MONGO_PACKAGE=${quote(packageSpec)}`,
    `INSTALL_PACKAGES=${b.installPackages ? "true" : "false"}`,
    `PACKAGES_S3=${quote(b.packagesS3 ?? "")}`,
    `MONGO_VERSION=${quote(b.mongoVersion)}`,
    `HUGE_PAGES=${hugePages}`,
    `REGION=${quote(b.region)}`,
    `DATA_VOLUME_ID=${quote(b.dataVolumeId)}`,
    `KEYFILE_SECRET=${quote(b.secretArns.keyFile)}`,
    `CA_SECRET=${quote(b.secretArns.caCertificate)}`,
    `MEMBER_TLS_SECRET=${quote(b.secretArns.memberCertificate)}`,
    `RW_ROLE=${quote(u?.allDatabases ? "readWriteAnyDatabase" : "readWrite")}`,
    `RO_ROLE=${quote(u?.allDatabases ? "readAnyDatabase" : "read")}`,
    `ROLE_DB=${quote(u?.allDatabases ? "admin" : (u?.database ?? ""))}`,
    `ADMIN_USER=${quote(u?.admin.name ?? "")}`,
    `ADMIN_PASSWORD_SECRET=${quote(u?.admin.passwordSecretArn ?? "")}`,
    `RW_USER=${quote(u?.readWrite.name ?? "")}`,
    `RW_PASSWORD_SECRET=${quote(u?.readWrite.passwordSecretArn ?? "")}`,
    `RO_USER=${quote(u?.readOnly.name ?? "")}`,
    `RO_PASSWORD_SECRET=${quote(u?.readOnly.passwordSecretArn ?? "")}`,
  ];
  const role = u ? "initiates the replica set and creates its users" : "joins the replica set";
  return `#!/bin/bash
# MongoDB replica set ${quote(b.replicaSetName)}, member ${b.memberIndex} of ${b.memberHosts.length}: ${role}.
# Rendered by pulumi-toucan (MongoCluster). Holds no secret: the instance role reads them from Secrets Manager.
set -euo pipefail
export HOME="\${HOME:-/root}"

${settings.join("\n")}

SELF=/usr/local/sbin/toucan-mongo-node
YUM_REPOS_DIR=/etc/yum.repos.d
DNF_CONF=/etc/dnf/dnf.conf
RPM_DIR=/var/cache/toucan-mongo-rpms
# How long each network step (package download, Secrets Manager) keeps trying: the NAT gateway, its route
# or an endpoint may come up after this instance.
NETWORK_RETRY_SECONDS=1200
DATA_DIR=/var/lib/mongo
TLS_DIR=/etc/toucan-mongo
PORT=27017
SELF_HOST="\${MEMBER_HOSTS[$((MEMBER_INDEX - 1))]}"

log() { echo "toucan-mongo: $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# retry ATTEMPTS DELAY_SECONDS COMMAND...: runs COMMAND until it succeeds.
retry() {
  local attempts=$1 delay=$2 n=1
  shift 2
  until "$@"; do
    if ((n >= attempts)); then return 1; fi
    n=$((n + 1))
    sleep "$delay"
  done
}

# retry_network WHAT COMMAND...: runs COMMAND until it succeeds, waiting 5 s, then twice as long each time
# up to 60 s, for NETWORK_RETRY_SECONDS in all; logs every failure, and why it gives up.
retry_network() {
  local what=$1 delay=5 waited=0 attempt=1 status
  shift
  while true; do
    status=0
    "$@" || status=$?
    if ((status == 0)); then return 0; fi
    if ((waited >= NETWORK_RETRY_SECONDS)); then
      log "ERROR: $what failed $attempt times in \${waited}s (exit status $status, output above): giving up"
      return 1
    fi
    log "$what failed (attempt $attempt, exit status $status): retrying in \${delay}s"
    sleep "$delay"
    waited=$((waited + delay)) attempt=$((attempt + 1)) delay=$((delay * 2 > 60 ? 60 : delay * 2))
  done
}

secret_value() {
  aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" --query SecretString --output text
}

# write_secret ARN FILE: only mongod may read FILE; replaced atomically.
write_secret() {
  local tmp
  tmp=$(mktemp "$2.XXXXXX")
  if ! retry_network "reading the secret $1" secret_value "$1" >"$tmp"; then
    rm -f "$tmp"
    die "cannot read the secret $1 (instance role? Secrets Manager reachable?)"
  fi
  chown mongod:mongod "$tmp"
  chmod 0400 "$tmp"
  mv -f "$tmp" "$2"
}

mount_data_volume() {
  local device="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_\${DATA_VOLUME_ID//-/}" status=0 uuid
  retry 360 5 test -b "$device" || die "the data volume $DATA_VOLUME_ID was not attached within 30 minutes"
  if mountpoint -q "$DATA_DIR"; then return 0; fi
  blkid -p "$device" >/dev/null 2>&1 || status=$?
  if ((status == 2)); then
    # No filesystem: format the volume only while it is blank (a new EBS volume reads as zeros).
    cmp -s -n 1048576 "$device" /dev/zero || die "$device has no filesystem but holds data: not formatting it"
    log "formatting the new data volume $DATA_VOLUME_ID"
    mkfs.xfs -q -L mongo-data "$device"
  elif ((status != 0)); then
    die "cannot probe $device (blkid exit $status)"
  fi
  uuid=$(blkid -s UUID -o value "$device")
  mkdir -p "$DATA_DIR"
  grep -q "UUID=$uuid " /etc/fstab || echo "UUID=$uuid $DATA_DIR xfs defaults,noatime,nofail 0 2" >>/etc/fstab
  mount "$DATA_DIR"
  chown mongod:mongod "$DATA_DIR"
  chmod 0750 "$DATA_DIR"
}

# Grows the data file system online to its volume's size once mongoVolumeSizeGiB was raised (EBS grows
# the volume in place; xfs_growfs changes nothing when they already match). Run by a timer.
grow_data_volume() {
  local before after
  mountpoint -q "$DATA_DIR" || return 0
  before=$(df -B1 --output=size "$DATA_DIR" | tail -n 1)
  xfs_growfs -d "$DATA_DIR" >/dev/null || die "cannot grow the file system of $DATA_DIR"
  after=$(df -B1 --output=size "$DATA_DIR" | tail -n 1)
  if ((after > before)); then log "grew the file system of $DATA_DIR from $before to $after bytes"; fi
}

# Runs as root before every start of mongod (systemd drop-in).
prepare() {
  mount_data_volume
  grow_data_volume
  install -d -m 0750 -o root -g mongod "$TLS_DIR"
  write_secret "$KEYFILE_SECRET" "$TLS_DIR/keyfile"
  write_secret "$CA_SECRET" "$TLS_DIR/ca.pem"
  write_secret "$MEMBER_TLS_SECRET" "$TLS_DIR/member.pem"
  local thp=/sys/kernel/mm/transparent_hugepage/enabled
  if [[ -w $thp ]]; then echo "$HUGE_PAGES" >"$thp"; fi
}

install_mongodb() {
  if command -v mongod >/dev/null && command -v mongosh >/dev/null; then
    log "MongoDB is already installed"
    return 0
  fi
  if [[ -n $PACKAGES_S3 ]]; then
    install_mongodb_from_bucket
    return 0
  fi
  [[ $INSTALL_PACKAGES == true ]] ||
    die "mongod or mongosh is missing and this member has no route to download them: use an AMI with MongoDB"
  cat >"$YUM_REPOS_DIR/mongodb-org-$MONGO_SERIES.repo" <<EOF
[mongodb-org-$MONGO_SERIES]
name=MongoDB Repository
baseurl=https://repo.mongodb.org/yum/amazon/2023/mongodb-org/$MONGO_SERIES/\\$basearch/
gpgcheck=1
enabled=1
gpgkey=https://pgp.mongodb.com/server-$MONGO_SERIES.asc
EOF
  # mongosh built against the system's OpenSSL 3 (the default build fails on Amazon Linux 2023).
  retry_network "dnf install $MONGO_PACKAGE" \\
    dnf install -y "$MONGO_PACKAGE" mongodb-mongosh-shared-openssl3 mongodb-database-tools ||
    die "cannot install $MONGO_PACKAGE (route to the internet? repo.mongodb.org reachable?)"
  # The version changes through the component, never through a routine dnf upgrade.
  grep -q '^exclude=mongodb-org' "$DNF_CONF" || echo 'exclude=mongodb-org*' >>"$DNF_CONF"
}

# MongoDB's RPMs from the private bucket (through the S3 gateway endpoint: no NAT needed), for this
# member's version and architecture; dnf takes their dependencies from the Amazon Linux repositories.
install_mongodb_from_bucket() {
  local from
  local -a rpms
  from="$PACKAGES_S3/$MONGO_VERSION/$(uname -m)/"
  rm -rf "$RPM_DIR"
  mkdir -p "$RPM_DIR"
  retry_network "copying $from" \
    aws s3 cp --recursive --only-show-errors --region "$REGION" --exclude "*" --include "*.rpm" "$from" "$RPM_DIR" ||
    die "cannot copy the MongoDB packages from $from (instance role? S3 gateway endpoint?)"
  rpms=("$RPM_DIR"/*.rpm)
  [[ -e \${rpms[0]} ]] ||
    die "no *.rpm under $from: copy mongodb-org-server, mongodb-mongosh-shared-openssl3 and mongodb-database-tools there (README: No NAT)"
  # Local files: dnf installs exactly these (as localinstall), resolving their dependencies from the repositories.
  retry_network "dnf install of \${#rpms[@]} packages from $from" dnf install -y "\${rpms[@]}" ||
    die "cannot install the packages from $from"
  grep -q '^exclude=mongodb-org' "$DNF_CONF" || echo 'exclude=mongodb-org*' >>"$DNF_CONF"
}

configure_mongod() {
  cat >/etc/mongod.conf <<EOF
# Written by pulumi-toucan: replica set $REPLICA_SET, member $MEMBER_INDEX ($SELF_HOST).
storage:
  dbPath: $DATA_DIR
systemLog:
  destination: syslog
net:
  port: $PORT
  bindIpAll: true
  tls:
    mode: requireTLS
    certificateKeyFile: $TLS_DIR/member.pem
    CAFile: $TLS_DIR/ca.pem
    allowConnectionsWithoutCertificates: true
    disabledProtocols: TLS1_0,TLS1_1
security:
  authorization: enabled
  keyFile: $TLS_DIR/keyfile
replication:
  replSetName: $REPLICA_SET
processManagement:
  timeZoneInfo: /usr/share/zoneinfo
EOF
  install -d /etc/systemd/system/mongod.service.d
  cat >/etc/systemd/system/mongod.service.d/toucan.conf <<EOF
[Service]
# As root: mount the data volume and fetch the keyfile and certificates before every start.
ExecStartPre=+$SELF prepare
TimeoutStartSec=45min
EOF
  cat >/etc/systemd/system/toucan-mongo-grow.service <<EOF
[Unit]
Description=Grow the MongoDB data file system to its EBS volume's size
[Service]
Type=oneshot
ExecStart=$SELF grow
EOF
  cat >/etc/systemd/system/toucan-mongo-grow.timer <<EOF
[Unit]
Description=Grow the MongoDB data file system after its volume was enlarged
[Timer]
OnBootSec=5min
OnUnitActiveSec=5min
[Install]
WantedBy=timers.target
EOF
  systemctl daemon-reload
  systemctl enable mongod
  systemctl enable --now toucan-mongo-grow.timer
}

# mongo_eval HOST JAVASCRIPT: one member, directly, over TLS checked against the cluster CA.
mongo_eval() {
  mongosh --quiet --norc \\
    "mongodb://$1:$PORT/admin?directConnection=true&tls=true&tlsCAFile=$TLS_DIR/ca.pem&serverSelectionTimeoutMS=5000" \\
    --eval "$2"
}

# Local connections use 127.0.0.1 (in the member certificate): "localhost" may resolve to ::1 first.
LOCAL=127.0.0.1
answers() { mongo_eval "$1" 'db.hello().ok' >/dev/null 2>&1; }
is_primary() { [[ "$(mongo_eval "$1" 'print(db.hello().isWritablePrimary === true)' 2>/dev/null)" == true ]]; }
replica_set_of() { mongo_eval "$1" 'print(db.hello().setName || "")' 2>/dev/null; }

own_dns_record_ready() {
  local token ip
  token=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')
  ip=$(curl -sf -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/local-ipv4)
  [[ "$(getent hosts "$SELF_HOST" | awk '{ print $1; exit }')" == "$ip" ]]
}

configure_replica_set() {
  local host existing="" seeds="" admin_password rw_password ro_password
  retry 360 10 own_dns_record_ready || die "$SELF_HOST does not resolve to this instance"
  for host in "\${MEMBER_HOSTS[@]}"; do
    retry 360 10 answers "$host" || die "member $host did not answer within an hour"
    [[ -n $existing ]] || existing=$(replica_set_of "$host" || true)
    seeds="\${seeds:+$seeds,}$host:$PORT"
  done
  if [[ -z $existing ]]; then
    # No member knows a replica set: a new cluster. Start it with this member alone, so that it is
    # surely the primary that may create the first user (localhost exception).
    log "initiating replica set $REPLICA_SET"
    # Priority 2: the first member is the primary whenever it is healthy, and changes reach it last.
    mongo_eval "$LOCAL" "rs.initiate({ _id: '$REPLICA_SET', members: [{ _id: 0, host: '$SELF_HOST:$PORT', priority: 2 }] })"
    retry 60 5 is_primary "$LOCAL" || die "this member did not become primary"
  fi
  admin_password=$(retry_network "reading the secret $ADMIN_PASSWORD_SECRET" secret_value "$ADMIN_PASSWORD_SECRET")
  rw_password=$(retry_network "reading the secret $RW_PASSWORD_SECRET" secret_value "$RW_PASSWORD_SECRET")
  ro_password=$(retry_network "reading the secret $RO_PASSWORD_SECRET" secret_value "$RO_PASSWORD_SECRET")
  if is_primary "$LOCAL"; then
    TOUCAN_USER="$ADMIN_USER" TOUCAN_PASSWORD="$admin_password" mongo_eval "$LOCAL" "$(
      cat <<'JS'
const admin = db.getSiblingDB("admin");
try {
  admin.auth(process.env.TOUCAN_USER, process.env.TOUCAN_PASSWORD);
} catch (error) {
  admin.createUser({ user: process.env.TOUCAN_USER, pwd: process.env.TOUCAN_PASSWORD, roles: ["root"] });
  print("created the admin user");
}
JS
    )"
  fi
  export TOUCAN_ADMIN_USER="$ADMIN_USER" TOUCAN_ADMIN_PASSWORD="$admin_password" TOUCAN_SEEDS="$seeds"
  export TOUCAN_RW_USER="$RW_USER" TOUCAN_RW_PASSWORD="$rw_password" TOUCAN_RW_ROLE="$RW_ROLE"
  export TOUCAN_RO_USER="$RO_USER" TOUCAN_RO_PASSWORD="$ro_password" TOUCAN_RO_ROLE="$RO_ROLE"
  export TOUCAN_ROLE_DB="$ROLE_DB"
  retry 30 10 mongosh --quiet --norc \\
    "mongodb://$seeds/admin?replicaSet=$REPLICA_SET&tls=true&tlsCAFile=$TLS_DIR/ca.pem" --eval "$(
      cat <<'JS'
const env = process.env;
const admin = db.getSiblingDB("admin");
admin.auth(env.TOUCAN_ADMIN_USER, env.TOUCAN_ADMIN_PASSWORD);
for (const host of env.TOUCAN_SEEDS.split(",")) {
  for (let attempt = 1; !rs.conf().members.some((m) => m.host === host); attempt++) {
    try {
      rs.add({ host });
      print("added " + host);
    } catch (error) {
      if (attempt >= 60) throw error;
      sleep(5000);
    }
  }
}
function ensureUser(user, pwd, role) {
  const roles = [{ role, db: env.TOUCAN_ROLE_DB }];
  if (admin.getUser(user)) admin.updateUser(user, { pwd, roles });
  else admin.createUser({ user, pwd, roles });
}
ensureUser(env.TOUCAN_RW_USER, env.TOUCAN_RW_PASSWORD, env.TOUCAN_RW_ROLE);
ensureUser(env.TOUCAN_RO_USER, env.TOUCAN_RO_PASSWORD, env.TOUCAN_RO_ROLE);
JS
    )" || die "cannot add the members or create the users"
}

bootstrap() {
  [[ "$(readlink -f "$0")" == "$SELF" ]] || install -m 0700 "$0" "$SELF"
  install_mongodb
  configure_mongod
  prepare
  systemctl restart mongod
  retry 60 5 answers "$LOCAL" || die "mongod does not answer: see journalctl -u mongod"
  if [[ -n $ADMIN_USER ]]; then configure_replica_set; fi
  log "member $MEMBER_INDEX ($SELF_HOST) is ready"
}

# Sourced (the tests): the functions only.
[[ "\${BASH_SOURCE[0]}" == "$0" ]] || return 0

case "\${1:-bootstrap}" in
  bootstrap) bootstrap ;;
  prepare) prepare ;;
  grow) grow_data_volume ;;
  *) die "usage: $0 [bootstrap|prepare|grow]" ;;
esac
`;
}
