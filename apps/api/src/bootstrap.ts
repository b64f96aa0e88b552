import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import {
  APP_CONFIG,
  AppConfig,
  ProblemDetailsFilter,
  createValidationPipe,
  loadConfig,
  useRequestLogging,
} from '@csms/common';
import { ApiModule, ApiModuleOptions } from './api.module';
import { requestTimeout } from './http/request-timeout';
import { RateLimiter, startRateLimit } from './http/rate-limit.guard';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('CSMS API')
    .setDescription(
      'Multi-tenant Charging Station Management System. Authenticate with `Authorization: Bearer <token>` ' +
        '(a user token from /api/v1/auth/login or an API key) or `X-API-Key: <key>`. Errors are RFC 9457 ' +
        'problem details with a stable `code`.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'User token or API key' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api_key')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Everything main.ts applies to the app, shared with the end-to-end tests so they run the real thing. */
export function configureApiApp(app: NestExpressApplication): void {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.disable('x-powered-by');
  // No ETag: API answers are not cached by clients, and hashing every body costs CPU on every request.
  app.set('etag', false);
  // First, so that every answer carries its request id and is logged, refusals included.
  useRequestLogging(app);
  // Next, so that the rate limits' round trip overlaps the rest of the middleware and the routing.
  app.use(startRateLimit(app.get(RateLimiter)));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:', 'https:'] },
      },
    }),
  );
  app.enableCors({
    origin: config.api.corsOrigins === '*' ? true : config.api.corsOrigins,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'Location'],
  });
  app.use(requestTimeout(config.api.requestTimeoutMs));
  app.useBodyParser('json', { limit: config.api.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.api.bodyLimit, extended: false });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'CSMS API',
  });
}

/**
 * Express on a Node server that cuts off slow clients: the headers and the whole request must arrive
 * within API_CLIENT_TIMEOUT_MS (Node answers 408 and closes the connection). The connection checker
 * runs at a quarter of that, so short limits hold (it is armed when the server starts listening).
 */
class TimedExpressAdapter extends ExpressAdapter {
  constructor(private readonly clientTimeoutMs: number) {
    super();
  }

  override initHttpServer(options: Parameters<ExpressAdapter['initHttpServer']>[0]): void {
    super.initHttpServer(options);
    const server = this.httpServer as Server & { connectionsCheckingInterval: number };
    const timeout = this.clientTimeoutMs;
    server.requestTimeout = timeout;
    server.headersTimeout = timeout;
    server.connectionsCheckingInterval = Math.min(Math.max(Math.floor(timeout / 4), 50), 30_000);
  }
}

export async function createApiApp(options: ApiModuleOptions = {}): Promise<NestExpressApplication> {
  const config = options.config ?? loadConfig({ ...process.env, ...options.env });
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.forRoot({ config }),
    new TimedExpressAdapter(config.api.clientTimeoutMs),
    { bufferLogs: true, bodyParser: false },
  );
  configureApiApp(app);
  return app;
}
