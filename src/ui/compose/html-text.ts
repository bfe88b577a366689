/** HTML reduced to its text, for quoting a mail and for showing an HTML signature in the compose text. */

const BLOCKS = new Set(['P', 'DIV', 'TR', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TABLE', 'BLOCKQUOTE', 'PRE', 'UL', 'OL']);

/** The text of parsed HTML with line breaks where blocks and <br> are, tabs between cells. */
function nodeText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return (node.textContent ?? '').replace(/\s+/g, ' ');
  if (!(node instanceof Element) || node.tagName === 'STYLE' || node.tagName === 'SCRIPT') return '';
  if (node.tagName === 'BR') return '\n';
  const inner = [...node.childNodes].map(nodeText).join('');
  if (node.tagName === 'TD' || node.tagName === 'TH') return inner.trim() + '\t';
  return BLOCKS.has(node.tagName) ? `\n${inner.trim()}\n` : inner;
}

export function htmlText(html: string): string {
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  return nodeText(body)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
