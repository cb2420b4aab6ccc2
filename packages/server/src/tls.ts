/**
 * HTTPS for the service: the user's own certificate (TLS_CERT + TLS_KEY), or
 * a self-signed one made on request (HTTPS=self-signed) so a phone on the LAN
 * gets the secure page its camera needs. The self-signed pair lives in
 * `${DATA_DIR}/tls/` (key mode 0600) and is reused on later starts while it
 * still covers this machine's addresses.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { ConfigError } from './config/load.js';
import type { Config } from './config/schema.js';

/** What Fastify's `https` option takes. */
export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
}

export interface ResolvedTls extends TlsMaterial {
  source: 'files' | 'self-signed';
  certPath: string;
  keyPath: string;
  /** For self-signed: true when this start made the pair, false when it reused it. */
  created: boolean;
  /** The names and addresses the certificate is valid for. */
  names: string[];
}

/** A certificate is made again when fewer days than this remain. */
const RENEW_BEFORE_DAYS = 30;
/** iOS refuses server certificates valid for more than 825 days; stay well below. */
const VALID_DAYS = 397;

/** The machine's LAN IPv4 addresses (not loopback, not link-local), as a phone would reach it. */
export function lanIPv4Addresses(): string[] {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      const v4 = a.family === 'IPv4' || (a.family as unknown) === 4;
      if (v4 && !a.internal && !a.address.startsWith('169.254.')) out.add(a.address);
    }
  }
  return [...out].sort();
}

/** DNS names and IP addresses the self-signed certificate covers. */
export function selfSignedNames(extraIps: string[] = lanIPv4Addresses()): { dns: string[]; ips: string[] } {
  const dns = ['localhost'];
  const host = hostname().toLowerCase();
  // A plain host name (and its mDNS .local form) helps phones that resolve it; skip odd ones.
  if (/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(host) && host !== 'localhost')
    dns.push(host, `${host}.local`);
  const ips = [...new Set(['127.0.0.1', '::1', ...extraIps])];
  return { dns, ips };
}

/**
 * Makes a self-signed certificate (RSA 2048, SHA-256, serverAuth) for the
 * given names. The key pair comes from Node's crypto (fast, native); the
 * certificate is assembled by node-forge.
 */
export function createSelfSignedCertificate(
  names: { dns: string[]; ips: string[] },
  now = new Date(),
): { keyPem: string; certPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // A positive serial: clear the top bit of 16 random bytes.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60_000);
  cert.validity.notAfter = new Date(now.getTime() + VALID_DAYS * 86_400_000);
  const subject = [
    { name: 'commonName', value: `Scanlogin (${names.dns.find((d) => d !== 'localhost') ?? 'localhost'})` },
    { name: 'organizationName', value: 'Scanlogin self-signed' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...names.dns.map((value) => ({ type: 2, value })),
        ...names.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  return { keyPem, certPem: forge.pki.certificateToPem(cert) };
}

/** The DNS names and IP addresses in a certificate's subjectAltName. */
export function certificateNames(certPem: string | Buffer): string[] {
  const san = new X509Certificate(certPem).subjectAltName ?? '';
  return san
    .split(',')
    .map((s) => s.trim())
    .map((s) => normaliseIp(s.replace(/^(DNS|IP Address):/, '')))
    .filter(Boolean);
}

function normaliseIp(ip: string): string {
  // X509Certificate prints ::1 as 0:0:0:0:0:0:0:1.
  return ip === '0:0:0:0:0:0:0:1' ? '::1' : ip.toLowerCase();
}

/** Whether a stored certificate still fits: parses, not near expiry, covers every wanted address. */
function reusable(certPem: Buffer, keyPem: Buffer, wantedIps: string[], now: Date): boolean {
  try {
    const x509 = new X509Certificate(certPem);
    if (!x509.checkPrivateKey(createPrivateKey(keyPem))) return false;
    if (new Date(x509.validTo).getTime() - now.getTime() < RENEW_BEFORE_DAYS * 86_400_000) return false;
    const have = new Set(certificateNames(certPem).map(normaliseIp));
    return wantedIps.every((ip) => have.has(normaliseIp(ip)));
  } catch {
    return false;
  }
}

/**
 * The self-signed pair in `${dataDir}/tls/`: reused when it still fits this
 * machine, else (re)made. The key file is written with mode 0600.
 */
export function ensureSelfSigned(dataDir: string, now = new Date()): ResolvedTls {
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const names = selfSignedNames();
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath);
    const key = readFileSync(keyPath);
    if (reusable(cert, key, names.ips, now)) {
      chmodSync(keyPath, 0o600);
      return {
        source: 'self-signed',
        key,
        cert,
        certPath,
        keyPath,
        created: false,
        names: certificateNames(cert),
      };
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { keyPem, certPem } = createSelfSignedCertificate(names, now);
  writeFileSync(keyPath, keyPem, { mode: 0o600 });
  chmodSync(keyPath, 0o600); // in case the file existed with a wider mode
  writeFileSync(certPath, certPem, { mode: 0o644 });
  return {
    source: 'self-signed',
    key: Buffer.from(keyPem),
    cert: Buffer.from(certPem),
    certPath,
    keyPath,
    created: true,
    names: certificateNames(certPem),
  };
}

/**
 * The HTTPS material the settings ask for, or null for plain HTTP.
 * TLS_CERT and TLS_KEY go together; HTTPS=self-signed excludes them.
 */
export function resolveTls(
  config: Pick<Config, 'https' | 'tlsCert' | 'tlsKey' | 'dataDir'>,
  now = new Date(),
): ResolvedTls | null {
  const selfSigned = config.https === 'self-signed';
  if (config.tlsCert || config.tlsKey) {
    if (selfSigned) throw new ConfigError(['Set either HTTPS=self-signed or TLS_CERT/TLS_KEY, not both.']);
    if (!config.tlsCert || !config.tlsKey)
      throw new ConfigError(['TLS_CERT and TLS_KEY must be set together.']);
    let cert: Buffer;
    let key: Buffer;
    try {
      cert = readFileSync(config.tlsCert);
      key = readFileSync(config.tlsKey);
    } catch (err) {
      throw new ConfigError([`Cannot read TLS_CERT/TLS_KEY: ${(err as Error).message}`]);
    }
    let names: string[];
    try {
      names = certificateNames(cert);
    } catch {
      throw new ConfigError([`TLS_CERT (${config.tlsCert}) is not a PEM certificate.`]);
    }
    return {
      source: 'files',
      key,
      cert,
      certPath: config.tlsCert,
      keyPath: config.tlsKey,
      created: false,
      names,
    };
  }
  return selfSigned ? ensureSelfSigned(config.dataDir, now) : null;
}
