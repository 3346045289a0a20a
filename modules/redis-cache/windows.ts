/**
 * ElastiCache maintenance and snapshot windows (UTC): parsing, length and overlap.
 *
 * Maintenance windows are weekly (`sun:05:00-sun:06:00`), snapshot windows daily (`03:00-04:00`). AWS wants each
 * at least 60 minutes long, a maintenance window at most 24 hours, and the two never overlapping; checking here
 * turns an apply-time InvalidParameterCombination into a synth-time message.
 */

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const WEEK = 7 * 24 * 60;
const DAY = 24 * 60;

const TIME = "([01]\\d|2[0-3]):([0-5]\\d)";
const MAINTENANCE_RE = new RegExp(`^(${DAYS.join("|")}):${TIME}-(${DAYS.join("|")}):${TIME}$`);
const SNAPSHOT_RE = new RegExp(`^${TIME}-${TIME}$`);
const DAILY_TIME_RE = new RegExp(`^${TIME}$`);

/** A window as a start minute on a circle (week or day) and a length in minutes. */
export interface Window {
  readonly start: number;
  readonly minutes: number;
}

export function parseMaintenanceWindow(text: string): Window | undefined {
  const m = MAINTENANCE_RE.exec(text.toLowerCase());
  if (!m) return undefined;
  const start = DAYS.indexOf(m[1] as (typeof DAYS)[number]) * DAY + Number(m[2]) * 60 + Number(m[3]);
  const end = DAYS.indexOf(m[4] as (typeof DAYS)[number]) * DAY + Number(m[5]) * 60 + Number(m[6]);
  return { start, minutes: (end - start + WEEK) % WEEK };
}

export function parseSnapshotWindow(text: string): Window | undefined {
  const m = SNAPSHOT_RE.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  return { start, minutes: (end - start + DAY) % DAY };
}

export function isDailyTime(text: string): boolean {
  return DAILY_TIME_RE.test(text);
}

/** Whether a daily snapshot window overlaps a weekly maintenance window on any day of the week. */
export function windowsOverlap(maintenance: Window, snapshot: Window): boolean {
  for (let day = 0; day < 7; day++) {
    if (circularOverlap(maintenance, { start: day * DAY + snapshot.start, minutes: snapshot.minutes }, WEEK)) return true;
  }
  return false;
}

function circularOverlap(a: Window, b: Window, circle: number): boolean {
  const aToB = (((b.start - a.start) % circle) + circle) % circle;
  const bToA = (((a.start - b.start) % circle) + circle) % circle;
  return aToB < a.minutes || bToA < b.minutes;
}
