import { register } from 'tsconfig-paths';
import { compilerOptions } from '../../tsconfig.json';

// Global setup runs outside jest's module mapper: resolve the @csms/* aliases the way tsc does.
register({ baseUrl: `${__dirname}/../..`, paths: compilerOptions.paths });

/** Creates this run's template database and migrates it once; each test file copies it. */
export default async function globalSetup(): Promise<void> {
  const { runMigrations } = await import('../../libs/domain/src/migrate');
  const { databaseUrl, uniqueName, withAdmin } = await import('./databases');
  const name = uniqueName('csms_tpl');
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  await runMigrations(databaseUrl(name));
  process.env.CSMS_TEST_TEMPLATE_DB = name;
}
