import { Injectable } from '@nestjs/common';

/**
 * The one source of time. Production reads the system clock; tests move it forward with
 * `advance`/`set` instead of sleeping (expiries, timeouts), also inside the app under test.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
