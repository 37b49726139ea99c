import { strict as assert } from "assert";
import type { Recording, RecordedResource } from "../../components/planner/recorder";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

/**
 * THEN the group has no inline rules, its only ingress is `port`/tcp from exactly `clients` (one
 * rule per client group, no CIDR), and no egress rule exists in the recording.
 */
export function assertAdmitsOnly(
  recording: Recording,
  group: RecordedResource,
  port: number,
  clients: string[],
): void {
  assert.equal(group.inputs.ingress, undefined, "no inline rules");
  assert.equal(group.inputs.egress, undefined, "no inline rules");
  const rules = recording.byType(INGRESS);
  assert.deepEqual(rules.map((r) => r.inputs.referencedSecurityGroupId).sort(), [...clients].sort());
  for (const rule of rules) {
    assert.equal(rule.inputs.securityGroupId, group.outputs.id);
    assert.equal(rule.inputs.ipProtocol, "tcp");
    assert.equal(rule.inputs.fromPort, port);
    assert.equal(rule.inputs.toPort, port);
    assert.equal(rule.inputs.cidrIpv4, undefined);
  }
  assert.deepEqual(recording.byType(EGRESS), []);
}
