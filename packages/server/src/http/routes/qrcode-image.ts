import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import type { Services } from '../../services.js';
import { PUBLIC_CORS } from '../cors.js';

const params = {
  type: 'object',
  properties: { file: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}\\.(png|svg)$' } },
  required: ['file'],
} as const;

/** The quiet zone ISO/IEC 18004 asks for, in modules. */
const QUIET_ZONE = 4;
const MIN_PNG_PX = 300;

/**
 * GET /api/v2/qrcode/image/:publicId.(png|svg): the code as an image. Named by
 * the public id the picture shows, never by the page's key: after a rotation
 * the old URL answers an error, not the new picture. Readable cross-origin
 * (`Access-Control-Allow-Origin: *`), because the seeds' SDK draws it onto a
 * canvas through `<img crossOrigin="anonymous">` and hangs otherwise.
 */
export default function imageRoute(app: FastifyInstance, s: Services): void {
  app.get<{ Params: { file: string } }>(
    '/api/v2/qrcode/image/:file',
    { schema: { params }, config: { [PUBLIC_CORS]: true } },
    async (request, reply) => {
      const dot = request.params.file.lastIndexOf('.');
      const text = await s.qr.pictureOf(request.params.file.slice(0, dot));
      reply.header('cache-control', 'no-store');
      if (request.params.file.endsWith('.svg')) {
        reply.type('image/svg+xml');
        return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: QUIET_ZONE });
      }
      reply.type('image/png');
      // Whole pixels per module, at least MIN_PNG_PX wide: a fractional scale smears module edges,
      // and readers then miss dense (signed) codes.
      const side = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules.size + 2 * QUIET_ZONE;
      const scale = Math.ceil(MIN_PNG_PX / side);
      return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: QUIET_ZONE, scale });
    },
  );
}
