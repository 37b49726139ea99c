import { strict as assert } from "assert";
import type { Recording } from "../../components/planner/recorder";
import { redact } from "../../components/planner/values";

/** What the engine would do between two recordings of one stack, per URN. */
export interface StackChange {
  /** URNs only in the new recording: created. */
  created: string[];
  /** URNs only in the old recording: deleted (after every create and update). */
  deleted: string[];
  /** URNs in both whose inputs differ: the input names that changed. */
  changed: Record<string, string[]>;
}

/**
 * Compares two recordings of the same program (ids and ARNs in recordings derive from each resource's type
 * and name, so an unchanged resource records the same inputs).
 */
export function compareRecordings(before: Recording, after: Recording): StackChange {
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  const now = new Map(after.resources.map((r) => [r.urn, r]));
  const changed: Record<string, string[]> = {};
  for (const [urn, r] of now) {
    const was = old.get(urn);
    if (!was) continue;
    const a = redact(was.inputs) as Record<string, unknown>;
    const b = redact(r.inputs) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => k !== "__provider" && JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    );
    if (keys.length > 0) changed[urn] = keys.sort();
  }
  return {
    created: [...now.keys()].filter((u) => !old.has(u)).sort(),
    deleted: [...old.keys()].filter((u) => !now.has(u)).sort(),
    changed,
  };
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
