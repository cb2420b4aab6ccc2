// A protected page: a server component that verifies the session cookie on every request.
import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/scanlogin';

export default async function ProfilePage() {
  const user = await currentUser();
  if (!user) redirect('/login');
  return (
    <main>
      <h1 id="welcome">Welcome, {user.name}</h1>
      <p>
        User id <code id="user-id">{user.claims.sub}</code>, signed in until{' '}
        <time>{new Date(user.claims.exp! * 1000).toISOString()}</time>.
      </p>
      <form method="post" action="/logout">
        <button type="submit">Log out</button>
      </form>
    </main>
  );
}
