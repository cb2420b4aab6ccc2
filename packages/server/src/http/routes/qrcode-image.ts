import { routes } from '@scanlogin/protocol';
import QRCode from 'qrcode';
import type { Services } from '../../services.js';
import { operation, type TypedApp } from '../route.js';

/** The quiet zone ISO/IEC 18004 asks for, in modules. */
const QUIET_ZONE = 4;
const MIN_PNG_PX = 300;

/**
 * GET /api/v2/qrcode/image/:publicId.(png|svg): the code as an image. Named by
 * the public id the picture shows, never by the page's key: after a rotation
 * the old URL answers an error, not the new picture. Readable cross-origin
 * (`Access-Control-Allow-Origin: *`), because authing-js-sdk draws it onto a
 * canvas through `<img crossOrigin="anonymous">` and hangs otherwise.
 */
export default function imageRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.qrcodeImage),
    handler: async (request, reply) => {
      const { file } = request.params;
      const text = await s.qr.pictureOf(file.slice(0, file.lastIndexOf('.')));
      if (file.endsWith('.svg')) {
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
  });
}
