import { NextResponse } from 'next/server';
import { NAME_COOKIE, SESSION_COOKIE } from '@/lib/scanlogin';

export async function POST() {
  // A relative Location: `request.url` names the host `next start` bound to (localhost), which
  // may not be the one the browser used, and the cookies belong to that one.
  const res = new NextResponse(null, { status: 303, headers: { location: '/login' } });
  res.cookies.delete(SESSION_COOKIE);
  res.cookies.delete(NAME_COOKIE);
  return res;
}
