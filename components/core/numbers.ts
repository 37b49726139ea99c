/** Whether `value` is a whole number between `min` and `max` (inclusive): a count, a port, a size in GiB. */
export function isIntegerIn(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** Whether `value` is a TCP port number (1-65535). */
export function isPort(value: unknown): value is number {
  return isIntegerIn(value, 1, 65535);
}
