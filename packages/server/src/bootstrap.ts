import type { Services } from './services.js';

export interface FirstStartReport {
  adminToken: string | null;
  pool: { id: string; name: string };
  app: { id: string; secret: string; name: string; allowedOrigins: string[] } | null;
  users: { username: string; password: string; id: string }[];
}

export const DEMO_USERS = [
  {
    username: 'alice',
    email: 'alice@example.com',
    phone: '+15550100001',
    nickname: 'Alice',
    password: 'alice-demo-pass',
  },
  {
    username: 'bob',
    email: 'bob@example.com',
    phone: '+15550100002',
    nickname: 'Bob',
    password: 'bob-demo-pass',
  },
] as const;

/** A small avatar that needs no outside host (an SVG data URL). */
function avatar(letter: string, hue: number): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="32" fill="hsl(${hue} 60% 45%)"/><text x="32" y="42" font-family="sans-serif" font-size="30" text-anchor="middle" fill="#fff">${letter}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/**
 * First start: a default pool, and (unless SEED_DEMO=false) a demo app and two
 * demo users; an admin credential unless ADMIN_TOKEN is set. Returns null when
 * the data directory was initialised before, so credentials are printed once.
 */
export async function firstStart(s: Services): Promise<FirstStartReport | null> {
  if (await s.installation.initialised()) return null;
  // Several instances starting together on one new database: one seeds, the others go on.
  if (!(await s.installation.claimFirstStart())) return null;
  const pool = await s.directory.createPool('Default pool');
  const adminToken = s.installation.adminTokenConfigured ? null : await s.installation.newAdminToken();
  const report: FirstStartReport = {
    adminToken,
    pool: { id: pool.id, name: pool.name },
    app: null,
    users: [],
  };
  if (s.config.seedDemo) {
    const { app, secret } = await s.directory.createApp({
      poolId: pool.id,
      name: 'Demo website',
      allowedOrigins: [...s.config.demoOrigins],
    });
    report.app = { id: app.id, secret, name: app.name, allowedOrigins: app.allowedOrigins };
    for (const [i, u] of DEMO_USERS.entries()) {
      const user = await s.directory.createUser({
        poolId: pool.id,
        username: u.username,
        email: u.email,
        phone: u.phone,
        nickname: u.nickname,
        password: u.password,
        photo: avatar(u.nickname[0]!, i * 140 + 200),
      });
      report.users.push({ username: u.username, password: u.password, id: user.id });
    }
  }
  // Written last: if anything above failed, the next start tries again.
  await s.installation.finishFirstStart(pool.id);
  return report;
}

export function formatFirstStart(r: FirstStartReport, publicUrl: string): string {
  const lines = [
    '',
    '================ Scanlogin: first start ================',
    'Shown once. Keep these somewhere safe.',
    '',
    `  user pool       ${r.pool.id}  (${r.pool.name})`,
  ];
  if (r.app) {
    lines.push(
      `  demo app id     ${r.app.id}`,
      `  demo app secret ${r.app.secret}`,
      `  allowed origins ${r.app.allowedOrigins.join(', ') || '(none)'}`,
    );
  }
  for (const u of r.users) lines.push(`  demo user       ${u.username} / ${u.password}`);
  if (r.adminToken) lines.push(`  admin token     ${r.adminToken}`);
  lines.push(
    '',
    `  service         ${publicUrl}`,
    '=======================================================',
    '',
  );
  return lines.join('\n');
}
