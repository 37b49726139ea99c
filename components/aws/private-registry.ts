/**
 * What a stack whose private subnets have no NAT (`nat: "none"`) needs of its images: each one in a
 * private ECR registry of the stack's own region, the only registry the VPC's `ecr.api` / `ecr.dkr`
 * interface endpoints reach (the layers come from S3 through the gateway endpoint).
 */

/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>...`: a private ECR registry. */
const PRIVATE_ECR = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\/[^/]/;

/**
 * Why a task in a VPC without NAT cannot pull `image` (it is not in a private ECR registry of `region`),
 * or undefined when it can.
 */
export function noNatImageProblem(image: string, region: string | undefined): string | undefined {
  const match = PRIVATE_ECR.exec(image);
  if (!match) {
    const registry =
      image.includes("/") && /[.:]/.test(image.split("/")[0]) ? image.split("/")[0] : "docker.io";
    return `is pulled from ${registry}, which a network with \`nat: "none"\` cannot reach (only ECR through its VPC endpoints)`;
  }
  if (region !== undefined && match[2] !== region) {
    return `is in ECR of ${match[2]}, but the VPC's ECR endpoints reach only the registry of ${region}`;
  }
  return undefined;
}

/** The fix to print with {@link noNatImageProblem}. */
export function noNatImageFix(image: string, region: string | undefined): string {
  const repository = image.replace(/^[^/]*[.:][^/]*\//, "");
  const target = `<account>.dkr.ecr.${region ?? "<region>"}.amazonaws.com/${repository}`;
  return `mirror it (README: No NAT (private registries)), e.g. \`crane copy ${image} ${target}\`, and give the mirror's reference`;
}
