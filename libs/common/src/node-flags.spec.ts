import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS } from './node-flags';

const ROOT = join(__dirname, '../../..');
const GATEWAY_MAIN = 'dist/apps/ocpp-gateway/src/main.js';

describe('GATEWAY_NODE_FLAGS', () => {
  it('are flags this Node.js accepts', () => {
    const run = spawnSync(process.execPath, [...GATEWAY_NODE_FLAGS, '-e', 'process.stdout.write("ok")'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('ok');
  });

  it('are the flags of `npm run start:gateway`', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts['start:gateway']).toBe(['node', ...GATEWAY_NODE_FLAGS, GATEWAY_MAIN].join(' '));
  });

  it("are the flags of docker-compose's ocpp-gateway service", () => {
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const command = ['node', ...GATEWAY_NODE_FLAGS, GATEWAY_MAIN].map((a) => `'${a}'`).join(', ');
    expect(compose).toContain(`command: [${command}]`);
  });
});
