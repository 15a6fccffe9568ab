// Markdown to DOM nodes for model output: paragraphs, line breaks, lists,
// headings, fenced and inline code, bold, italic and http(s) links. Only
// elements made here and text nodes: model output is never parsed as HTML.
function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  for (const child of children || []) node.append(child);
  return node;
}

const INLINE = /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\n]+\*|_[^_\n]+_)|(\[[^\]\n]+\]\([^)\s]+\))/;

function inline(text) {
  const out = [];
  let rest = text;
  while (rest.length) {
    const m = INLINE.exec(rest);
    if (!m) {
      out.push(document.createTextNode(rest));
      break;
    }
    if (m.index > 0) out.push(document.createTextNode(rest.slice(0, m.index)));
    const token = m[0];
    if (m[1]) out.push(el("code", {}, [token.slice(1, -1)]));
    else if (m[2]) out.push(el("strong", {}, inline(token.slice(2, -2))));
    else if (m[3]) out.push(el("em", {}, inline(token.slice(1, -1))));
    else {
      const close = token.indexOf("](");
      const label = token.slice(1, close);
      const href = token.slice(close + 2, -1);
      if (/^https?:\/\//i.test(href)) {
        out.push(el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, inline(label)));
      } else {
        out.push(document.createTextNode(token));
      }
    }
    rest = rest.slice(m.index + token.length);
  }
  return out;
}

function withBreaks(lines) {
  const out = [];
  lines.forEach((line, i) => {
    if (i) out.push(el("br"));
    out.push(...inline(line));
  });
  return out;
}

function renderMarkdown(text) {
  const blocks = [];
  const lines = String(text).replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      const code = [];
      i++;
      while (i < lines.length && !/^\s*```/.test(lines[i])) code.push(lines[i++]);
      i++;
      blocks.push(el("pre", {}, [el("code", {}, [code.join("\n")])]));
    } else if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const list = el(ordered ? "ol" : "ul");
      while (i < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[i])) {
        list.append(el("li", {}, inline(lines[i].replace(/^\s*([-*+]|\d+[.)])\s+/, ""))));
        i++;
      }
      blocks.push(list);
    } else if (/^#{1,6}\s+/.test(line)) {
      blocks.push(el("p", { class: "heading" }, [el("strong", {}, inline(line.replace(/^#+\s+/, "")))]));
      i++;
    } else if (!line.trim()) {
      i++;
    } else {
      const para = [];
      while (i < lines.length && lines[i].trim() && !/^\s*(```|[-*+]\s|\d+[.)]\s|#{1,6}\s)/.test(lines[i])) {
        para.push(lines[i++]);
      }
      if (!para.length) para.push(lines[i++]);
      blocks.push(el("p", {}, withBreaks(para)));
    }
  }
  return blocks;
}
