import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync } from 'node:fs';
import { Logger } from 'nestjs-pino';
import { AppConfig, ProblemDetailsFilter, loadConfig, useRequestLogging } from '@csms/common';
import { GatewayModule, GatewayModuleOptions } from './gateway.module';

/** With OCPP_TLS_CERT_FILE and OCPP_TLS_KEY_FILE the gateway serves wss:// itself (security profile 2). */
function httpsOptions(config: AppConfig): { cert: Buffer; key: Buffer } | undefined {
  const { tlsCertFile, tlsKeyFile } = config.gateway;
  if (!tlsCertFile || !tlsKeyFile) return undefined;
  return { cert: readFileSync(tlsCertFile), key: readFileSync(tlsKeyFile) };
}

export async function createGatewayApp(options: GatewayModuleOptions = {}): Promise<NestExpressApplication> {
  const config = options.config ?? loadConfig({ ...process.env, ...options.env });
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot({ config }), {
    bufferLogs: true,
    httpsOptions: httpsOptions(config),
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  useRequestLogging(app);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  return app;
}
