// POST /api/ticket {ticket}: redeem the ticket the page got, keep the website token in an
// HttpOnly cookie. Anything but a ticket string is a 400, a refused ticket a 401.
import { NextResponse } from 'next/server';
import { NAME_COOKIE, redeemTicket, SESSION_COOKIE, verifyToken } from '@/lib/scanlogin';

export async function POST(request: Request) {
  const body = (await request.json().catch(() => null)) as { ticket?: unknown } | null;
  const ticket = body?.ticket;
  if (typeof ticket !== 'string' || !ticket || ticket.length > 256) {
    return NextResponse.json({ message: 'ticket is required' }, { status: 400 });
  }
  const user = await redeemTicket(ticket);
  if (!user) return NextResponse.json({ message: 'the ticket was refused' }, { status: 401 });
  // The token was just minted for us; if it does not verify, the settings disagree (the issuer).
  const claims = await verifyToken(user.token).catch(() => null);
  if (!claims) {
    return NextResponse.json(
      { message: 'the token does not verify: check SCANLOGIN_ISSUER' },
      { status: 502 },
    );
  }
  const cookie = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: new URL(request.url).protocol === 'https:',
    path: '/',
    maxAge: claims.exp! - Math.floor(Date.now() / 1000),
  };
  const res = NextResponse.json({ ok: true });
  res.cookies.set(SESSION_COOKIE, user.token, cookie);
  res.cookies.set(NAME_COOKIE, user.nickname ?? user.username ?? '', cookie);
  return res;
}
