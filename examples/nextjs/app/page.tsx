import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/scanlogin';

export default async function Home() {
  redirect((await currentUser()) ? '/profile' : '/login');
}
