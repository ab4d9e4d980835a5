import { SkiffError } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { normalizeCron } from "./normalize-cron.js";

describe("normalizeCron: accepted expressions", () => {
  // [Cloudflare-dialect input, node-cron expression with the same meaning, why]
  const cases: [string, string, string][] = [
    ["*/5 * * * *", "*/5 * * * *", "every 5 minutes"],
    ["* * * * *", "* * * * *", "every minute"],
    ["0 0 1 * *", "0 0 1 * *", "midnight on the 1st"],
    ["0 9 * * MON-FRI", "0 9 * * 1-5", "weekday names become node-cron numbers"],
    ["0 9 * * 1-5", "0 9 * * 0-4", "Cloudflare 1-5 is Sunday-Thursday, node-cron 0-4"],
    ["0 9 * * 2-6", "0 9 * * 1-5", "Cloudflare's Monday-Friday in numbers"],
    ["0 0 * * 1", "0 0 * * 0", "1 is Sunday in Cloudflare"],
    ["0 0 * * 7", "0 0 * * 6", "7 is Saturday in Cloudflare (Sunday in node-cron)"],
    ["0 0 * * SUN", "0 0 * * 0", "SUN"],
    ["0 0 * * sat", "0 0 * * 6", "lower-case names"],
    ["0 0 * * Mon,wEd,FRI", "0 0 * * 1,3,5", "mixed-case names in a list"],
    ["0 0 * * MON-FRI,SUN", "0 0 * * 1-5,0", "range and name in one list"],
    ["0 0 * * 2,6-7", "0 0 * * 1,5-6", "numbers in a list and a range, shifted"],
    ["0 0 * * */2", "0 0 * * */2", "every other day from Sunday means the same in both"],
    ["0 0 * * 2/2", "0 0 * * 1-6/2", "Quartz v/s: Monday, Wednesday, Friday"],
    ["0 0 * * MON-FRI/2", "0 0 * * 1-5/2", "stepped name range"],
    ["0 0 * jan-mar,Oct *", "0 0 * 1-3,10 *", "month names in any case, in a list and a range"],
    ["0 0 * JAN-DEC/3 *", "0 0 * 1-12/3 *", "stepped month-name range"],
    ["0 12 1 feb,AUG *", "0 12 1 2,8 *", "month names in a list"],
    ["*/15,7 1-5/2 * * *", "*/15,7 1-5/2 * * *", "steps mixed with values"],
    ["5/15 * * * *", "5-59/15 * * * *", "Quartz v/s becomes an explicit range"],
    ["59/5 * * * *", "59 * * * *", "a step starting at the field's end is one value"],
    ["10-10/5 * * * *", "10 * * * *", "a one-value range"],
    ["0 0 */10 * *", "0 0 */10 * *", "day-of-month steps"],
    ["0 0 L * *", "0 0 L * *", "last day of the month"],
    ["0 0 l * *", "0 0 L * *", "L in any case"],
    ["0 0 LW * *", "0 0 LW * *", "last weekday of the month"],
    ["0 0 L-3 * *", "0 0 L-3 * *", "three days before the last"],
    ["0 0 15W * *", "0 0 15W * *", "weekday nearest the 15th"],
    ["0 0 1w * *", "0 0 1W * *", "W in any case"],
    ["0 0 * * 6L", "0 0 * * 5L", "Cloudflare 6 = Friday: the last Friday"],
    ["0 0 * * FRIL", "0 0 * * 5L", "last Friday by name"],
    ["0 0 * * MON#2", "0 0 * * 1#2", "second Monday"],
    ["0 0 * * 1#5", "0 0 * * 0#5", "fifth Sunday (Cloudflare 1 = Sunday)"],
    ["0 0 ? * MON", "0 0 * * 1", "Quartz ? in day-of-month"],
    ["0 0 15 * ?", "0 0 15 * *", "Quartz ? in day-of-week"],
    ["0 0 29 2 *", "0 0 29 2 *", "29 February runs in leap years"],
    ["0 0 L-28 FEB *", "0 0 L-28 2 *", "1 February in leap years"],
    ["  0   9 *\t* *  ", "0 9 * * *", "whitespace trimmed and collapsed"],
    ["00 09 * * *", "0 9 * * *", "leading zeros"],
  ];

  it.each(cases)("%s → %s (%s)", (input, expected) => {
    expect(normalizeCron(input)).toEqual({ expression: expected });
  });
});

describe("normalizeCron: refused expressions", () => {
  // [input, field named in details (undefined: the expression as a whole), words the message must contain]
  const cases: [string, string | undefined, RegExp][] = [
    // field counts
    ["", undefined, /is empty, expected 5 fields/],
    ["   ", undefined, /is empty/],
    ["* * * *", undefined, /has 4 fields, expected 5/],
    ["0 * * * * *", undefined, /has 6 fields.*seconds.*not supported/],
    ["0 0 12 * * ? 2026", undefined, /has 7 fields/],
    ["@daily", undefined, /nicknames.*"0 0 \* \* \*"/],
    ["@reboot", undefined, /nicknames such as @daily are not supported/],
    // out of range
    ["60 * * * *", "minute", /"60": 60 is out of range, expected 0-59/],
    ["0 24 * * *", "hour", /24 is out of range, expected 0-23/],
    ["0 0 0 * *", "day-of-month", /0 is out of range/],
    ["0 0 32 * *", "day-of-month", /32 is out of range/],
    ["0 0 * 0 *", "month", /0 is out of range, expected 1-12 or JAN-DEC/],
    ["0 0 * 13 *", "month", /13 is out of range/],
    ["0 0 * * 8", "day-of-week", /8 is out of range.*1 = Sunday/],
    ["0 0 * * 0", "day-of-week", /0 is not a day here.*1 \(Sunday\) to 7 \(Saturday\)/],
    ["0 0 * * 0-4", "day-of-week", /0 is not a day here/],
    ["5-70 * * * *", "minute", /70 is out of range/],
    // steps
    ["*/0 * * * *", "minute", /step after "\/" must be a number from 1 to 59/],
    ["*/60 * * * *", "minute", /from 1 to 59/],
    ["0 */24 * * *", "hour", /from 1 to 23/],
    ["0 0 * * */7", "day-of-week", /from 1 to 6/],
    ["*/x * * * *", "minute", /step after "\/"/],
    // garbage
    ["hello world foo bar baz", "minute", /"hello" is not valid, expected 0-59/],
    ["0 0 * JANUARY *", "month", /"JANUARY" is not valid, expected 1-12 or JAN-DEC/],
    ["0 0 * * MONDAY", "day-of-week", /"MONDAY" is not valid/],
    ["0 0 * * MON-", "day-of-week", /"" is not valid/],
    ["1,,2 * * * *", "minute", /empty list item/],
    ["-1 * * * *", "minute", /"-1" is not valid/],
    ["1-2-3 * * * *", "minute", /"2-3" is not valid/],
    ["0 0 * JAN *x", "day-of-week", /is not valid/],
    ["1,* * * * *", "minute", /"\*" already means every value/],
    ["? * * * *", "minute", /"\?" is only allowed as the whole day-of-month or day-of-week/],
    ["0 0 * ? *", "month", /"\?" is only allowed/],
    // wrap-around ranges
    ["22-2 * * * *", "minute", /runs backwards.*"22-59,0-2"/],
    ["0 22-2 * * *", "hour", /"22-23,0-2"/],
    ["0 0 * * FRI-MON", "day-of-week", /runs backwards.*"FRI-SAT,SUN-MON"/],
    ["0 0 * * 6-2", "day-of-week", /"6-7,1-2"/],
    ["50-10/5 * * * *", "minute", /runs backwards.*as a list/],
    // L, W, #
    ["0 0 L-3W * *", "day-of-month", /"L-3W".*not supported/],
    ["0 0 L-0 * *", "day-of-month", /offset after L- must be 1-30/],
    ["0 0 L-31 * *", "day-of-month", /1-30/],
    ["0 0 0W * *", "day-of-month", /day before W must be 1-31/],
    ["0 0 32W * *", "day-of-month", /1-31/],
    ["0 0 1-5W * *", "day-of-month", /"5W" is not valid/],
    ["0 0 1,L * *", "day-of-month", /"L" must be the whole field/],
    ["0 0 15W,L * *", "day-of-month", /"15W" must be the whole field/],
    ["0 0 1,? * *", "day-of-month", /"\?" must be the whole field/],
    ["0 0 * * L", "day-of-week", /"L" alone means Saturday.*SAT.*FRIL/],
    ["0 0 * * 0L", "day-of-week", /0 is not a day here/],
    ["0 0 * * 8L", "day-of-week", /8 is out of range/],
    ["0 0 * * MON#0", "day-of-week", /occurrence after # must be 1-5/],
    ["0 0 * * MON#6", "day-of-week", /occurrence after # must be 1-5/],
    ["0 0 * * MON#2,FRI", "day-of-week", /"MON#2" must be the whole field/],
    ["0 0 * * 1,6L", "day-of-week", /"6L" must be the whole field/],
    // day-of-month and day-of-week together
    ["0 0 1 * MON", undefined, /both day-of-month \("1"\) and day-of-week \("MON"\).*either.*both/],
    ["0 0 */1 * MON", undefined, /both day-of-month/],
    ["0 0 L * FRIL", undefined, /both day-of-month/],
    // never runs
    ["0 0 31 4 *", "day-of-month", /never runs: day-of-month "31" does not occur in month "4"/],
    ["0 0 30,31 FEB *", "day-of-month", /never runs/],
    ["0 0 31W APR,JUN *", "day-of-month", /never runs/],
    ["0 0 L-29 2 *", "day-of-month", /never runs/],
  ];

  it.each(cases)("%j is refused (%s)", (input, field, message) => {
    let caught: unknown;
    try {
      normalizeCron(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SkiffError);
    const error = caught as SkiffError;
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^cron "/);
    expect(error.message).toMatch(message);
    expect(error.details).toEqual(
      field === undefined ? { cron: expect.any(String) } : { cron: expect.any(String), field },
    );
  });

  it("refuses input that is not a string", () => {
    expect(() => normalizeCron(5 as unknown as string)).toThrow(/must be a string/);
  });

  it("refuses absurdly long input without echoing all of it", () => {
    const long = `${"1,".repeat(200)}2 * * * *`;
    expect(() => normalizeCron(long)).toThrow(/longer than 256 characters/);
    try {
      normalizeCron(long);
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(120);
    }
  });
});
