// Word-level diff between a draft and an operator's edit, for showing what the edit changes.
// Pure: runs in the browser and under node's test runner.

/** Splits text into words and the whitespace between them (whitespace kept as its own token). */
export function tokenize(text) {
  return String(text ?? '').match(/\s+|[^\s]+/g) ?? [];
}

/**
 * Returns [{op: 'same'|'del'|'add', text}] such that joining 'same'+'del' gives `before` and
 * 'same'+'add' gives `after`. Longest common subsequence over tokens; adjacent ops are merged.
 * Inputs whose token product is above `limit` fall back to one deletion and one insertion.
 */
export function wordDiff(before, after, limit = 4_000_000) {
  const a = tokenize(before);
  const b = tokenize(after);
  // Common prefix and suffix first: edits are usually local.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out = [];
  const push = (op, text) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  push('same', a.slice(0, start).join(''));
  const ma = a.slice(start, endA);
  const mb = b.slice(start, endB);
  if (ma.length * mb.length > limit) {
    push('del', ma.join(''));
    push('add', mb.join(''));
  } else {
    const n = ma.length;
    const m = mb.length;
    // lcs[i][j] = LCS length of ma[i..] and mb[j..], in one flat typed array.
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = ma[i] === mb[j]
          ? lcs[(i + 1) * w + j + 1] + 1
          : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (ma[i] === mb[j]) {
        push('same', ma[i]);
        i++;
        j++;
      } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
        push('del', ma[i++]);
      } else {
        push('add', mb[j++]);
      }
    }
    while (i < n) push('del', ma[i++]);
    while (j < m) push('add', mb[j++]);
  }
  push('same', a.slice(endA).join(''));
  return coalesce(out);
}

/**
 * Folds whitespace that sits between two changes into the change, so "ships tomorrow" →
 * "shipped today" reads as one deletion and one insertion instead of two interleaved pairs.
 */
function coalesce(parts) {
  const out = [];
  let del = '';
  let add = '';
  const flush = () => {
    if (del) out.push({ op: 'del', text: del });
    if (add) out.push({ op: 'add', text: add });
    del = '';
    add = '';
  };
  parts.forEach((p, i) => {
    if (p.op === 'del') del += p.text;
    else if (p.op === 'add') add += p.text;
    else if ((del || add) && /^\s+$/.test(p.text) && i + 1 < parts.length && parts[i + 1].op !== 'same') {
      del += p.text;
      add += p.text;
    } else {
      flush();
      const last = out[out.length - 1];
      if (last && last.op === 'same') last.text += p.text;
      else out.push({ op: 'same', text: p.text });
    }
  });
  flush();
  return out;
}

/** Counts of changed words (whitespace tokens not counted). */
export function diffStats(parts) {
  let added = 0;
  let removed = 0;
  for (const p of parts) {
    const words = tokenize(p.text).filter((t) => !/^\s+$/.test(t)).length;
    if (p.op === 'add') added += words;
    if (p.op === 'del') removed += words;
  }
  return { added, removed };
}
