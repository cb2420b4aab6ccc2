/**
 * Building blocks shared by every schema of the wire: the envelope, the error
 * envelope, ids, timestamps, the QR status.
 *
 * Every schema here is inline (no `$id`): a route's schema is complete on its
 * own, so Fastify compiles each route without a prior `addSchema`, TypeBox's
 * `Value.Check` needs no reference list, and @fastify/swagger copies each
 * schema into the OpenAPI document as it is. The price is repetition in the
 * document (the user object appears under each operation that returns it);
 * the `title` of the shared objects names them for readers and generators.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { OK_CODE } from '../envelope.js';
import { ErrorCodes, type ErrorName } from '../errors.js';
import { QrStatus } from '../status.js';

/** `T` or `null` (JSON Schema `anyOf`, which TypeBox's checker and Ajv both understand). */
export const Nullable = <T extends TSchema>(schema: T, options: { description?: string } = {}) =>
  Type.Union([schema, Type.Null()], options);

/**
 * A string that must be one of `values`, written as JSON Schema `enum` (as the
 * service's validation has always had it): Ajv then names the fault "must be
 * equal to one of the allowed values", where a union of constants would say
 * "must be equal to constant". TypeBox's own checker sees only a string; the
 * service validates requests with Ajv, so request schemas use this.
 */
export const StringEnum = <const T extends string>(
  values: readonly T[],
  options: { description?: string } = {},
) => Type.Unsafe<T>(Type.String({ ...options, enum: [...values] }));

/** An ISO 8601 instant as the service writes it (`Date#toISOString`). */
export const Timestamp = (description: string) =>
  Type.String({ format: 'date-time', description, examples: ['2026-05-04T09:30:00.000Z'] });

/** Pools, apps, users and audit lines: 24 hex characters (4 bytes of seconds, 8 random bytes). */
export const ObjectIdExample = '6650f1c2a3b4c5d6e7f80912';
export const ObjectId = (description: string) => Type.String({ description, examples: [ObjectIdExample] });

/** A QR code's id as the service mints it: 128 random bits, base64url (22 characters). */
export const RandomExample = 'q1Zk3lT0r6mJv8XcYb2N4w';

/** A free-form JSON object (custom data). */
export const JsonObject = (description: string) =>
  Type.Record(Type.String(), Type.Unknown(), { description });

/**
 * The status of a QR login as the wire carries it. The numbers are fixed by
 * authing-js-sdk, which acts on them (status.ts).
 */
export const QrStatusSchema = Type.Union(
  [
    Type.Literal(QrStatus.Pending, { title: 'Pending', description: 'Shown; nobody has scanned it yet.' }),
    Type.Literal(QrStatus.Scanned, {
      title: 'Scanned',
      description: "Scanned by a signed-in app; waiting for the user's decision.",
    }),
    Type.Literal(QrStatus.Authorized, {
      title: 'Authorized',
      description: 'Approved; the ticket is available to the page that asked.',
    }),
    Type.Literal(QrStatus.Cancelled, { title: 'Cancelled', description: 'Refused on the phone.' }),
    Type.Literal(QrStatus.StepUp, {
      title: 'StepUp',
      description: 'The phone must prove more (password) before it may approve.',
    }),
    Type.Literal(QrStatus.Expired, { title: 'Expired', description: 'Expired before a decision.' }),
    Type.Literal(QrStatus.Error, {
      title: 'Error',
      description:
        'Stopped by an error (the application was deleted, the scanner blocked...); the reason is in `scannedResult.errmsg`.',
    }),
  ],
  {
    description:
      'QR login status: 0 pending, 1 scanned, 2 authorized, 3 cancelled, 4 step-up, 5 error, -1 expired.',
  },
);

/**
 * The success envelope around `data`: every JSON answer of the `/api` routes
 * is `{code: 200, message, data}`; authing-js-sdk returns `data` when
 * `code === 200`.
 */
export const envelopeOf = <T extends TSchema>(data: T, description = 'Success.') =>
  Type.Object(
    {
      code: Type.Literal(OK_CODE, { description: 'Always 200 on success.' }),
      message: Type.String({ examples: ['ok'] }),
      data,
    },
    { description },
  );

/** The shape of every error answer: a registry code, a human message, `data: null`. */
export const ErrorEnvelope = Type.Object(
  {
    code: Type.Integer({
      description: 'A stable code of the error registry (docs/errors.md); never 200.',
      examples: [ErrorCodes.QR_NOT_FOUND.code],
    }),
    message: Type.String({ description: 'For people; may differ from the registry text.' }),
    data: Type.Null(),
  },
  { title: 'ErrorEnvelope' },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

/**
 * The error envelope of some registry entries (those of one HTTP status, for
 * one operation). `code` is an integer `enum` rather than a union of consts:
 * a serializer does not apply `enum`, so an error the table forgot still
 * leaves intact instead of failing to serialize, while validators and the
 * OpenAPI document see the list.
 */
export function errorEnvelopeOf(names: readonly ErrorName[]) {
  const first = ErrorCodes[names[0]!];
  return Type.Object(
    {
      code: Type.Integer({
        enum: names.map((n) => ErrorCodes[n].code),
        description: names.map((n) => `${ErrorCodes[n].code} ${n}: ${ErrorCodes[n].message}`).join('\n'),
      }),
      message: Type.String({ description: 'For people; may differ from the registry text.' }),
      data: Type.Null(),
    },
    {
      title: 'ErrorEnvelope',
      description: names.map((n) => `${ErrorCodes[n].code} ${n}`).join(', '),
      examples: [{ code: first.code, message: first.message, data: null }],
    },
  );
}

/** The type of one status's error answer in a route's `response`. */
export type ErrorEnvelopeSchema = ReturnType<typeof errorEnvelopeOf>;
