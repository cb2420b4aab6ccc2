import type { FastifyInstance } from 'fastify';
import { consentPage, PAGE_HEADERS, signInPage } from '../../../oidc/pages.js';
import type { Services } from '../../../services.js';
import { expiredPage, interactionOf, type UidParams, uidParams } from './interaction.js';

function originOf(uri: unknown): string | null {
  try {
    return typeof uri === 'string' ? new URL(uri).origin : null;
  } catch {
    return null;
  }
}

/**
 * GET /oidc/interaction/:uid: the page the provider sends the browser to when
 * it needs the user. Login: our QR code (and its short code); consent: what
 * the client asks for, Deny as prominent as Allow.
 */
export default function interactionPageRoute(app: FastifyInstance, s: Services): void {
  app.get<UidParams>(
    '/oidc/interaction/:uid',
    { schema: { params: uidParams, hide: true } },
    async (request, reply) => {
      let interaction: Awaited<ReturnType<typeof interactionOf>>;
      try {
        interaction = await interactionOf(request, reply, s);
      } catch (err) {
        return expiredPage(reply, err);
      }
      const clientId = String(interaction.params.client_id ?? '');
      const app = await s.directory.getApp(clientId);
      const clientName = app?.name ?? clientId;
      reply.headers(PAGE_HEADERS);
      if (interaction.prompt.name === 'consent') {
        const scopes = String(interaction.params.scope ?? '')
          .split(' ')
          .filter(Boolean);
        return consentPage({ clientName, uid: interaction.uid, scopes });
      }
      return signInPage({
        clientName,
        clientId,
        issuer: s.oidc.issuer,
        uid: interaction.uid,
        returnOrigin: originOf(interaction.params.redirect_uri),
        widget: s.oidc.webSdkBundle() !== null,
      });
    },
  );
}
