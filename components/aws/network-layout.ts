/**
 * Where each subnet of the Network goes. Pure: the tests call it with tables of cases.
 *
 * The VPC block is cut into equal slots of `subnetPrefixLength`. Each tier owns a fixed range of slots
 * and each AZ a fixed slot in it, so a subnet's CIDR depends only on (tier, AZ index): adding an AZ
 * or a tier never renumbers an existing subnet.
 *   private tier: slots [0, half)          AZ i -> slot i
 *   public tier:  slots [half, half + q)   AZ i -> slot half + i   (q = a quarter of the slots)
 *   the last quarter stays free for a future tier (e.g. isolated database subnets).
 */
import { Cidr, formatCidr, parseCidr, subBlock } from "../core/cidr";

export type SubnetTier = "private" | "public";

export interface SubnetPlan {
  tier: SubnetTier;
  azIndex: number;
  cidrBlock: string;
}

/** Default size of each subnet: 16 slots in the VPC block (a /20 in a /16), never smaller than /28. */
export function defaultSubnetPrefix(vpcPrefix: number): number {
  return Math.min(vpcPrefix + 4, 28);
}

/** How many AZs a tier can hold at this size. */
export function maxAzs(vpcPrefix: number, subnetPrefix: number): number {
  const slots = 2 ** (subnetPrefix - vpcPrefix);
  return Math.floor(slots / 4);
}

function slotOf(tier: SubnetTier, azIndex: number, slots: number): number {
  return tier === "private" ? azIndex : slots / 2 + azIndex;
}

/** The CIDR of one subnet. Throws a RangeError when the layout has no room for it. */
export function subnetCidr(vpc: Cidr, subnetPrefix: number, tier: SubnetTier, azIndex: number): string {
  const slots = 2 ** (subnetPrefix - vpc.prefix);
  if (azIndex >= maxAzs(vpc.prefix, subnetPrefix)) {
    throw new RangeError(
      `no room for AZ #${azIndex + 1} in ${formatCidr(vpc)} with /${subnetPrefix} subnets`,
    );
  }
  return formatCidr(subBlock(vpc, subnetPrefix, slotOf(tier, azIndex, slots)));
}

/** Every subnet of a layout, private ones first. */
export function planSubnets(
  vpcCidr: string,
  azCount: number,
  subnetPrefix?: number,
  tiers: SubnetTier[] = ["private", "public"],
): SubnetPlan[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new RangeError(`${vpcCidr} is not an IPv4 CIDR block`);
  const prefix = subnetPrefix ?? defaultSubnetPrefix(vpc.prefix);
  const out: SubnetPlan[] = [];
  for (const tier of tiers) {
    for (let i = 0; i < azCount; i++)
      out.push({ tier, azIndex: i, cidrBlock: subnetCidr(vpc, prefix, tier, i) });
  }
  return out;
}
