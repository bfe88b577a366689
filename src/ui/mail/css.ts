/**
 * A mail's CSS, read by a real CSS parser (css-tree) instead of regular expressions, so
 * that every way CSS names a resource is seen as the browser will see it: url() in any
 * spelling (escapes, quotes, whitespace), the bare strings of image-set() and
 * -webkit-image-set() (CSS Images 4: a string there is a URL), @import with a string,
 * @font-face src. Each reference goes through `resource`, which keeps it (returning the
 * URL to write) or drops it. What the parser could not read (a Raw value: an unfinished
 * url(, a custom property) is dropped whole: the browser might read it as a URL.
 */
import { generate, ident, parse, walk, type CssNode, type FunctionNode, type List, type ListItem, type WalkContext } from 'css-tree';

/** What a reference loads: an image (url(), image-set), a style sheet (@import) or a font (@font-face src). */
export type ResourceUse = 'image' | 'style' | 'font';

/** The URL to write for a reference, or undefined to drop it. */
export type ResourcePolicy = (raw: string, use: ResourceUse) => string | undefined;

/** Functions whose string arguments are URLs (CSS Images 4 image-set()/image(), CSS Values 4 src(); url() spelled with escapes). */
const URL_STRING_FUNCTIONS = new Set([
  'image-set',
  '-webkit-image-set',
  'image',
  '-webkit-image',
  'src',
  'url',
  'cross-fade',
  '-webkit-cross-fade',
]);
/** Legacy ways to run code from CSS (IE expression(), behaviors, XBL bindings). */
const CODE_PROPERTIES = new Set(['behavior', '-moz-binding']);
const CODE_FUNCTIONS = new Set(['expression']);
/** At-rules a mail may keep; any other (@namespace, @document, unknown ones) goes. */
const KEPT_ATRULES = new Set(['media', 'supports', 'font-face', 'keyframes', '-webkit-keyframes', 'page', 'import', 'layer', 'container']);

const nameOf = (s: string): string => ident.decode(s).toLowerCase();

/** A whole style sheet (a <style> element). */
export function cleanStyleSheet(css: string, resource: ResourcePolicy): string {
  return clean(css, 'stylesheet', resource);
}

/** The declarations of a style attribute. */
export function cleanDeclarations(css: string, resource: ResourcePolicy): string {
  return clean(css, 'declarationList', resource);
}

function clean(css: string, context: 'stylesheet' | 'declarationList', resource: ResourcePolicy): string {
  let ast: CssNode;
  try {
    ast = parse(css, { context, parseValue: true, parseAtrulePrelude: true, parseRulePrelude: false, parseCustomProperty: false });
  } catch {
    return ''; // css-tree recovers from errors; anything it throws on is not kept
  }
  dropUnsafe(ast);
  rewriteResources(ast, resource);
  return generate(ast);
}

/** At-rules not on the list; declarations that could run code or that the parser could not read. */
function dropUnsafe(ast: CssNode): void {
  walk(ast, {
    visit: 'Atrule',
    enter(node, item, list) {
      if (!KEPT_ATRULES.has(nameOf(node.name))) list?.remove(item);
    },
  });
  walk(ast, {
    visit: 'Declaration',
    enter(node, item, list) {
      if (CODE_PROPERTIES.has(nameOf(node.property)) || node.property.startsWith('--') || unreadable(node.value)) list?.remove(item);
    },
  });
}

/** A value with a part the parser left as raw text, or with a code-running function. */
function unreadable(value: CssNode): boolean {
  let bad = value.type === 'Raw';
  walk(value, (n) => {
    if (n.type === 'Raw' || (n.type === 'Function' && CODE_FUNCTIONS.has(nameOf(n.name)))) bad = true;
  });
  return bad;
}

function rewriteResources(ast: CssNode, resource: ResourcePolicy): void {
  walk(ast, {
    enter(this: WalkContext, node: CssNode, item: ListItem<CssNode>, list: List<CssNode>) {
      if (node.type === 'Atrule' && nameOf(node.name) === 'import') {
        if (!keepImport(node.prelude, resource)) list?.remove(item);
        return walk.skip;
      }
      const use: ResourceUse = this.atrule && nameOf(this.atrule.name) === 'font-face' ? 'font' : 'image';
      if (node.type === 'Url') {
        replace(item, list, resource(node.value, use), node);
      } else if (node.type === 'Function' && URL_STRING_FUNCTIONS.has(nameOf(node.name))) {
        urlStrings(node, use, resource);
      }
      return undefined;
    },
  });
}

/** @import's sheet: kept (as url()) only when the policy keeps it; its media queries stay. */
function keepImport(prelude: CssNode | null, resource: ResourcePolicy): boolean {
  const first = prelude?.type === 'AtrulePrelude' ? prelude.children.first : null;
  const raw = first?.type === 'Url' || first?.type === 'String' ? first.value : undefined;
  const keep = raw === undefined ? undefined : resource(raw, 'style');
  if (keep === undefined || !prelude || prelude.type !== 'AtrulePrelude') return false;
  prelude.children.shift();
  prelude.children.unshift({ type: 'Url', value: keep });
  return true;
}

/** The strings of an image-set() (and its kin) are URLs: each becomes url() or `none`. */
function urlStrings(fn: FunctionNode, use: ResourceUse, resource: ResourcePolicy): void {
  fn.children.forEach((child, item, list) => {
    if (child.type === 'String') replace(item, list, resource(child.value, use));
  });
}

/** A reference kept becomes url("…"); one dropped becomes the keyword `none` (the declaration stays harmless). */
function replace(
  item: ListItem<CssNode> | undefined,
  list: List<CssNode> | undefined,
  keep: string | undefined,
  url?: { value: string },
): void {
  if (keep !== undefined && url) {
    url.value = keep;
    return;
  }
  if (!item || !list) return;
  list.replace(item, list.createItem(keep === undefined ? { type: 'Identifier', name: 'none' } : { type: 'Url', value: keep }));
}
