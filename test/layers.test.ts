/**
 * The architecture as a rule: which folder may import from which. Every relative
 * import (static, `export … from`, dynamic `import()`, type-only ones too: they couple
 * the code just the same) of every file under src/ and mocks/ is checked against the
 * table below; an upward or sideways import fails the test and names the line to fix.
 *
 *   wbxml ← eas ← store ← sync ← runtime ← ui
 *                                        ← sw (src/sw/, src/sw.ts)
 *   i18n (catalogs) ← runtime, ui     demo (mocks/ in the browser) ← runtime, ui, sw
 *   probe, proxy, cli: the command-line side; they use the protocol, nothing uses them
 *   mocks: the mock server; it shares the WBXML codec with the client, not its parsing
 *
 * A folder added under src/ fails here until it has a row.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** One layer: where it is, what it is, and the folders (or single files) it may import from. */
interface Layer {
  readonly what: string;
  readonly uses: readonly string[];
}

/** Read from the bottom up: each layer may use only what is listed on its row. */
const LAYERS: Readonly<Record<string, Layer>> = {
  'src/wbxml': { what: 'the WBXML 1.3 codec and its XML form', uses: [] },
  'src/eas': { what: 'the protocol, pure: code pages, HTTP, commands', uses: ['src/wbxml'] },
  'src/store': { what: 'the IndexedDB store', uses: ['src/eas'] },
  'src/sync': { what: 'the sync engine (page, worker or Node)', uses: ['src/store', 'src/eas', 'src/wbxml'] },
  'src/i18n': { what: 'the message catalogs, English and Japanese', uses: [] },
  'src/demo': { what: 'the demo server: the mock in the browser', uses: ['mocks'] },
  'src/runtime': {
    what: 'hosts the engine for the screens and the worker',
    uses: ['src/sync', 'src/store', 'src/eas', 'src/i18n', 'src/demo'],
  },
  'src/ui': { what: 'the screens', uses: ['src/runtime', 'src/store', 'src/eas', 'src/wbxml', 'src/i18n', 'src/demo'] },
  'src/sw': { what: 'the service worker (src/sw.ts and src/sw/)', uses: ['src/runtime', 'src/store', 'src/demo'] },
  'src/probe': { what: 'the server probe (`eas probe`)', uses: ['src/eas', 'src/wbxml'] },
  'src/proxy': { what: 'the CORS proxy (`eas proxy`)', uses: ['src/eas', 'src/wbxml'] },
  'src/cli': { what: 'the `eas` command', uses: ['src/probe', 'src/proxy', 'src/sync', 'src/store', 'src/eas', 'src/wbxml', 'mocks'] },
  // The mock shares the WBXML codec, the code pages and the version list with the
  // client, and reads the probe's trace files to replay them; it builds and parses
  // every command itself (nothing from src/eas/commands or src/eas/items).
  mocks: { what: 'the stateful mock EAS server', uses: ['src/wbxml', 'src/eas/wbxml.ts', 'src/eas/version.ts', 'src/probe/trace.ts'] },
};

const ROOT = resolve(import.meta.dirname, '..');

/** The layer a repository path belongs to: its row's folder, or undefined. */
function layerOf(path: string): string | undefined {
  if (path === 'src/sw.ts') return 'src/sw';
  const [top, second] = path.split('/');
  const key = top === 'src' ? `src/${second}` : top;
  return key !== undefined && key in LAYERS ? key : undefined;
}

const within = (path: string, entry: string): boolean => path === entry || path.startsWith(`${entry}/`);

/** Every relative import of one file: the repository path it names, and its line. */
function importsOf(path: string, source: string): { target: string; line: number }[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles
    .filter((f) => f.fileName.startsWith('.'))
    .map((f) => ({
      target: relative(ROOT, resolve(ROOT, dirname(path), f.fileName))
        .split('\\')
        .join('/'),
      line: source.slice(0, f.pos).split('\n').length,
    }));
}

/** The imports `files` (path → source) make that their layer's row does not allow. */
function violations(files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [path, source] of files) {
    const from = layerOf(path);
    if (!from) {
      out.push(`${path}: in no layer (give its folder a row in LAYERS)`);
      continue;
    }
    for (const { target, line } of importsOf(path, source)) {
      const to = layerOf(target);
      if (to === from || !to) continue;
      if (!LAYERS[from]?.uses.some((entry) => within(target, entry)))
        out.push(`${path}:${line} imports ${target}: ${from} may use ${LAYERS[from]?.uses.join(', ') || 'nothing'}`);
    }
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split('\\').join('/'));
}

describe('layers', () => {
  it('no file under src/ or mocks/ imports upward or sideways', () => {
    const files = new Map([...sources('src'), ...sources('mocks')].map((p) => [p, readFileSync(join(ROOT, p), 'utf8')]));
    expect(files.size).toBeGreaterThan(200);
    expect(violations(files)).toEqual([]);
  });

  it('names an upward import, a sideways one between the screens and the worker, and a file with no layer', () => {
    const files = new Map([
      ['src/eas/x.ts', "import { createEngine } from '../sync/engine.ts';"],
      ['src/ui/y.tsx', "export type { Broadcast } from '../sw/types.ts';\nconst m = () => import('../runtime/start.ts');"],
      ['src/sw/z.ts', "// the worker\nimport type { I18n } from '../ui/i18n/index.ts';"],
      ['mocks/w.ts', "import { parseSync } from '../src/eas/commands/sync.ts';\nimport { el } from '../src/wbxml/tree.ts';"],
      ['src/extra/v.ts', ''],
    ]);
    expect(violations(files)).toEqual([
      'src/eas/x.ts:1 imports src/sync/engine.ts: src/eas may use src/wbxml',
      'src/ui/y.tsx:1 imports src/sw/types.ts: src/ui may use src/runtime, src/store, src/eas, src/wbxml, src/i18n, src/demo',
      'src/sw/z.ts:2 imports src/ui/i18n/index.ts: src/sw may use src/runtime, src/store, src/demo',
      'mocks/w.ts:1 imports src/eas/commands/sync.ts: mocks may use src/wbxml, src/eas/wbxml.ts, src/eas/version.ts, src/probe/trace.ts',
      'src/extra/v.ts: in no layer (give its folder a row in LAYERS)',
    ]);
  });
});
