import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const crypto = webcrypto;
// Node's WebCrypto is the standard one; only the DOM typings differ.
x509.cryptoProvider.set(crypto as never);

const EC: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 24 * 60 * 60 * 1000;

/** File paths of the PEM files that make up the local cluster's PKI. */
export interface ClusterPki {
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserverCert: string;
  readonly apiserverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly kubeletCert: string;
  readonly kubeletKey: string;
  /** kube-proxy's client certificate (`system:kube-proxy`, bound to `system:node-proxier`). */
  readonly kubeProxyCert: string;
  readonly kubeProxyKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

interface Issued {
  readonly certPem: string;
  readonly keyPem: string;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
}

async function privatePem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function publicPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('spki', key);
  return x509.PemConverter.encode(der, 'PUBLIC KEY');
}

function validity(): { notBefore: Date; notAfter: Date } {
  // Backdated a little so clock skew between processes never matters.
  const now = Date.now();
  return { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };
}

async function issue(
  ca: { cert: x509.X509Certificate; keys: CryptoKeyPair },
  subject: string,
  usage: 'server' | 'client' | 'both',
  ips: readonly string[] = [],
): Promise<Issued> {
  const keys = await keyPair();
  const ekus = {
    server: [x509.ExtendedKeyUsage.serverAuth],
    client: [x509.ExtendedKeyUsage.clientAuth],
    both: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
  }[usage];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(ekus),
  ];
  if (usage !== 'client') {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        ...ips.map((value) => ({ type: 'ip' as const, value })),
        { type: 'dns', value: 'localhost' },
        { type: 'dns', value: 'kubernetes' },
        { type: 'dns', value: 'kubernetes.default' },
        { type: 'dns', value: 'kubernetes.default.svc' },
        { type: 'dns', value: 'kubernetes.default.svc.cluster.local' },
      ]),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    subject,
    issuer: ca.cert.subject,
    ...validity(),
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await privatePem(keys.privateKey) };
}

/**
 * Generates the local cluster's PKI into `dir`: one CA that signs the
 * apiserver's serving certificate, the admin client certificate (group
 * `system:masters`) and the node agent's kubelet serving certificate, plus the
 * service-account token signing key pair. `ips` are added to the serving
 * certificates' names (the real node's address, the `kubernetes` ClusterIP). EC P-256 keeps generation in the
 * tens of milliseconds.
 */
export async function generatePki(dir: string, { ips = [] }: { ips?: readonly string[] } = {}): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caKeys = await keyPair();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=sluice-local-ca',
    ...validity(),
    signingAlgorithm: EC,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const ca = { cert: caCert, keys: caKeys };
  const apiserver = await issue(ca, 'CN=kube-apiserver', 'server', ips);
  const admin = await issue(ca, 'CN=sluice-admin, O=system:masters', 'client');
  const kubelet = await issue(ca, 'CN=system:node:local-node, O=system:nodes', 'both', ips);
  const kubeProxy = await issue(ca, 'CN=system:kube-proxy', 'client');
  const saKeys = await keyPair();

  const files: Record<keyof ClusterPki, string> = {
    caCert: 'ca.crt',
    caKey: 'ca.key',
    apiserverCert: 'apiserver.crt',
    apiserverKey: 'apiserver.key',
    adminCert: 'admin.crt',
    adminKey: 'admin.key',
    kubeletCert: 'kubelet.crt',
    kubeletKey: 'kubelet.key',
    kubeProxyCert: 'kube-proxy.crt',
    kubeProxyKey: 'kube-proxy.key',
    serviceAccountKey: 'sa.key',
    serviceAccountPub: 'sa.pub',
  };
  const contents: Record<keyof ClusterPki, string> = {
    caCert: caCert.toString('pem'),
    caKey: await privatePem(caKeys.privateKey),
    apiserverCert: apiserver.certPem,
    apiserverKey: apiserver.keyPem,
    adminCert: admin.certPem,
    adminKey: admin.keyPem,
    kubeletCert: kubelet.certPem,
    kubeletKey: kubelet.keyPem,
    kubeProxyCert: kubeProxy.certPem,
    kubeProxyKey: kubeProxy.keyPem,
    serviceAccountKey: await privatePem(saKeys.privateKey),
    serviceAccountPub: await publicPem(saKeys.publicKey),
  };
  const paths = {} as Record<keyof ClusterPki, string>;
  for (const key of Object.keys(files) as (keyof ClusterPki)[]) {
    paths[key] = join(dir, files[key]);
    await writeFile(paths[key], `${contents[key].trim()}\n`, { mode: 0o600 });
  }
  return paths;
}
