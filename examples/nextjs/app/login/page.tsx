import { redirect } from 'next/navigation';
import { currentUser, scanloginConfig } from '@/lib/scanlogin';
import { QrLogin } from './qr-login';

export default async function LoginPage() {
  if (await currentUser()) redirect('/profile');
  const { url, appId } = scanloginConfig();
  return (
    <main>
      <h1>Log in</h1>
      <p>Scan the code with your phone.</p>
      <QrLogin appId={appId} appHost={url} />
    </main>
  );
}
