/**
 * The built PWA from `dist/`: GET and HEAD of files under one root and nothing
 * outside it (no `..`, no symbolic links leading out), index.html for page
 * navigations to unknown paths, validators for cheap revalidation, and a cache
 * policy that never pins an old app: index.html, the service worker and every
 * other unhashed file are revalidated on each use; Vite's content-hashed files
 * under assets/ are cached for a year.
 */
import { open, realpath, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { plainText } from './respond.ts';

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export function contentType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Vite names built assets `assets/name-HASH.ext` (hash of 8+ base64url characters). */
const HASHED = /^assets\/(?:[^/]+\/)*[^/]*-[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9]+)+$/;

export const LONG_CACHE = 'public, max-age=31536000, immutable';

/** The Cache-Control of a file by its path relative to the root ("assets/index-CshFEUco.js"). */
export function cacheControl(relative: string): string {
  return HASHED.test(relative) ? LONG_CACHE : 'no-cache';
}

/** A browser navigation (as opposed to a script, style or fetch), which gets the app for unknown paths. */
function isNavigation(req: IncomingMessage): boolean {
  const mode = req.headers['sec-fetch-mode'];
  return mode === 'navigate' || (mode === undefined && (req.headers.accept ?? '').includes('text/html'));
}

/**
 * The root-relative path of the request ("assets/x.js"), or `null` when the request
 * leaves the root or cannot be decoded. URL parsing already removed `.`/`..` segments;
 * what remains to refuse is an encoded separator or dot-segment (`..%2f`), a NUL, or a backslash.
 */
export function relativePath(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  return segments.join('/');
}

interface Found {
  readonly handle: FileHandle;
  readonly relative: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Opens ROOT/relative (or its index.html) if it is a regular file whose real path stays inside the root. */
async function openInside(root: string, relative: string): Promise<Found | undefined> {
  let rel = relative;
  let handle: FileHandle | undefined;
  try {
    let real = await realpath(join(root, rel));
    handle = await open(real, 'r');
    let stat = await handle.stat();
    if (stat.isDirectory()) {
      await handle.close();
      handle = undefined;
      rel = rel === '' ? 'index.html' : `${rel}/index.html`;
      real = await realpath(join(root, rel));
      handle = await open(real, 'r');
      stat = await handle.stat();
    }
    if (!stat.isFile() || !(real === root || real.startsWith(root + sep))) {
      await handle.close();
      return undefined;
    }
    return { handle, relative: rel, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch {
    await handle?.close();
    return undefined;
  }
}

function etagOf(f: Found): string {
  return `W/"${f.size.toString(16)}-${Math.floor(f.mtimeMs).toString(16)}"`;
}

/** Sends the file (or 304, or the headers for HEAD); returns the body bytes sent. */
function send(req: IncomingMessage, res: ServerResponse, f: Found): number {
  const etag = etagOf(f);
  res.setHeader('Content-Type', contentType(f.relative));
  res.setHeader('Cache-Control', cacheControl(f.relative));
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', new Date(f.mtimeMs).toUTCString());
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const match = req.headers['if-none-match'];
  const notModified = match?.split(',').some((t) => t.trim() === etag); // RFC 9110 13.1.2
  if (notModified || req.method === 'HEAD') {
    void f.handle.close();
    if (notModified) res.statusCode = 304;
    else res.setHeader('Content-Length', f.size);
    res.end();
    return 0;
  }
  res.setHeader('Content-Length', f.size);
  const stream = f.handle.createReadStream();
  stream.on('error', () => res.destroy());
  stream.pipe(res);
  return f.size;
}

/**
 * Answers a request for a static file; returns the body bytes sent. `root` must be a
 * real path (no symbolic links), as `realpath()` returns it.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, pathname: string): Promise<number> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    plainText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    return 0;
  }
  const relative = relativePath(pathname);
  const found =
    relative === null
      ? undefined
      : ((await openInside(root, relative)) ?? (isNavigation(req) ? await openInside(root, 'index.html') : undefined));
  if (found) return send(req, res, found);
  if (relative === null) plainText(res, 400, 'Bad Request');
  else plainText(res, 404, 'Not Found');
  return 0;
}
