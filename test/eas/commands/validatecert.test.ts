import { describe, expect, it } from 'vitest';
import { buildValidateCert, parseValidateCert, validateCertStatusText } from '../../../src/eas/commands/validatecert.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import { decodeEas, encodeEas } from '../../../src/eas/wbxml.ts';
import { ns, type El } from '../../../src/wbxml/tree.ts';

const vc = ns('ValidateCert');
const v121: EasContext = { version: '12.1' };
const v161: EasContext = { version: '16.1' };

describe('buildValidateCert', () => {
  it('sends the chain, the certificates and the CRL check', () => {
    const req = buildValidateCert({ certificateChain: ['MIIChain1', 'MIIChain2'], certificates: ['MIISigner'], checkCrl: true }, v161);
    expect(req.cmd).toBe('ValidateCert');
    expect(req.body).toEqual(
      vc(
        'ValidateCert',
        vc('CertificateChain', vc('Certificate', 'MIIChain1'), vc('Certificate', 'MIIChain2')),
        vc('Certificates', vc('Certificate', 'MIISigner')),
        vc('CheckCRL', '1'),
      ),
    );
    expect(decodeEas(encodeEas(req.body as El))).toEqual(req.body);
  });

  it('sends only the certificates when nothing else is asked', () => {
    expect(buildValidateCert({ certificates: ['A', 'B'] }, v121).body).toEqual(
      vc('ValidateCert', vc('Certificates', vc('Certificate', 'A'), vc('Certificate', 'B'))),
    );
  });

  it('refuses an empty request', () => {
    expect(() => buildValidateCert({ certificates: [] }, v121)).toThrow(EasProtocolError);
  });
});

describe('parseValidateCert', () => {
  it('reads one status per certificate', () => {
    const root = vc('ValidateCert', vc('Status', '1'), vc('Certificate', vc('Status', '1')), vc('Certificate', vc('Status', '13')));
    expect(parseValidateCert(decodeEas(encodeEas(root)), v161)).toEqual({ status: 1, certificates: [1, 13] });
    expect(validateCertStatusText(13)).toBe('Revoked');
  });

  it('reads a command failure', () => {
    expect(parseValidateCert(vc('ValidateCert', vc('Status', '17')), v161)).toEqual({ status: 17, certificates: [] });
  });

  it('throws when a Status is missing', () => {
    expect(() => parseValidateCert(vc('ValidateCert'), v161)).toThrow(EasProtocolError);
    expect(() => parseValidateCert(vc('ValidateCert', vc('Status', '1'), vc('Certificate')), v161)).toThrow(/Certificate\/Status/);
  });
});
