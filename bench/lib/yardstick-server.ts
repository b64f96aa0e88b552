/**
 * The yardstick: a bare ocpp-rpc server in strict mode that answers every charger message from memory,
 * with no database, queue or registry. Our gateway's figures are printed as a ratio of it.
 * Run as its own process: `node yardstick-server.js <port>`; prints "listening" when ready.
 */
import { RPCServer } from 'ocpp-rpc';

const port = Number(process.argv[2] ?? 9900);
let nextTx = 1;
const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true, pingIntervalMs: 30_000 } as never);
server.auth((accept) => accept({}, 'ocpp1.6'));
server.on('client', (client: any) => {
  const now = () => new Date().toISOString();
  client.handle('BootNotification', () => ({ status: 'Accepted', currentTime: now(), interval: 300 }));
  client.handle('Heartbeat', () => ({ currentTime: now() }));
  client.handle('StatusNotification', () => ({}));
  client.handle('MeterValues', () => ({}));
  client.handle('Authorize', () => ({ idTagInfo: { status: 'Accepted' } }));
  client.handle('StartTransaction', () => ({ transactionId: nextTx++, idTagInfo: { status: 'Accepted' } }));
  client.handle('StopTransaction', () => ({ idTagInfo: { status: 'Accepted' } }));
});
server.listen(port, '127.0.0.1').then(() => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
