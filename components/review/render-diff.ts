/** Text (terminal) and Markdown (pull-request comment) renderings of a plan diff. */
import { shortType } from "./graph";
import type { Action, InputChange, PlanDiff, ResourceChange } from "./plan-diff";

const ORDER: Action[] = ["replace", "delete", "create", "update"];
const SYMBOL: Record<Action, string> = { create: "+", update: "~", replace: "+-", delete: "-" };

function text(value: unknown): string {
  if (value === undefined) return "(unset)";
  return (typeof value === "string" ? value : JSON.stringify(value)).replace(/\s+/g, " ");
}

/** Both values around their first difference, so a long document shows what changed. */
export function changeSnippet(before: unknown, after: unknown, width = 40): [string, string] {
  const [a, b] = [text(before), text(after)];
  if (a.length <= width && b.length <= width) return [a, b];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const start = Math.max(0, i - 12);
  const cut = (s: string) =>
    (start > 0 ? "..." : "") + s.slice(start, start + width) + (s.length > start + width ? "..." : "");
  return [cut(a), cut(b)];
}

function inputText(c: InputChange): string {
  if (c.fromReplaced) return `${c.property} (new id of ${c.fromReplaced.split("::").pop()})`;
  const [a, b] = changeSnippet(c.before, c.after);
  return `${c.property}: ${a} -> ${b}`;
}

function sorted(diff: PlanDiff): ResourceChange[] {
  return [...diff.changes].sort(
    (a, b) =>
      ORDER.indexOf(a.action) - ORDER.indexOf(b.action) ||
      a.component.localeCompare(b.component) ||
      a.name.localeCompare(b.name),
  );
}

export function summaryLine(diff: PlanDiff): string {
  const count = (a: Action) => diff.changes.filter((c) => c.action === a).length;
  return (
    `${count("create")} to create, ${count("update")} to update, ${count("replace")} to replace, ` +
    `${count("delete")} to delete, ${diff.unchanged} unchanged`
  );
}

function forcedText(c: ResourceChange): string {
  return c.forcedBy.map((f) => (f.note ? `${f.property} (${f.note})` : f.property)).join(", ");
}

export function renderDiffText(diff: PlanDiff): string {
  const lines = [`Plan diff: ${summaryLine(diff)}`];
  if (diff.flags.length > 0) {
    lines.push("", "Review:");
    for (const f of diff.flags) lines.push(`  [${f.kind}] ${f.message}`);
  }
  for (const n of diff.notes) lines.push(`  [note] ${n}`);
  if (diff.changes.length > 0) lines.push("", "Changes:");
  for (const c of sorted(diff)) {
    let line = `  ${SYMBOL[c.action].padEnd(2)} ${c.action.padEnd(7)} ${shortType(c.type)} ${c.name}  [${c.component}]`;
    if (c.action === "replace") line += `  forced by ${forcedText(c)}`;
    if (c.unknownType) line += "  (type without replacement rule: may replace)";
    lines.push(line);
    if (c.action === "update" || c.action === "replace")
      for (const ch of c.changes) lines.push(`        ${inputText(ch)}`);
  }
  return lines.join("\n");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderDiffMarkdown(diff: PlanDiff): string {
  const lines = [`### Plan diff`, "", `**${summaryLine(diff)}**`, ""];
  if (diff.flags.length > 0) {
    lines.push("#### Needs a reviewer's decision", "");
    for (const f of diff.flags) lines.push(`- **${f.kind}**: ${cell(f.message)}`);
    lines.push("");
  } else lines.push("Nothing stateful, protected, redundant, public, opened or DNS-related is touched.", "");
  for (const n of diff.notes) lines.push(`- note: ${cell(n)}`);
  if (diff.notes.length > 0) lines.push("");
  if (diff.changes.length === 0) return lines.join("\n");
  lines.push(
    "<details><summary>Resources</summary>",
    "",
    "| | Action | Resource | Type | Component | Changed inputs | Forced by |",
    "|---|---|---|---|---|---|---|",
  );
  for (const c of sorted(diff)) {
    const changed = c.changes.map((ch) => `\`${cell(inputText(ch))}\``).join("<br>");
    lines.push(
      `| \`${SYMBOL[c.action]}\` | ${c.action} | ${cell(c.name)} | ${shortType(c.type)} | ${cell(c.component)} | ${changed} | ${cell(forcedText(c))} |`,
    );
  }
  lines.push("", "</details>");
  return lines.join("\n");
}
