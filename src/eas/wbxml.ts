/**
 * The WBXML codec bound to EAS's code pages (MS-ASWBXML). Everything above
 * src/wbxml/ encodes and decodes through these four functions.
 */
import { decodeWbxml, type DecodeOptions } from '../wbxml/decode.ts';
import { encodeWbxml } from '../wbxml/encode.ts';
import type { El } from '../wbxml/tree.ts';
import { VocabularyIndex } from '../wbxml/vocabulary.ts';
import { fromXml, toXml, type ToXmlOptions } from '../wbxml/xml.ts';
import { EAS_VOCABULARY } from './codepages.ts';

export const EAS_INDEX = new VocabularyIndex(EAS_VOCABULARY);

export function encodeEas(root: El): Uint8Array<ArrayBuffer> {
  return encodeWbxml(root, EAS_INDEX);
}

export function decodeEas(bytes: Uint8Array, options?: DecodeOptions): El {
  return decodeWbxml(bytes, EAS_INDEX, options);
}

export function easToXml(root: El, options?: ToXmlOptions): string {
  return toXml(root, options);
}

export function easFromXml(xml: string): El {
  return fromXml(xml, EAS_INDEX);
}
