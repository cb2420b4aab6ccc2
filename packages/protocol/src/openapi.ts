/**
 * The parts of the OpenAPI document that are not in any route: what the
 * service is, its tags, its security schemes and the error registry. Pass
 * `openApiDocument(...)` as @fastify/swagger's `openapi` option; the paths
 * come from the route table's schemas.
 */
import { errorMessage } from './error-messages.js';
import { ErrorCodes, type ErrorName } from './errors.js';
import { LANGS } from './i18n.js';
import { routes, tags } from './routes.js';
import { securitySchemes } from './security.js';

/** A Markdown table cell: `<` and `>` as entities (a message may say `<admin token>`), pipes escaped. */
const cell = (text: string) => text.replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('|', '\\|');

/**
 * The error registry as a Markdown table, a message column per language: for
 * this document's description and the generated docs (scripts/gen-docs.ts).
 */
export function errorTableMarkdown(): string {
  const rows = (Object.entries(ErrorCodes) as [ErrorName, (typeof ErrorCodes)[ErrorName]][])
    .sort(([, a], [, b]) => a.code - b.code)
    .map(
      ([name, e]) =>
        `| ${e.code} | ${e.status} | \`${name}\` | ${LANGS.map((lang) => cell(errorMessage(name, lang))).join(' | ')} |`,
    );
  const head = `| code | HTTP | name | ${LANGS.map((lang) => `message (${lang})`).join(' | ')} |`;
  return [head, `|${' --- |'.repeat(3 + LANGS.length)}`, ...rows].join('\n');
}

const description = `Scan a QR code with your phone to log in: a self-hosted service that speaks the wire of a hosted vendor's QR login, so that pages using its SDK and apps following its samples work by changing only the host.

Every JSON answer under \`/api\` is the envelope \`{"code", "message", "data"}\`: \`code\` is 200 on success, otherwise a stable code of the registry below, sent with the HTTP status shown and \`data: null\`. \`/.well-known/jwks.json\` and \`/.well-known/openid-configuration\` are plain JSON documents without envelope, and \`/graphql/v2\` (authing-js-sdk's login) answers in GraphQL's form, its errors carrying the same codes. Unknown fields in the public calls' bodies are ignored (the vendor's SDK sends some we do not use); the management API refuses them.

\`message\` is for people, in the request's language: the one \`x-authing-lang\` names, else the first of ours in \`Accept-Language\`, else English (\`en-US\` and \`zh-CN\` are spoken; any Chinese tag gets \`zh-CN\`). Such answers carry \`Vary: Accept-Language, x-authing-lang\`. Switch on \`code\`, never on \`message\`.

## Error codes

${errorTableMarkdown()}`;

type Operation = { operationId?: string; requestBody?: { required?: boolean } };

/**
 * @fastify/swagger's `transformObject`: what its conversion cannot say from
 * the route schemas alone. Today: the bodies that may be left out.
 */
export function transformOpenApiDocument<O extends object, S extends object>(
  doc: { openapiObject: O } | { swaggerObject: S },
): O | S {
  const object = 'openapiObject' in doc ? doc.openapiObject : doc.swaggerObject;
  const paths = (object as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const operations of Object.values(paths)) {
    for (const op of Object.values(operations)) {
      const route = op.operationId ? routes[op.operationId as keyof typeof routes] : undefined;
      if (route?.bodyOptional && op.requestBody) op.requestBody.required = false;
    }
  }
  return object;
}

/** @fastify/swagger's `openapi` option: everything but the paths. */
export function openApiDocument(opts: { publicUrl?: string; version?: string } = {}) {
  return {
    openapi: '3.1.0',
    info: { title: 'Scanlogin', version: opts.version ?? '0.1.0', description },
    ...(opts.publicUrl ? { servers: [{ url: opts.publicUrl }] } : {}),
    tags: tags.map((t) => ({ ...t })),
    components: { securitySchemes },
  } as const;
}
