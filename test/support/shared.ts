/**
 * The optional material beside the repository, in `../shared` (the CI workspace has it; a
 * clone elsewhere does not): Microsoft's XSDs of the EAS Interop test suites
 * (`spec/xsd`) and libwbxml's test documents (`fixtures/libwbxml`). Neither is ours to copy
 * into the repository. The tests that use them run in full where they are present and,
 * where they are absent, skip what needs them with one line saying what and why.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED_DIR = resolve(import.meta.dirname, '../../../shared');
export const XSD_DIR = join(SHARED_DIR, 'spec/xsd');
export const LIBWBXML_DIR = join(SHARED_DIR, 'fixtures/libwbxml');

export const HAS_XSDS = existsSync(XSD_DIR);
export const HAS_LIBWBXML = existsSync(LIBWBXML_DIR);

const told = new Set<string>();

/** Prints once per test file that `what` is skipped because `dir` is absent; returns whether it is. */
export function absent(present: boolean, dir: string, what: string): boolean {
  if (!present && !told.has(what)) {
    told.add(what);
    console.warn(`skipped: ${what} (${dir} is not beside the repository)`);
  }
  return !present;
}

/** True (after one notice) when Microsoft's XSDs are absent. */
export const noXsds = (what: string): boolean => absent(HAS_XSDS, "../shared/spec/xsd, Microsoft's EAS XSDs,", what);
/** True (after one notice) when libwbxml's test documents are absent. */
export const noLibwbxml = (what: string): boolean => absent(HAS_LIBWBXML, "../shared/fixtures/libwbxml, libwbxml's test documents,", what);
