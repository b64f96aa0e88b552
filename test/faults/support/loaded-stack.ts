import { SmtpCapture } from '../../support/smtp';
import type { FaultCharger } from './fault-charger';
import type { AppProcess } from './processes';
import { FaultStack, Rest } from './stack';

/** What a backend-restart scenario runs on: its stack, an api, one gateway node, an operator, SMTP. */
export interface LoadedStack {
  stack: FaultStack;
  api: AppProcess;
  gateway: AppProcess;
  rest: Rest;
  smtp: SmtpCapture;
}

/**
 * Starts a private stack tuned for outages (short command timeouts and sweeps, frequent outbox
 * reconciliation, SMTP on loopback) with an api, one gateway node named `node`, and a signed-up operator.
 */
export async function startLoadedStack(node: string): Promise<LoadedStack> {
  const smtp = await SmtpCapture.start();
  const stack = await FaultStack.create({
    COMMAND_SWEEP_INTERVAL_SECONDS: '1',
    COMMAND_CALL_TIMEOUT_MS: '5000',
    COMMAND_WAIT_MS: '300',
    OUTBOX_RECONCILE_INTERVAL_SECONDS: '2',
    SMTP_URL: smtp.url,
  });
  try {
    const api = await stack.start('api', 'api');
    const gateway = await stack.start('gateway', node);
    const rest = new Rest(api);
    await rest.signUp();
    return { stack, api, gateway, rest, smtp };
  } catch (err) {
    // The caller never gets the stack to stop: stop what was started here.
    await stack.dispose();
    await smtp.close();
    throw err;
  }
}

/** Retires the chargers, then stops everything the stack started. */
export async function stopLoadedStack(
  loaded: Partial<LoadedStack> | undefined,
  chargers: FaultCharger[],
): Promise<void> {
  await Promise.all(chargers.map((c) => c.retire()));
  await loaded?.stack?.dispose();
  await loaded?.smtp?.close();
}
