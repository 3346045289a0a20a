/** A clock tests move by hand; starts at the real time so Redis TTLs derived from it are sensible. */
export class ManualClock {
  constructor(public now: number = Date.now()) {}

  readonly read = (): number => this.now;

  advance(ms: number): void {
    this.now += ms;
  }
}
