// Builds DOM nodes from data without ever parsing data as HTML: every string becomes a text node
// or an attribute value, so a draft that contains "<script>" is shown as those characters.

/**
 * h('button', {class: 'x', onclick: fn, 'aria-label': 'Approve'}, 'Approve', child, [more])
 * Attributes: `class`, `dataset` (object), `on<event>` (function), booleans (true → present,
 * false/null/undefined → absent), anything else via setAttribute.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (k === 'dataset') {
        for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
      } else if (k === 'value') {
        el.value = String(v);
      } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') {
        el[k] = Boolean(v);
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

/** Appends strings (as text), numbers, nodes and nested arrays; skips null/undefined/false. */
export function append(parent, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
  return parent;
}

/** Replaces all children of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
