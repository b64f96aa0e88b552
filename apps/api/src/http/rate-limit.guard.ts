import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { extractToken } from '@csms/auth';

/** Rate limits per credential when one is sent, otherwise per client address. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const token = extractToken(req as never);
    if (token) return `cred:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
    return `ip:${req.ip}`;
  }
}
