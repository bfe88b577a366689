/**
 * A WBXML vocabulary: the code pages that map tag tokens to names.
 * The codec is generic; EAS's pages (MS-ASWBXML) live in src/eas/codepages.ts.
 */
export interface CodePage {
  /** Page number used with SWITCH_PAGE. */
  readonly page: number;
  /** Namespace name, e.g. "AirSync" (without a trailing colon). */
  readonly ns: string;
  /** Tag names by token (0x05..0x3F). */
  readonly tags: Readonly<Record<number, string>>;
  /** Tags whose content is binary and travels as OPAQUE. */
  readonly opaque?: readonly string[];
  /**
   * Other spellings accepted on input (XML form and encoder), alias → canonical tag name:
   * e.g. libwbxml's "MIME" for MS-ASWBXML's ComposeMail "Mime". Decoding always gives the canonical name.
   */
  readonly aliases?: Readonly<Record<string, string>>;
}

export interface Vocabulary {
  readonly pages: readonly CodePage[];
  /** Namespace for XML without any xmlns (libwbxml's AirSync documents). */
  readonly defaultNs: string;
}

/** Precomputed lookups for one vocabulary. */
export class VocabularyIndex {
  private readonly byPage = new Map<number, CodePage>();
  private readonly byNs = new Map<string, { page: CodePage; tokens: Map<string, number> }>();
  private readonly nsAlias = new Map<string, string>();
  private readonly opaque = new Set<string>();

  constructor(readonly vocabulary: Vocabulary) {
    for (const p of vocabulary.pages) {
      this.byPage.set(p.page, p);
      const tokens = new Map<string, number>();
      for (const [tok, name] of Object.entries(p.tags)) tokens.set(name, Number(tok));
      for (const [alias, name] of Object.entries(p.aliases ?? {})) {
        const tok = tokens.get(name);
        if (tok === undefined) throw new Error(`${p.ns}: alias ${alias} names unknown tag ${name}`);
        if (!tokens.has(alias)) tokens.set(alias, tok);
      }
      this.byNs.set(p.ns, { page: p, tokens });
      this.nsAlias.set(p.ns.toLowerCase(), p.ns);
      for (const t of p.opaque ?? []) this.opaque.add(`${p.ns}:${t}`);
    }
  }

  page(n: number): CodePage | undefined {
    return this.byPage.get(n);
  }

  /** Page and token of a tag, or undefined when the vocabulary has no such tag. */
  token(namespace: string, name: string): { page: number; token: number } | undefined {
    const entry = this.byNs.get(namespace);
    const token = entry?.tokens.get(name);
    if (!entry || token === undefined) return undefined;
    return { page: entry.page.page, token };
  }

  /** The canonical tag name for a name or alias; the name itself when the page does not know it. */
  canonicalName(namespace: string, name: string): string {
    const entry = this.byNs.get(namespace);
    const token = entry?.tokens.get(name);
    return (token !== undefined && entry?.page.tags[token]) || name;
  }

  /** The first page, in page order, that has a tag of that name (or alias). */
  namespaceOf(name: string): string | undefined {
    for (const [ns, entry] of this.byNs) if (entry.tokens.has(name)) return ns;
    return undefined;
  }

  isOpaque(namespace: string, name: string): boolean {
    return this.opaque.has(`${namespace}:${name}`);
  }

  /**
   * The canonical namespace name for an XML namespace string. Accepts "AirSync",
   * "AirSync:" (libwbxml), any case, and URIs whose last path segment names the
   * page ("http://synce.org/formats/airsync_wm5/airsync").
   */
  resolveNs(uri: string): string | undefined {
    let key = uri.trim();
    if (key.endsWith(':')) key = key.slice(0, -1);
    const direct = this.nsAlias.get(key.toLowerCase());
    if (direct) return direct;
    const slash = key.lastIndexOf('/');
    if (slash >= 0) return this.nsAlias.get(key.slice(slash + 1).toLowerCase());
    return undefined;
  }
}
