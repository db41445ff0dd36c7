/** The one place that reads the wall clock; everything time-dependent takes a Clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = {
  now: () => new Date(),
};

/** A clock that only moves when told to, for tests and simulations. */
export class ManualClock implements Clock {
  #current: number;

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.#current = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.#current);
  }

  advance(ms: number): void {
    this.#current += ms;
  }

  set(to: Date): void {
    this.#current = to.getTime();
  }
}
