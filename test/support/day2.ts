import { strict as assert } from "assert";
import type { Recording } from "../../components/planner/recorder";
import { redact } from "../../components/planner/values";

/** What the engine would do between two recordings of one stack, per URN. */
export interface StackChange {
  /** URNs only in the new recording: created. */
  created: string[];
  /** URNs only in the old recording: deleted (after every create and update). */
  deleted: string[];
  /** URNs in both (or renamed through an alias) whose inputs differ: the input names that changed. */
  changed: Record<string, string[]>;
  /** New URN -> the old URN whose state it takes over through an alias (no replacement). */
  moved: Record<string, string>;
}

/**
 * Compares two recordings of the same program (ids and ARNs in recordings derive from each resource's type
 * and name, so an unchanged resource records the same inputs).
 */
export function compareRecordings(before: Recording, after: Recording): StackChange {
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  const now = new Map(after.resources.map((r) => [r.urn, r]));
  // The engine matches a new resource to old state under its own URN first, then under its aliases.
  const moved: Record<string, string> = {};
  const oldByCanonical = new Map(before.resources.map((r) => [canonicalUrn(r.urn), r.urn]));
  const nowCanonical = new Set(after.resources.map((r) => canonicalUrn(r.urn)));
  for (const [urn, r] of now) {
    if (old.has(urn)) continue;
    const from = (r.aliasUrns ?? [])
      .map(canonicalUrn)
      .find((a) => oldByCanonical.has(a) && !nowCanonical.has(a));
    if (from) moved[urn] = oldByCanonical.get(from)!;
  }
  const adopted = new Set(Object.values(moved));
  const changed: Record<string, string[]> = {};
  for (const [urn, r] of now) {
    const was = old.get(urn) ?? (moved[urn] ? old.get(moved[urn]) : undefined);
    if (!was) continue;
    const a = redact(was.inputs) as Record<string, unknown>;
    const b = redact(r.inputs) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => k !== "__provider" && JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    );
    if (keys.length > 0) changed[urn] = keys.sort();
  }
  return {
    created: [...now.keys()].filter((u) => !old.has(u) && !moved[u]).sort(),
    deleted: [...old.keys()].filter((u) => !now.has(u) && !adopted.has(u)).sort(),
    changed,
    moved,
  };
}

/**
 * A URN reduced to what both spellings agree on: the recording's (the parent's last type) and the engine's
 * (the parent's whole type chain, as `pulumi.createUrn` writes it), the root stack's type dropped.
 */
export function canonicalUrn(urn: string): string {
  const [head, project, qualified, ...name] = urn.split("::");
  const types = qualified.split("$").filter((t) => t !== "pulumi:pulumi:Stack");
  return [head, project, types.slice(-2).join("$"), ...name].join("::");
}

/** The `name` part of each URN (`...::name`), for readable assertions. */
export function names(urns: string[]): string[] {
  return urns.map((u) => u.split("::").pop()!).sort();
}

/** THEN nothing of these types is created, deleted or changed. */
export function assertUntouched(change: StackChange, typeFragment: string): void {
  const touched = [...change.created, ...change.deleted, ...Object.keys(change.changed)].filter((u) =>
    u.includes(typeFragment),
  );
  assert.deepEqual(touched, [], `${typeFragment} resources would change`);
}
