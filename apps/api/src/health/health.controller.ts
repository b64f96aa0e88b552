import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import { Public } from '@csms/auth';
import { HealthService } from '@csms/common';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: database and queue backend (Redis, or PostgreSQL in embedded mode); 503 when one is down',
  })
  check() {
    return this.health.check();
  }
}
