/**
 * The container files (Dockerfile, compose.yaml, deploy/nginx.conf) against
 * what CI runs and tests. There is no Docker engine here, so nothing is built:
 * the Dockerfile is read and checked to run the scripts CI runs (pack.mjs to
 * build, `scanlogin serve` to start) on files that exist; its HEALTHCHECK
 * command is run against a live service; compose.yaml is parsed (or checked by
 * `docker compose config` when that works) for its two profiles, and the
 * proxy's config for what SSE and the one trusted hop need.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { startTestServer, type TestServer } from '../packages/server/test/helpers.js';
import { freePort, ROOT, run } from './release/support.js';

// --- reading a Dockerfile ----------------------------------------------------------------

interface Instruction {
  op: string;
  args: string;
}

interface Stage {
  name: string | null;
  base: string;
  instructions: Instruction[];
}

/** Instructions by stage; continuation lines joined, comments dropped. */
function readDockerfile(text: string): Stage[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (op!.toUpperCase() === 'FROM') {
      const [base, as, name] = args!.split(/\s+/);
      stages.push({ base: base!, name: as?.toUpperCase() === 'AS' ? name! : null, instructions: [] });
    } else if (stages.length) {
      stages.at(-1)!.instructions.push({ op: op!.toUpperCase(), args: args! });
    }
  }
  return stages;
}

const ofOp = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op);

/** COPY's sources (not --from another stage), relative to the build context. */
function copiedPaths(stage: Stage): string[] {
  return ofOp(stage, 'COPY')
    .filter((c) => !/--from=/.test(c.args))
    .flatMap((c) => {
      const words = c.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      return words.slice(0, -1);
    });
}

/** A Docker-style glob (only `*`) as a regular expression. */
const globToRegExp = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);

// --- reading nginx's config --------------------------------------------------------------

interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

/** nginx's config as a tree of directives (enough of the grammar for this file). */
function readNginx(text: string): Directive[] {
  const tokens = text
    .replace(/#[^\n]*/g, '')
    .replace(/([{};])/g, ' $1 ')
    .split(/\s+/)
    .filter(Boolean);
  let at = 0;
  const block = (): Directive[] => {
    const out: Directive[] = [];
    while (at < tokens.length && tokens[at] !== '}') {
      const words: string[] = [];
      while (!['{', ';', '}'].includes(tokens[at]!)) words.push(tokens[at++]!);
      const [name, ...args] = words;
      if (tokens[at] === '{') {
        at++;
        out.push({ name: name!, args, block: block() });
        assert.equal(tokens[at++], '}', 'nginx.conf: unbalanced braces');
      } else {
        assert.equal(tokens[at++], ';', `nginx.conf: ${name} lacks its ;`);
        out.push({ name: name!, args });
      }
    }
    return out;
  };
  const tree = block();
  assert.equal(at, tokens.length, 'nginx.conf: a } too many');
  return tree;
}

/** nginx durations (60s, 1h, 5m, 90) in seconds. */
function seconds(value: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  assert.ok(m, `a duration: ${value}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

// -----------------------------------------------------------------------------------------

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const stages = readDockerfile(dockerfile);
const final = stages.at(-1)!;
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
const serverManifest = JSON.parse(readFileSync(join(ROOT, 'packages/server/package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
};

/** Every workspace's directory, from the root's `workspaces` globs (`dir/*`). */
function workspaceDirs(): string[] {
  return rootManifest.workspaces.flatMap((glob) => {
    assert.match(glob, /^[\w-]+\/\*$/, 'workspaces are dir/* globs');
    const parent = glob.slice(0, -2);
    return readdirSync(join(ROOT, parent))
      .filter((d) => existsSync(join(ROOT, parent, d, 'package.json')))
      .map((d) => `${parent}/${d}`);
  });
}

describe('Dockerfile: the scripts CI runs, in stages', () => {
  it('is multi-stage; the build stage installs from the lockfile and runs scripts/pack.mjs', () => {
    assert.ok(stages.length >= 2, 'more than one stage');
    const build = stages[0]!;
    const runs = ofOp(build, 'RUN').map((r) => r.args);
    const install = runs.findIndex((r) => /\bnpm ci\b/.test(r));
    const pack = runs.findIndex((r) => /^node scripts\/pack\.mjs\b/.test(r));
    assert.ok(install !== -1, 'npm ci in the build stage');
    assert.ok(pack > install, 'scripts/pack.mjs after the install');
    assert.ok(existsSync(join(ROOT, 'scripts/pack.mjs')));
    // npm ci installs every workspace: each one's manifest must be in the build before it runs.
    const copiedBeforeInstall = new Set(
      copiedPaths({
        ...build,
        instructions: build.instructions.slice(0, build.instructions.indexOf(ofOp(build, 'RUN')[install]!)),
      }),
    );
    for (const dir of workspaceDirs()) {
      assert.ok(
        copiedBeforeInstall.has(`${dir}/package.json`),
        `${dir}/package.json is copied before npm ci`,
      );
    }
    for (const file of ['package.json', 'package-lock.json']) assert.ok(copiedBeforeInstall.has(file), file);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const stage of stages) {
      for (const path of copiedPaths(stage)) {
        assert.ok(existsSync(join(ROOT, path)), `COPY ${path}: exists`);
        if (path === '.') continue;
        for (const pattern of ignored) {
          const re = globToRegExp(pattern.replace(/^\*\*\//, ''));
          assert.equal(
            path.split('/').some((_, i, parts) => re.test(parts.slice(i).join('/')) || re.test(parts[i]!)),
            false,
            `COPY ${path} is not excluded by .dockerignore (${pattern})`,
          );
        }
      }
    }
    // What must never be sent to the builder: local installs, builds and data.
    for (const must of ['**/node_modules', '**/dist', '.git', 'data', '*.tgz']) {
      assert.ok(ignored.includes(must), `.dockerignore excludes ${must}`);
    }
  });

  it('installs the packed server the way the packages test does: npm, tarballs, no dev dependencies', () => {
    const installs = stages
      .flatMap((s) => ofOp(s, 'RUN'))
      .map((r) => r.args)
      .filter((r) => /\bnpm install\b/.test(r));
    assert.equal(installs.length, 1, 'one npm install of tarballs');
    const cmd = installs[0]!;
    assert.match(cmd, /--omit=dev/);
    // The tarball names scripts/pack.mjs gives (npm pack: scope-name-version.tgz) match its globs.
    const globs = cmd.match(/\S+\.tgz/g) ?? [];
    for (const name of ['protocol', 'server']) {
      const file = `scanlogin-${name}-${serverManifest.version}.tgz`;
      assert.ok(
        globs.some((g) => globToRegExp(g.split('/').pop()!).test(file)),
        `the install names ${file} (${globs.join(' ')})`,
      );
    }
  });

  it('runs as a user of its own, with /data as a volume, a health check and `scanlogin serve`', () => {
    assert.match(final.base, /-slim$/, 'the final image is the slim one');
    // Only built files come in: nothing from the build context itself.
    assert.deepEqual(copiedPaths(final), []);
    const user = ofOp(final, 'USER').at(-1)?.args;
    assert.ok(user && user !== 'root' && user !== '0', `USER ${user}`);
    assert.ok(
      ofOp(final, 'RUN').some((r) => new RegExp(`useradd\\b[^&]*\\s${user}(\\s|$)`).test(r.args)),
      `the image creates ${user}`,
    );
    assert.deepEqual(JSON.parse(ofOp(final, 'VOLUME')[0]!.args), ['/data']);
    assert.match(
      ofOp(final, 'ENV')
        .map((e) => e.args)
        .join(' '),
      /\bDATA_DIR=\/data\b/,
    );
    assert.match(ofOp(final, 'HEALTHCHECK')[0]?.args ?? '', /\/health\b/);
    const cmd = JSON.parse(ofOp(final, 'CMD').at(-1)!.args) as string[];
    const [bin] = Object.keys(serverManifest.bin);
    assert.deepEqual(
      cmd,
      [`/app/node_modules/.bin/${bin}`, 'serve'],
      'exec form: SIGTERM reaches the service',
    );
    assert.equal(bin, 'scanlogin');
  });

  describe('its HEALTHCHECK command', () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer();
    });
    after(async () => {
      await s?.close();
    });

    const command = () => {
      const args = ofOp(final, 'HEALTHCHECK')[0]!.args.replace(/^(--\S+\s+)*CMD\s+/, '');
      return JSON.parse(args) as string[];
    };

    it('passes while the service answers /health', async () => {
      const [node, ...args] = command();
      assert.equal(node, 'node');
      const r = await run(process.execPath, args, { cwd: ROOT, env: { PORT: new URL(s.url).port } });
      assert.equal(r.code, 0, r.stderr);
    });

    it('fails when nothing answers', async () => {
      const [, ...args] = command();
      const r = await run(process.execPath, args, { cwd: ROOT, env: { PORT: String(await freePort()) } });
      assert.equal(r.code, 1);
    });
  });
});

describe('compose.yaml: the embedded default and the cluster behind nginx', () => {
  type Service = {
    build?: string | { context: string };
    image?: string;
    profiles?: string[];
    environment?: Record<string, string>;
    volumes?: string[];
    ports?: string[];
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] | string };
  };
  const compose = parseYaml(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
    volumes?: Record<string, unknown>;
  };
  const services = Object.entries(compose.services);
  const inProfile = (p: string) => services.filter(([, s]) => s.profiles?.includes(p));
  const ours = (s: Service) => s.build === '.' || (typeof s.build === 'object' && s.build.context === '.');

  it('is valid for `docker compose config`, when Compose is installed', async (t) => {
    const version = await run('docker', ['compose', 'version'], { cwd: ROOT }).catch(() => null);
    if (version?.code !== 0) {
      t.skip('docker compose is not installed here (no engine either); the file is parsed below instead');
      return;
    }
    for (const profile of ['embedded', 'cluster']) {
      const r = await run('docker', ['compose', '--profile', profile, 'config', '--quiet'], { cwd: ROOT });
      assert.equal(r.code, 0, r.stderr);
    }
  });

  it('has exactly two profiles, and every service is in one', () => {
    const profiles = new Set(services.flatMap(([, s]) => s.profiles ?? []));
    assert.deepEqual([...profiles].sort(), ['cluster', 'embedded']);
    for (const [name, s] of services) assert.equal(s.profiles?.length, 1, `${name} is in one profile`);
  });

  it('embedded: one instance of the image, its data in a named volume at /data', () => {
    const embedded = inProfile('embedded');
    assert.equal(embedded.length, 1);
    const [, s] = embedded[0]!;
    assert.ok(ours(s), 'built from this Dockerfile');
    assert.equal(s.environment?.DATABASE_URL, undefined);
    const data = s.volumes?.find((v) => v.endsWith(':/data'));
    assert.ok(data, 'a volume at /data');
    assert.ok(compose.volumes && data.split(':')[0]! in compose.volumes, 'a named volume, declared');
  });

  it('cluster: PostgreSQL and Redis with health checks, two instances trusting one hop, nginx in front', () => {
    const cluster = Object.fromEntries(inProfile('cluster'));
    const instances = Object.entries(cluster).filter(([, s]) => ours(s));
    assert.equal(instances.length, 2, 'two instances of the image');
    const backing = Object.entries(cluster).filter(([, s]) => !ours(s));
    const byImage = (prefix: string) => backing.find(([, s]) => s.image?.startsWith(prefix));
    const [pgName, pg] = byImage('postgres:')!;
    const [redisName, redis] = byImage('redis:')!;
    const [, proxy] = byImage('nginx:')!;
    assert.ok(pg.healthcheck && redis.healthcheck, 'PostgreSQL and Redis have health checks');

    const publicUrls = new Set<string>();
    for (const [name, s] of instances) {
      const env = s.environment!;
      assert.match(
        env.DATABASE_URL!,
        new RegExp(`^postgres://[^@]+@${pgName}:5432/`),
        `${name}: DATABASE_URL`,
      );
      assert.match(env.REDIS_URL!, new RegExp(`^redis://${redisName}:6379`), `${name}: REDIS_URL`);
      assert.equal(env.TRUST_PROXY, '1', `${name} trusts exactly one proxy hop`);
      publicUrls.add(env.PUBLIC_URL!);
      assert.equal(s.depends_on?.[pgName]?.condition, 'service_healthy');
      assert.equal(s.depends_on?.[redisName]?.condition, 'service_healthy');
      // The proxy waits for the image's own HEALTHCHECK.
      assert.equal(proxy.depends_on?.[name]?.condition, 'service_healthy', `the proxy waits for ${name}`);
      assert.equal(s.ports, undefined, `${name} is reached through the proxy only`);
    }
    assert.equal(publicUrls.size, 1, 'one PUBLIC_URL (the token issuer) for every instance');
    assert.ok(ofOp(final, 'HEALTHCHECK').length === 1, 'the image has the health check they wait on');

    const mounts = (proxy.volumes ?? []).map((v) => v.split(':'));
    const conf = mounts.find(([, target]) => target === '/etc/nginx/conf.d/default.conf');
    assert.ok(conf, "nginx's config is mounted");
    assert.ok(existsSync(join(ROOT, conf[0]!)), `${conf[0]} exists`);
  });

  it('nginx: the instances upstream, SSE unbuffered with long reads, X-Forwarded-For overwritten', () => {
    const cluster = Object.fromEntries(inProfile('cluster'));
    const instances = Object.keys(cluster).filter((name) => ours(cluster[name]!));
    const [, proxy] = Object.entries(cluster).find(([, s]) => s.image?.startsWith('nginx:'))!;
    const confPath = proxy
      .volumes!.map((v) => v.split(':'))
      .find(([, t]) => t!.startsWith('/etc/nginx'))![0]!;
    const text = readFileSync(join(ROOT, confPath), 'utf8');
    const tree = readNginx(text);

    const upstream = tree.find((d) => d.name === 'upstream')!;
    const port = /\bPORT=(\d+)/.exec(
      ofOp(final, 'ENV')
        .map((e) => e.args)
        .join(' '),
    )![1];
    assert.deepEqual(
      upstream.block!.filter((d) => d.name === 'server').map((d) => d.args[0]),
      instances.map((name) => `${name}:${port}`),
    );

    const server = tree.find((d) => d.name === 'server')!.block!;
    const locations = server.filter((d) => d.name === 'location');
    const setHeaders = (block: Directive[]) => block.filter((d) => d.name === 'proxy_set_header');
    // A location that sets any header of its own inherits none of the server's: each must set it.
    for (const scope of [server, ...locations.map((l) => l.block!)]) {
      const headers = setHeaders(scope);
      if (headers.length === 0) continue;
      const xff = headers.filter((h) => h.args[0]!.toLowerCase() === 'x-forwarded-for');
      assert.deepEqual(
        xff.map((h) => h.args[1]),
        ['$remote_addr'],
        'X-Forwarded-For is the address nginx saw, nothing a client sent',
      );
    }
    assert.equal(setHeaders(server).length > 0, true);
    assert.doesNotMatch(text.replace(/#[^\n]*/g, ''), /\$proxy_add_x_forwarded_for/);

    const events = locations.find((l) => l.args.join(' ') === '= /api/v2/qrcode/events')!.block!;
    const value = (block: Directive[], name: string) => block.find((d) => d.name === name)?.args[0];
    assert.equal(value(events, 'proxy_buffering'), 'off', 'the event stream is not buffered');
    assert.ok(
      seconds(value(events, 'proxy_read_timeout') ?? '60s') >= 600,
      'the stream may stay open for long',
    );
    const check = locations.find((l) => l.args.join(' ') === '= /api/v2/qrcode/check')!.block!;
    assert.ok(seconds(value(check, 'proxy_read_timeout') ?? '60s') > 30, 'a long-poll (30 s) is not cut');
    for (const location of locations) {
      assert.equal(
        value(location.block!, 'proxy_pass'),
        'http://scanlogin',
        `location ${location.args.join(' ')}`,
      );
    }
    // HTTP/1.1 to the upstream: keep-alive, and a stream that is not closed after one answer.
    assert.equal(value(server, 'proxy_http_version'), '1.1');
  });
});
