// Small DOM helpers. Pages build their structure once and then update text and attributes in place on every
// poll, so nothing is torn down and re-created (no flicker, scroll position and open details are kept).

/**
 * Creates an element: h('td', {class: 'num', title: 'x'}, 'text', childNode, ...).
 * Attributes starting with "on" become listeners; `dataset` takes an object; false/null attributes are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Sets textContent only when it changed (avoids needless layout work on every poll). */
export function setText(el, text) {
  const s = text === null || text === undefined ? '' : String(text);
  if (el.textContent !== s) el.textContent = s;
}

export function setAttr(el, name, value) {
  if (value === null || value === undefined || value === false) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== String(value)) {
    el.setAttribute(name, value === true ? '' : value);
  }
}

/**
 * Keyed list reconciliation: makes `parent`'s children match `items` in order, re-using the element created
 * earlier for the same key. create(item) builds a new element, update(el, item) refreshes one.
 */
export function syncList(parent, items, key, create, update) {
  const existing = new Map();
  for (const child of parent.children) if (child.dataset.key !== undefined) existing.set(child.dataset.key, child);
  // Children without a key (e.g. a <thead>) stay where they are; keyed ones are kept in order after them.
  const nextKeyed = (el) => { while (el && el.dataset.key === undefined) el = el.nextElementSibling; return el; };
  let cursor = nextKeyed(parent.firstElementChild);
  for (const item of items) {
    const k = String(key(item));
    let el = existing.get(k);
    if (el) existing.delete(k);
    else { el = create(item); el.dataset.key = k; }
    update(el, item);
    if (el !== cursor) parent.insertBefore(el, cursor);
    else cursor = nextKeyed(cursor.nextElementSibling);
  }
  for (const stale of existing.values()) stale.remove();
}

let toastBox;
/** Short notice in the corner; kind = 'ok' | 'error' | 'info'. */
export function toast(message, kind = 'info', ms = 5000) {
  toastBox ||= document.getElementById('toasts');
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  toastBox.append(el);
  setTimeout(() => el.remove(), ms);
}

/** In-page confirmation (a <dialog>, not window.confirm, so it does not block polling). Resolves to a boolean. */
export function confirmDialog(message, confirmLabel = 'Confirm') {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: 'danger', 'data-confirm': 'yes' }, confirmLabel);
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const dlg = h('dialog', { class: 'confirm' }, h('p', {}, message), h('div', { class: 'actions' }, cancel, ok));
    let answer = false;
    // Closed by a button, Escape, or a page change (the router closes open dialogs): resolve either way.
    dlg.addEventListener('close', () => { dlg.remove(); resolve(answer); });
    ok.addEventListener('click', () => { answer = true; dlg.close(); });
    cancel.addEventListener('click', () => dlg.close());
    document.body.append(dlg);
    dlg.showModal();
    ok.focus();
  });
}

/** A horizontal usage bar; returns {el, set(fraction, label)}. */
export function meter() {
  const fill = h('span', { class: 'fill' });
  const label = h('span', { class: 'label' });
  const el = h('span', { class: 'meter' }, fill, label);
  return {
    el,
    set(fraction, text) {
      const pct = Number.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) * 100 : 0;
      fill.style.width = pct.toFixed(1) + '%';
      setAttr(fill, 'data-level', pct >= 90 ? 'high' : pct >= 70 ? 'mid' : 'low');
      setText(label, text);
    },
  };
}
