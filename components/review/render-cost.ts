/** Text and Markdown renderings of a cost report and of a cost delta. */
import { shortType } from "./graph";
import { byComponent, CostDelta, CostLine, CostReport, sourcesOf } from "./cost";
import { PRICES_COMPILED } from "./prices";

const money = (n: number) => `$${n.toFixed(2)}`;
const signed = (n: number) => `${n >= 0 ? "+" : "-"}$${Math.abs(n).toFixed(2)}`;

function header(report: CostReport): string {
  return (
    `Monthly cost, ${report.region}, on-demand list prices of ${PRICES_COMPILED}: ${money(report.total)} ` +
    `(${money(report.fixed)} always-on + ${money(report.usage)} usage-priced, from assumed usage)`
  );
}

/** A component's lines, identical ones (same type, what and price) folded into one `N x` line. */
function folded(
  report: CostReport,
  component: string,
): { label: string; what: string; monthly: number; usage: boolean }[] {
  const groups = new Map<string, { names: string[]; line: CostLine }>();
  for (const l of report.lines.filter((x) => x.component === component)) {
    const key = `${l.type}|${l.what}|${l.monthly}`;
    const g = groups.get(key);
    if (g) g.names.push(l.resource);
    else groups.set(key, { names: [l.resource], line: l });
  }
  return [...groups.values()].map(({ names, line }) => ({
    label:
      names.length === 1
        ? `${shortType(line.type)} ${names[0]}`
        : `${names.length} x ${shortType(line.type)}`,
    what: line.what,
    monthly: line.monthly * names.length,
    usage: line.usage,
  }));
}

export function renderCostText(report: CostReport): string {
  if (!report.priced)
    return `Cost: no price table for region ${report.region} (us-east-1, eu-west-1, eu-west-3, eu-central-1).`;
  const lines = [header(report)];
  const components = byComponent(report);
  for (const [component, sum] of components) {
    lines.push(`  ${component.padEnd(40)} ${money(sum).padStart(10)}`);
    for (const l of folded(report, component))
      lines.push(`      ${money(l.monthly).padStart(9)}  ${l.usage ? "~" : " "} ${l.label}: ${l.what}`);
  }
  lines.push("  (~ = usage-priced: the assumption is on the line)");
  if (report.unpriced.length > 0) {
    lines.push("Not priced:");
    for (const u of report.unpriced)
      lines.push(`  ${shortType(u.type)} ${u.resource} [${u.component}]: ${u.why}`);
  }
  lines.push("Prices used:");
  for (const [key, price] of sourcesOf(report))
    lines.push(
      `  ${key}: $${price.usd} per ${price.unit}${price.estimate ? ` (estimate: ${price.estimate})` : ""} — ${price.source}`,
    );
  return lines.join("\n");
}

export function renderCostMarkdown(report: CostReport): string {
  if (!report.priced) return `### Cost\n\nNo price table for region ${report.region}.`;
  const lines = ["### Cost", "", `**${header(report)}**`, "", "| Component | Monthly |", "|---|---:|"];
  for (const [component, sum] of byComponent(report)) lines.push(`| ${component} | ${money(sum)} |`);
  lines.push(
    "",
    "<details><summary>Lines, assumptions and sources</summary>",
    "",
    "| Resource | What | Monthly |",
    "|---|---|---:|",
  );
  for (const component of byComponent(report).keys())
    for (const l of folded(report, component))
      lines.push(
        `| ${l.label} | ${l.usage ? "assumed: " : ""}${l.what.replace(/\|/g, "\\|")} | ${money(l.monthly)} |`,
      );
  if (report.unpriced.length > 0) {
    lines.push("", "Not priced:");
    for (const u of report.unpriced) lines.push(`- ${u.resource} (${shortType(u.type)}): ${u.why}`);
  }
  lines.push("", "Prices:");
  for (const [key, price] of sourcesOf(report))
    lines.push(
      `- \`${key}\` $${price.usd} per ${price.unit}${price.estimate ? ` (estimate: ${price.estimate})` : ""}: ${price.source}`,
    );
  lines.push("", "</details>");
  return lines.join("\n");
}

export function renderDeltaText(d: CostDelta): string {
  const lines = [
    `Monthly cost change: ${money(d.before.total)} -> ${money(d.after.total)} (${signed(d.delta)})`,
  ];
  for (const c of d.components)
    lines.push(
      `  ${c.component.padEnd(40)} ${money(c.before).padStart(10)} -> ${money(c.after).padStart(10)}  ${signed(c.delta)}`,
    );
  return lines.join("\n");
}

export function renderDeltaMarkdown(d: CostDelta): string {
  const lines = [
    `**Monthly cost change: ${money(d.before.total)} → ${money(d.after.total)} (${signed(d.delta)})**`,
  ];
  if (d.components.length > 0) {
    lines.push("", "| Component | Before | After | Change |", "|---|---:|---:|---:|");
    for (const c of d.components)
      lines.push(`| ${c.component} | ${money(c.before)} | ${money(c.after)} | ${signed(c.delta)} |`);
  }
  return lines.join("\n");
}
