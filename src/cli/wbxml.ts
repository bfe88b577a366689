/** `eas wbxml decode|encode FILE|-`: WBXML <-> the XML form. */
import { decodeEas, easFromXml, easToXml, encodeEas } from '../eas/wbxml.ts';
import { WbxmlError, XmlFormError } from '../wbxml/errors.ts';
import { CliError, readInput, UsageError, writeOutput } from './io.ts';

export const WBXML_USAGE = 'eas wbxml decode FILE|-    eas wbxml encode FILE|-';

export async function wbxmlCommand(args: string[]): Promise<void> {
  const [verb, file, ...rest] = args;
  if ((verb !== 'decode' && verb !== 'encode') || file === undefined || rest.length > 0) {
    throw new UsageError(`usage: ${WBXML_USAGE}`);
  }
  const input = await readInput(file);
  const where = file === '-' ? 'stdin' : file;
  try {
    if (verb === 'decode') await writeOutput(easToXml(decodeEas(input)));
    else await writeOutput(encodeEas(easFromXml(new TextDecoder().decode(input))));
  } catch (e) {
    if (e instanceof WbxmlError || e instanceof XmlFormError) throw new CliError(`${where}: ${e.message}`);
    throw e;
  }
}
