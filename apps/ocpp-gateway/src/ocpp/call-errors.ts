import type { OcppProtocol } from './connections.service';

/**
 * Error codes of our CALLERRORs as each version's OCPP-J defines them. The framing codes RpcFrameworkError
 * and MessageTypeNotSupported are 2.0.1's: OCPP 1.6J does not have them, so a 1.6 charger gets
 * FormationViolation (the frame does not conform to the RPC structure) and NotSupported instead. Schema
 * failures come from ocpp-rpc's validators spelled OccurenceConstraintViolation, as 1.6J did before its
 * errata (both versions now spell it OccurrenceConstraintViolation), and FormatViolation, which 1.6J
 * calls FormationViolation.
 */
const CALLERROR_CODES: Record<OcppProtocol, Record<string, string>> = {
  'ocpp1.6': {
    RpcFrameworkError: 'FormationViolation',
    MessageTypeNotSupported: 'NotSupported',
    FormatViolation: 'FormationViolation',
    OccurenceConstraintViolation: 'OccurrenceConstraintViolation',
  },
  'ocpp2.0.1': { OccurenceConstraintViolation: 'OccurrenceConstraintViolation' },
};

/**
 * A CALLERROR frame for a charger of `protocol`: the code as the version spells it (and the one OCPP-J
 * gives a value outside an enumeration), and the details without `data`, the charger's own payload that
 * the schema check echoes back (a large payload would be sent back whole, a deeply nested one cannot be
 * serialised).
 */
export function callErrorFrame(
  protocol: OcppProtocol,
  messageId: string,
  code: string,
  description: string,
  details: Record<string, unknown>,
): unknown[] {
  let conformed = CALLERROR_CODES[protocol][code] ?? code;
  let rest = details;
  if ('data' in details) {
    const { data: _echoed, ...others } = details as { data: unknown; errors?: Array<{ keyword?: string }> };
    rest = others;
    // A value outside an enumeration is well-formed but not allowed: PropertyConstraintViolation in
    // both versions (the validators fall back to their format code for the `enum` keyword).
    if ((others.errors as Array<{ keyword?: string }> | undefined)?.[0]?.keyword === 'enum') {
      conformed = 'PropertyConstraintViolation';
    }
  }
  return [4, messageId, conformed, description, rest];
}
