/**
 * The Amazon RDS / DocumentDB CA bundle of a region, read when the program runs (`pulumi preview` and
 * `pulumi up`, on the machine that runs them) from AWS's trust store, then kept in Secrets Manager like
 * the community engine's CA: the backend's init container writes it from the secret, with no network
 * call at task start. The offline planner answers with a stand-in instead (no network at plan or test time).
 */
import * as https from "https";

export const BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

/** The regional Amazon RDS / DocumentDB CA bundle (AWS's trust store). */
export function documentDbCaBundleUrl(region: string): string {
  return `https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`;
}

/** GET `url` over HTTPS: 3 attempts, 30 s each, 2 s and 4 s apart; the body must hold a PEM certificate. */
export async function downloadCaBundle(url: string): Promise<string> {
  let last: Error | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const body = await get(url);
      if (!body.includes(BEGIN_CERTIFICATE)) throw new Error("the answer holds no PEM certificate");
      return body;
    } catch (error) {
      last = error as Error;
      if (attempt < 3) await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
    }
  }
  throw new Error(
    `could not read the DocumentDB CA bundle ${url} (${last?.message}); the machine running pulumi needs ` +
      "HTTPS access to truststore.pki.rds.amazonaws.com, or pass the bundle as `caPem`",
  );
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { timeout: 30_000 }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`HTTP ${response.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("timed out after 30 s")));
    request.on("error", reject);
  });
}

/** Where the program reads the bundle from; the offline planner (and tests) swap `read`. */
export const caBundleSource: { read: (url: string) => Promise<string> } = { read: downloadCaBundle };

/** The offline planner's answer: a well-formed stand-in naming the URL it replaces. */
export function plannedCaBundle(url: string): string {
  return `${BEGIN_CERTIFICATE}\nplanned: the bundle read from ${url} at deployment\n-----END CERTIFICATE-----\n`;
}
