import { FormatRegistry } from '@sinclair/typebox';

// RFC 3339 date-time, as `Date#toISOString` writes it and Ajv's `date-time` accepts it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * Teaches TypeBox's checker (`Value.Check`, `TypeCompiler`) the string
 * formats these schemas use: TypeBox knows none by default and fails any
 * value with an unknown format. Ajv (Fastify) has its own. Call once before
 * checking values against the protocol's schemas with TypeBox.
 */
export function registerFormats(): void {
  if (!FormatRegistry.Has('date-time')) {
    FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
  }
  // The PNG image is documented as `format: binary`; its bytes are never checked as a string.
  if (!FormatRegistry.Has('binary')) FormatRegistry.Set('binary', () => true);
}
