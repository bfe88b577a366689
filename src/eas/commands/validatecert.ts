/**
 * ValidateCert (MS-ASCMD 2.2.1.22): asks the server to validate S/MIME
 * certificates, e.g. of a signed message, optionally against revocation lists.
 *
 * <ValidateCert><CertificateChain><Certificate/>...</CertificateChain>?
 * <Certificates><Certificate/>...</Certificates><CheckCRL/>?</ValidateCert>
 */
import type { El } from '../../wbxml/tree.ts';
import { intAt, kids, ns } from '../../wbxml/tree.ts';
import type { EasContext, EasRequest } from '../command.ts';
import { EasProtocolError } from '../command.ts';
import { missing, requireRoot, statusText } from './common.ts';

const vc = ns('ValidateCert');

/** ValidateCert status codes (MS-ASCMD 2.2.3.177.18); the command Status is 1 or 17. */
export type ValidateCertStatus =
  /** Success. */
  | 1
  /** Protocol error: parameters out of range or invalid. */
  | 2
  /** The signature in the digital ID cannot be validated. */
  | 3
  /** The digital ID was issued by an untrusted source. */
  | 4
  /** The certificate chain that contains the digital ID was not created correctly. */
  | 5
  /** The digital ID is not valid for signing email. */
  | 6
  /** The digital ID has expired or is not yet valid. */
  | 7
  /** The validity periods of the certificates in the chain are not properly nested. */
  | 8
  /** A certificate in the chain was used for a purpose it was not issued for. */
  | 9
  /** Revocation information for the digital ID cannot be obtained. */
  | 10
  /** A certificate in the chain that is not a certification authority was used as one. */
  | 11
  /** The digital ID does not match the sender's email address. */
  | 12
  /** The digital ID has been revoked. */
  | 13
  /** The server that holds the revocation information is offline. */
  | 14
  /** A certificate in the chain has been revoked. */
  | 15
  /** The revocation status of the digital ID cannot be determined. */
  | 16
  /** An unknown server error occurred. */
  | 17;

export const describeValidateCertStatus: Readonly<Record<ValidateCertStatus, string>> = {
  1: 'Success',
  2: 'Protocol error',
  3: 'The signature cannot be validated',
  4: 'Issued by an untrusted source',
  5: 'The certificate chain is not correct',
  6: 'Not valid for signing email',
  7: 'Expired or not yet valid',
  8: 'Validity periods are not properly nested',
  9: 'A certificate was used for the wrong purpose',
  10: 'Revocation information cannot be obtained',
  11: 'A non-CA certificate was used as a CA',
  12: 'Does not match the sender address',
  13: 'Revoked',
  14: 'The revocation server is offline',
  15: 'A certificate in the chain is revoked',
  16: 'Revocation status unknown',
  17: 'Unknown server error',
};

/** Short English text for a ValidateCert status code. */
export function validateCertStatusText(code: number): string {
  return statusText(describeValidateCertStatus, code, 'ValidateCert');
}

export interface ValidateCertRequest {
  /** The certificates to validate, base64 (MS-ASCMD 2.2.3.19.2). */
  readonly certificates: readonly string[];
  /** Intermediate certificates that complete the chain, base64 (MS-ASCMD 2.2.3.20). */
  readonly certificateChain?: readonly string[];
  /** Also check the certificate revocation lists (MS-ASCMD 2.2.3.26). */
  readonly checkCrl?: boolean;
}

export interface ValidateCertResponse {
  /** 1 or 17, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  /** One ValidateCertStatus per certificate, in request order. */
  readonly certificates: readonly number[];
}

export function buildValidateCert(req: ValidateCertRequest, _ctx: EasContext): EasRequest {
  if (req.certificates.length === 0) throw new EasProtocolError('no certificate to validate', 'ValidateCert');
  const cert = (c: string): El => vc('Certificate', c);
  const body = vc(
    'ValidateCert',
    req.certificateChain && req.certificateChain.length > 0 && vc('CertificateChain', req.certificateChain.map(cert)),
    vc('Certificates', req.certificates.map(cert)),
    // MS-ASCMD 2.2.3.26: "1" asks for the CRL check.
    req.checkCrl && vc('CheckCRL', '1'),
  );
  return { cmd: 'ValidateCert', body };
}

export function parseValidateCert(root: El | null, _ctx: EasContext): ValidateCertResponse {
  const r = requireRoot(root, 'ValidateCert', 'ValidateCert');
  const status = intAt(r, 'Status');
  if (status === undefined) missing('ValidateCert', 'ValidateCert/Status');
  return { status, certificates: kids(r, 'Certificate').map(certificateStatus) };
}

function certificateStatus(e: El): number {
  const status = intAt(e, 'Status');
  if (status === undefined) missing('ValidateCert', 'Certificate/Status');
  return status;
}
