import {
  type Envelope,
  ErrorCodes,
  type ErrorName,
  errorMessage,
  type Lang,
  OK_CODE,
} from '@scanlogin/protocol';
import { type Detail, sayDetail } from '../domain/messages.js';

/** A success answer: `code` is the literal 200, as the route table's success schemas say. */
export function ok<T>(data: T, message = 'ok'): { code: typeof OK_CODE; message: string; data: T } {
  return { code: OK_CODE, message, data };
}

/** An error answer in `lang`: the detail when there is one, else the registry's message. */
export function errorEnvelope(name: ErrorName, lang: Lang, detail?: Detail): Envelope<null> {
  const message = detail ? sayDetail(detail, lang) : errorMessage(name, lang);
  return { code: ErrorCodes[name].code, message, data: null };
}

/** JSON schema of the envelope around `data`, for response serialization. */
export function envelopeSchema(data: Record<string, unknown>) {
  return {
    type: 'object',
    properties: { code: { type: 'integer' }, message: { type: 'string' }, data },
    required: ['code', 'message', 'data'],
  } as const;
}
