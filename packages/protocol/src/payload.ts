/**
 * The text inside the QR code: the seeds' JSON, unchanged so that existing apps
 * can read our codes. One edition of that system writes `expiresIn` (seconds)
 * instead of `expireAt`; readers accept both.
 */
export interface QrPayload {
  scene: 'APP_AUTH';
  random: string;
  userPoolId: string;
  createdAt: string;
  expireAt?: string;
  expiresIn?: number;
  customData: Record<string, unknown>;
}

/** Builds the payload text exactly as the seeds show it (field order included). */
export function formatQrPayload(p: {
  random: string;
  userPoolId: string;
  createdAt: number;
  expiresAt: number;
  customData?: Record<string, unknown> | null;
}): string {
  return JSON.stringify({
    scene: 'APP_AUTH',
    random: p.random,
    userPoolId: p.userPoolId,
    createdAt: new Date(p.createdAt).toISOString(),
    expireAt: new Date(p.expiresAt).toISOString(),
    customData: p.customData ?? {},
  });
}
