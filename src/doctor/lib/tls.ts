// The EHR's TLS certificate as this host sees it: one verified handshake (the same verification
// fetch does), reporting validity dates, or the verification error code when it fails.
import { connect } from 'node:tls';
import { networkCode } from './http.ts';

export type CertificateInfo =
  | {
      readonly ok: true;
      readonly subject: string | undefined;
      readonly issuer: string | undefined;
      readonly validFrom: string;
      readonly validTo: string;
    }
  | { readonly ok: false; readonly code: string | undefined; readonly message: string };

export function inspectCertificate(url: URL, timeoutMs: number): Promise<CertificateInfo> {
  const port = url.port === '' ? 443 : Number(url.port);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    let settled = false;
    const finish = (info: CertificateInfo) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(info);
    };
    const socket = connect({
      host,
      port,
      // SNI takes a host name, never an IP address (RFC 6066 section 3).
      ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(
      () => finish({ ok: false, code: 'ETIMEDOUT', message: `no TLS handshake within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      finish({
        ok: true,
        subject: firstValue(certificate.subject?.CN),
        issuer: firstValue(certificate.issuer?.O) ?? firstValue(certificate.issuer?.CN),
        validFrom: new Date(certificate.valid_from).toISOString(),
        validTo: new Date(certificate.valid_to).toISOString(),
      });
    });
    socket.once('error', (error) => finish({ ok: false, code: networkCode(error), message: error.message }));
  });
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
