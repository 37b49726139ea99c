/**
 * The quoted-number hint of argument errors reads the problem's own words, not the names it quotes: an
 * environment variable's value (`TOUCAN_REDIS_PORT: "6379"`) is a string by right.
 */
import { strict as assert } from "assert";
import { ToucanArgumentError } from "../components/core/errors";

const error = (value: unknown, problem: string) =>
  new ToucanArgumentError("C", "port", value, problem, "give 1-65535").message;
const HINT = " (it is a string: give the number without quotes)";

describe("argument errors: the quoted-number hint", () => {
  it("ignores words inside quoted names", () => {
    assert.equal(
      error("6379", "is written from `redis.port`"),
      'C: `port` is "6379": is written from `redis.port`. Fix: give 1-65535',
    );
  });

  it("still reads the words around them", () => {
    assert.equal(
      error("70000", "is outside `port`'s range"),
      `C: \`port\` is "70000": is outside \`port\`'s range${HINT}. Fix: give 1-65535`,
    );
  });
});
