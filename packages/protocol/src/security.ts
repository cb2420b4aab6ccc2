/**
 * How callers prove who they are, as OpenAPI security schemes. The route
 * table names them in each operation's `security`; the OpenAPI document
 * declares them once (openapi.ts).
 */
export const securitySchemes = {
  appId: {
    type: 'apiKey',
    in: 'header',
    name: 'x-authing-app-id',
    description:
      'Names the application (a public id, not a secret). The waiting page sends it to ask for codes; a browser may redeem a ticket with it alone only when the app allows `allowExchangeUserInfoFromBrowser`, from an allowed origin, holding the binding.',
  },
  appToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "The phone app's user token (`token_use: app`, from `POST /api/v2/login/account`): `Authorization: Bearer <token>`. A website's token is refused here.",
  },
  appTokenBare: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      "The same app token without the `Bearer ` prefix (`Authorization: <token>`), as Authing's Objective-C sample sends it.",
  },
  appBasic: {
    type: 'http',
    scheme: 'basic',
    description: "The application's credentials, `appId:appSecret`: how a website backend redeems a ticket.",
  },
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The admin token (`ADMIN_TOKEN`, or the one printed at first start): `Authorization: Bearer <admin token>`; the bare token is accepted too.',
  },
} as const;

export type SecuritySchemeName = keyof typeof securitySchemes;

/** One way to satisfy an operation (all schemes of one entry together); `{}` is "anonymous". */
export type SecurityRequirement = { readonly [K in SecuritySchemeName]?: readonly string[] };
