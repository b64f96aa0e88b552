import { CallsInFlight } from './calls-in-flight';

describe('CallsInFlight', () => {
  it('answers the value of each id in flight once, whatever the order they are answered in', () => {
    const calls = new CallsInFlight<string>();
    calls.set('a', 'Heartbeat');
    calls.set('b', 'MeterValues');
    calls.set('c', 'StatusNotification');
    calls.set('d', 'DataTransfer');
    expect(calls.size).toBe(4);
    expect(calls.has('c')).toBe(true);
    expect(calls.take('b')).toBe('MeterValues');
    expect(calls.take('b')).toBeUndefined();
    expect(calls.take('d')).toBe('DataTransfer');
    expect(calls.take('a')).toBe('Heartbeat');
    expect(calls.has('a')).toBe(false);
    expect(calls.take('c')).toBe('StatusNotification');
    expect(calls.size).toBe(0);
    expect(calls.take('never')).toBeUndefined();
  });

  it('gives an id set again its new value instead of holding it twice', () => {
    const calls = new CallsInFlight<string>();
    calls.set('a', 'first');
    calls.set('b', 'other');
    calls.set('c', 'third');
    calls.set('a', 'again');
    calls.set('c', 'again');
    expect(calls.size).toBe(3);
    expect(calls.take('a')).toBe('again');
    expect(calls.take('c')).toBe('again');
    // A freed slot takes the next id.
    calls.set('e', 'fifth');
    expect(calls.size).toBe(2);
    expect(calls.take('e')).toBe('fifth');
    expect(calls.take('b')).toBe('other');
    expect(calls.size).toBe(0);
  });
});
