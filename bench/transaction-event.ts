/**
 * What the gateway's 2.0.1 TransactionEvents cost Postgres, apart from the rest of the stack: on a fresh
 * database, S chargers each start a transaction (an event Started with an id token and a Transaction.Begin
 * reading), then send R rounds of the periodic event of a 2.0.1 charger in a transaction (Updated, one
 * realistic sampled-value set of ten values, as `steady`'s MeterValues), G chargers' events at a time,
 * through the gateway's SessionsService. Prints the Postgres backend CPU time and the wall time per
 * Updated event, with the same requirements and caveats as `meter-batch.ts`.
 *
 *   npm run build && node -r ts-node/register/transpile-only -r tsconfig-paths/register \
 *     bench/transaction-event.ts [--chargers S] [--rounds R] [--together G]
 */
import type { TransactionEvent } from '../apps/ocpp-gateway/src/charging/sessions.service';
import type { ChargerConnection } from '../apps/ocpp-gateway/src/ocpp/connections.service';
import { samplesOf201 } from '../apps/ocpp-gateway/src/ocpp/ocpp-mapper';
import type { MeterValue201 } from '../apps/ocpp-gateway/src/v201/v201.types';
import { numberFlag } from './lib/args';
import { sessionsService } from './lib/gateway-services';
import { backendCost, onScratchDatabase, runTool, seedChargePoints } from './lib/scratch-database';
import { formatTable } from './lib/stats';

/** One sampled-value set: energy register, power, current and voltage per phase, SoC, offered power. */
function meterValue(energyWh: number, at: Date, context: string): MeterValue201[] {
  const v = (value: number, measurand: string, unit: string, phase?: string) => ({
    value,
    measurand,
    context,
    unitOfMeasure: { unit },
    ...(phase ? { phase } : {}),
  });
  return [
    {
      timestamp: at.toISOString(),
      sampledValue: [
        v(energyWh, 'Energy.Active.Import.Register', 'Wh'),
        v(11_000, 'Power.Active.Import', 'W'),
        ...['L1', 'L2', 'L3'].map((phase) => v(16, 'Current.Import', 'A', phase)),
        ...['L1-N', 'L2-N', 'L3-N'].map((phase) => v(230, 'Voltage', 'V', phase)),
        v(55, 'SoC', 'Percent'),
        v(22_000, 'Power.Offered', 'W'),
      ],
    } as MeterValue201,
  ];
}

function event(charger: number, seqNo: number): TransactionEvent {
  const at = new Date();
  const started = seqNo === 0;
  return {
    transactionId: `tx-${charger}`,
    eventType: started ? 'Started' : 'Updated',
    seqNo,
    timestamp: at,
    triggerReason: started ? 'Authorized' : 'MeterValuePeriodic',
    offline: false,
    evseNumber: started ? 1 : null,
    connectorNumber: started ? 1 : null,
    idToken: started ? { value: `TOKEN${charger}`, type: 'ISO14443' } : null,
    remoteStartId: null,
    reservationId: null,
    stoppedReason: null,
    samples: samplesOf201(
      meterValue(1000 * (seqNo + 1), at, started ? 'Transaction.Begin' : 'Sample.Periodic'),
    ),
    payload: { seqNo },
  };
}

async function main(): Promise<void> {
  const chargers = numberFlag(process.argv, 'chargers', 2000);
  const rounds = numberFlag(process.argv, 'rounds', 3);
  const together = numberFlag(process.argv, 'together', 50);
  await onScratchDatabase('events', async ({ db, name }, admin) => {
    const sessions = sessionsService(db);
    await seedChargePoints(db, chargers);
    const round = async (seqNo: number) => {
      for (let i = 0; i < chargers; i += together) {
        await Promise.all(
          Array.from({ length: Math.min(together, chargers - i) }, (_, k) =>
            sessions.transactionEvent(
              { organizationId: 'org_bench', chargePointId: `cp_${i + k + 1}` } as ChargerConnection,
              event(i + k + 1, seqNo),
            ),
          ),
        );
      }
    };
    // Not measured: the starts, and a first round of updates (the connections prepare their statements).
    await round(0);
    await round(1);
    await db.query('ANALYZE');
    const cost = await backendCost(admin, name, async () => {
      for (let seqNo = 2; seqNo < 2 + rounds; seqNo++) await round(seqNo);
    });
    const events = chargers * rounds;
    console.log(
      formatTable([
        {
          'Updated events': events,
          'arriving together': together,
          'backend CPU µs/event': Math.round((cost.cpuMs * 1000) / events),
          'wall µs/event': Math.round((cost.wallMs * 1000) / events),
        },
      ]),
    );
  });
}

runTool(main);
