/** `npm run mutate`'s own logic: Stryker's score, and forgetting undetected mutants so a rerun retests them. */
import { strict as assert } from "assert";
import { forgetUndetected, summarize } from "../tools/mutate";

const mutant = (status: string, line: number) => ({
  status,
  mutatorName: "Regex",
  location: { start: { line, column: 1 } },
});

describe("npm run mutate", () => {
  it("scores detected (killed, timed out) over valid mutants, compile errors left out", () => {
    const summary = summarize({
      files: {
        "a.ts": {
          mutants: [
            mutant("Killed", 1),
            mutant("Timeout", 2),
            mutant("Survived", 3),
            mutant("NoCoverage", 4),
            mutant("CompileError", 5),
          ],
        },
      },
    });
    assert.equal(summary.score, 50);
    assert.deepEqual(
      summary.survivors.map((s) => s.line),
      [3, 4],
    );
  });

  it("--retest-undetected drops survivors and uncovered mutants, keeps the rest", () => {
    const report = {
      files: {
        "a.ts": { mutants: [mutant("Killed", 1), mutant("Survived", 2), mutant("NoCoverage", 3)] },
        "b.ts": { mutants: [mutant("Timeout", 1), mutant("CompileError", 2)] },
      },
    };
    assert.equal(forgetUndetected(report), 2);
    assert.deepEqual(
      Object.values(report.files).map((f) => f.mutants.map((m) => m.status)),
      [["Killed"], ["Timeout", "CompileError"]],
    );
  });
});
