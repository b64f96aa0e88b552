import type { OcppProtocol } from './connections.service';

/**
 * Error codes of our CALLERRORs as each version's OCPP-J defines them. ocpp-rpc answers a frame it
 * cannot read (not JSON, not an array, no message id...) with the 2.0.1 codes RpcFrameworkError and
 * MessageTypeNotSupported, which OCPP 1.6J does not have: a 1.6 charger gets FormationViolation (the
 * frame does not conform to the RPC structure) and NotSupported instead. For 2.0.1 it spells the
 * schema error OccurenceConstraintViolation, as 1.6J did before its errata; OCPP-J 2.0.1 spells it
 * OccurrenceConstraintViolation.
 */
const CALLERROR_CODES: Record<OcppProtocol, Record<string, string>> = {
  'ocpp1.6': { RpcFrameworkError: 'FormationViolation', MessageTypeNotSupported: 'NotSupported' },
  'ocpp2.0.1': { OccurenceConstraintViolation: 'OccurrenceConstraintViolation' },
};

/**
 * Rewrites an outgoing CALLERROR in place (ocpp-rpc serialises the frame afterwards): the code as the
 * version spells it (and the one OCPP-J gives a value outside an enumeration), and the details without
 * `data`, the charger's own payload that ocpp-rpc's schema check echoes back (a large payload would be
 * sent back whole, a deeply nested one cannot be serialised and would close the connection).
 */
export function conformCallError(protocol: OcppProtocol, frame: unknown): void {
  if (!Array.isArray(frame) || frame[0] !== 4 || typeof frame[2] !== 'string') return;
  const code = CALLERROR_CODES[protocol][frame[2]];
  if (code) frame[2] = code;
  const details: unknown = frame[4];
  if (details && typeof details === 'object' && 'data' in details) {
    const { data: _echoed, ...rest } = details as { data: unknown; errors?: Array<{ keyword?: string }> };
    frame[4] = rest;
    // A value outside an enumeration is well-formed but not allowed: PropertyConstraintViolation in
    // both versions (ocpp-rpc falls back to its format code for the `enum` keyword).
    if (rest.errors?.[0]?.keyword === 'enum') frame[2] = 'PropertyConstraintViolation';
  }
}

export interface BadMessage {
  buffer: Buffer;
  error: Error;
  response: unknown[] | null;
}

/**
 * ocpp-rpc answers an unknown message type (or one given as a string) with message id "-1": it stops
 * reading before the id. When the frame has a string id, the CALLERROR carries it, as OCPP-J asks.
 */
export function answerWithMessageId(callError: unknown[], frame: Buffer): void {
  if (callError[1] !== '-1') return;
  try {
    const parsed: unknown = JSON.parse(frame.toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[1] === 'string') callError[1] = parsed[1];
  } catch {
    // Not JSON: the id cannot be read, "-1" stays.
  }
}
