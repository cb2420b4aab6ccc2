'use client';
// The QR code, drawn by the web SDK in the browser. When the phone approves, the
// page hands the one-time ticket to our route handler (app/api/ticket), which
// redeems it with the app secret; the browser never holds the user's token.
import { AuthenticationClient } from '@scanlogin/web-sdk';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

export function QrLogin({ appId, appHost }: { appId: string; appHost: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const client = new AuthenticationClient({ appId, appHost, lang: 'en-US' });
    void client.qrcode.startScanning('qrcode', {
      autoExchangeUserInfo: false,
      onSuccess: async (_userInfo, ticket) => {
        const res = await fetch('/api/ticket', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ticket }),
        });
        if (res.ok) router.replace('/profile');
        else setError(((await res.json()) as { message: string }).message);
      },
    });
    return () => client.qrcode.destroy();
  }, [appId, appHost, router]);

  return (
    <>
      <div id="qrcode" />
      {error && <p role="alert">Login failed: {error}</p>}
    </>
  );
}
