/**
 * Deterministic forecasts for the local origin and the benchmark: the same city and date always give the same
 * bytes, so tests can compare responses and benchmark runs use identical data.
 *
 * Size is realistic: the write-ups' cache table held 276 cities in 4.4 MB (~16 KB a city); 84 hourly points
 * (three and a half days) serialize to about that.
 */

export interface HourlyPoint {
  time: string;
  tempC: number;
  feelsLikeC: number;
  precipMm: number;
  precipProbability: number;
  windKph: number;
  windDirDeg: number;
  humidity: number;
  pressureHpa: number;
  condition: string;
}

export interface Forecast {
  cityId: string;
  /** UTC date (YYYY-MM-DD) the forecast was issued for. */
  issuedFor: string;
  latitude: number;
  longitude: number;
  hourly: HourlyPoint[];
}

const CONDITIONS = ["clear", "partly-cloudy", "cloudy", "fog", "drizzle", "rain", "heavy-rain", "thunderstorm", "snow"] as const;

/** FNV-1a: a fast, well-spread 32-bit hash of the seed string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny seeded PRNG; quality is irrelevant here, determinism is the point. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// `|| 0` turns -0 into 0: JSON has no negative zero, so a forecast must not hold one.
const round1 = (n: number) => Math.round(n * 10) / 10 || 0;

export function generateForecast(cityId: string, issuedFor: string, hours = 84): Forecast {
  const rand = prng(hash(`${cityId}|${issuedFor}`));
  const latitude = round1(rand() * 140 - 70);
  const longitude = round1(rand() * 360 - 180);
  const baseTemp = 25 - Math.abs(latitude) * 0.45 + rand() * 6;
  const start = Date.parse(`${issuedFor}T00:00:00Z`);
  const hourly: HourlyPoint[] = [];
  for (let h = 0; h < hours; h++) {
    const daily = Math.sin(((h % 24) - 9) * (Math.PI / 12)) * 5;
    const tempC = round1(baseTemp + daily + (rand() - 0.5) * 3);
    const precipProbability = Math.round(rand() * 100);
    const precipMm = precipProbability > 60 ? round1(rand() * 8) : 0;
    hourly.push({
      time: new Date(start + h * 3_600_000).toISOString(),
      tempC,
      feelsLikeC: round1(tempC - rand() * 3),
      precipMm,
      precipProbability,
      windKph: round1(rand() * 40),
      windDirDeg: Math.round(rand() * 359),
      humidity: Math.round(40 + rand() * 60),
      pressureHpa: Math.round(995 + rand() * 35),
      condition: CONDITIONS[Math.floor(rand() * CONDITIONS.length)]!,
    });
  }
  return { cityId, issuedFor, latitude, longitude, hourly };
}

/** Today's UTC date as YYYY-MM-DD. */
export function utcDate(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
