import { type Envelope, ErrorCodes, type ErrorName, OK_CODE } from '@scanlogin/protocol';

/** A success answer: `code` is the literal 200, as the route table's success schemas say. */
export function ok<T>(data: T, message = 'ok'): { code: typeof OK_CODE; message: string; data: T } {
  return { code: OK_CODE, message, data };
}

export function errorEnvelope(name: ErrorName, message?: string): Envelope<null> {
  const e = ErrorCodes[name];
  return { code: e.code, message: message ?? e.message, data: null };
}

/** JSON schema of the envelope around `data`, for response serialization. */
export function envelopeSchema(data: Record<string, unknown>) {
  return {
    type: 'object',
    properties: { code: { type: 'integer' }, message: { type: 'string' }, data },
    required: ['code', 'message', 'data'],
  } as const;
}
