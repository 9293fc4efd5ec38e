// yaml.js — just enough YAML for Kubernetes objects, both ways, with no dependency.
// dump() writes kubectl's style (2-space indent, sequences at the parent key's indent,
// strings quoted only when a plain scalar would read back as something else).
// parse() reads block mappings/sequences, flow [..] and {..}, quoted and plain scalars,
// block scalars (| and >), comments and a leading '---': what people paste from docs.

const PLAIN_UNSAFE = /^$|^[-?:](\s|$)|^[\s,\[\]{}#&*!|>'"%@`]|[\s]$|: |:$| #|[\n\r\t]|^(true|false|yes|no|on|off|null|y|n)$/i;
const NUMBERISH = /^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^0x[0-9a-f]+$|^0o[0-7]+$|^[-+]?\.(inf|nan)$/i;

function scalar(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  const s = String(v);
  if (!PLAIN_UNSAFE.test(s) && !NUMBERISH.test(s) && s !== '~' && s !== '-') return s;
  // single quotes read most naturally (TKEStack's log-dir JSON looks like '{"a":"b"}')
  if (!/[\n\r\t\\\x00-\x1f]/.test(s)) return `'${s.replace(/'/g, "''")}'`;
  return JSON.stringify(s);
}

function isEmptyColl(v) {
  return (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
}

function dumpKey(k) { return scalar(k); }

function dumpNode(v, indent, out) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    for (const item of v) {
      if (item && typeof item === 'object' && !isEmptyColl(item)) {
        const sub = [];
        dumpNode(item, indent + 2, sub);
        sub[0] = `${pad}- ${sub[0].slice(indent + 2)}`;
        out.push(...sub);
      } else {
        out.push(`${pad}- ${isEmptyColl(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
    }
    return;
  }
  for (const [k, val] of Object.entries(v)) {
    if (val === undefined) continue;
    if (val && typeof val === 'object' && !isEmptyColl(val)) {
      out.push(`${pad}${dumpKey(k)}:`);
      dumpNode(val, Array.isArray(val) ? indent : indent + 2, out);
    } else {
      out.push(`${pad}${dumpKey(k)}: ${isEmptyColl(val) ? (Array.isArray(val) ? '[]' : '{}') : scalar(val)}`);
    }
  }
}

export function dump(obj) {
  const out = [];
  dumpNode(obj, 0, out);
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------- parser

export class YamlError extends Error {
  constructor(msg, line) { super(line ? `line ${line}: ${msg}` : msg); this.line = line; }
}

function plainValue(s) {
  if (/^(null|Null|NULL|~)?$/.test(s)) return null;
  if (/^(true|True|TRUE)$/.test(s)) return true;
  if (/^(false|False|FALSE)$/.test(s)) return false;
  if (/^[-+]?\d+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s, 16);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(s)) return parseFloat(s);
  return s;
}

// Strips a trailing comment that is outside quotes.
function stripComment(s) {
  let q = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === q) { if (q === "'" && s[i + 1] === "'") i++; else q = null; }
      else if (c === '\\' && q === '"') i++;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s\[{,:]/.test(s[i - 1])) q = c;
    } else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) {
      return s.slice(0, i).trimEnd();
    }
  }
  return s.trimEnd();
}

// Flow parser for [..], {..} and quoted scalars; returns [value, nextIndex].
function parseFlow(s, i, line) {
  const ws = () => { while (i < s.length && /\s/.test(s[i])) i++; };
  ws();
  const c = s[i];
  if (c === '"') {
    let j = i + 1, raw = '';
    while (j < s.length && s[j] !== '"') { if (s[j] === '\\') { raw += s[j] + s[j + 1]; j += 2; } else raw += s[j++]; }
    if (j >= s.length) throw new YamlError('unterminated double-quoted string', line);
    let v;
    try { v = JSON.parse(`"${raw.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\t/g, '\\t')}"`); }
    catch { throw new YamlError('bad escape in double-quoted string', line); }
    return [v, j + 1];
  }
  if (c === "'") {
    let j = i + 1, v = '';
    for (;;) {
      if (j >= s.length) throw new YamlError('unterminated single-quoted string', line);
      if (s[j] === "'") { if (s[j + 1] === "'") { v += "'"; j += 2; continue; } break; }
      v += s[j++];
    }
    return [v, j + 1];
  }
  if (c === '[') {
    const arr = [];
    i++; ws();
    if (s[i] === ']') return [arr, i + 1];
    for (;;) {
      let v; [v, i] = parseFlow(s, i, line); arr.push(v); ws();
      if (s[i] === ',') { i++; ws(); if (s[i] === ']') return [arr, i + 1]; continue; }
      if (s[i] === ']') return [arr, i + 1];
      throw new YamlError('expected , or ] in flow sequence', line);
    }
  }
  if (c === '{') {
    const obj = {};
    i++; ws();
    if (s[i] === '}') return [obj, i + 1];
    for (;;) {
      let k; [k, i] = parseFlow(s, i, line, true); ws();
      let v = null;
      if (s[i] === ':') { i++; [v, i] = parseFlow(s, i, line); ws(); }
      obj[String(k)] = v;
      if (s[i] === ',') { i++; ws(); if (s[i] === '}') return [obj, i + 1]; continue; }
      if (s[i] === '}') return [obj, i + 1];
      throw new YamlError('expected , or } in flow mapping', line);
    }
  }
  // plain scalar inside flow: up to , ] } or ': '
  let j = i;
  while (j < s.length && !/[,\]}]/.test(s[j]) && !(s[j] === ':' && (j + 1 >= s.length || /[\s,\]}]/.test(s[j + 1])))) j++;
  return [plainValue(s.slice(i, j).trim()), j];
}

function parseInlineScalar(text, line) {
  const t = text.trim();
  if (t[0] === '[' || t[0] === '{' || t[0] === '"' || t[0] === "'") {
    const [v, j] = parseFlow(t, 0, line);
    if (t.slice(j).trim()) throw new YamlError(`unexpected text after value: ${t.slice(j).trim()}`, line);
    return v;
  }
  if (t[0] === '&' || t[0] === '*') throw new YamlError('anchors and aliases are not supported', line);
  return plainValue(t);
}

// Finds "key: rest" at the top level of a line (not inside quotes/flow); null if none.
function splitKey(s) {
  let q = null, depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) { if (c === q) q = null; else if (c === '\\' && q === '"') i++; continue; }
    if ((c === '"' || c === "'") && (i === 0)) { q = c; continue; }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ':' && depth === 0 && (i + 1 === s.length || s[i + 1] === ' ')) {
      return [s.slice(0, i).trim(), s.slice(i + 1)];
    }
  }
  return null;
}

export function parse(text) {
  const raw = text.replace(/\r\n?/g, '\n').split('\n');
  const lines = [];
  for (let n = 0; n < raw.length; n++) {
    const l = raw[n];
    if (/^\s*(#.*)?$/.test(l)) { lines.push({ n: n + 1, blank: true, raw: l }); continue; }
    if (/^(---|\.\.\.)\s*(#.*)?$/.test(l)) {
      if (lines.some((x) => !x.blank && !x.doc)) {
        if (l.startsWith('---')) throw new YamlError('only one document is supported', n + 1);
      }
      lines.push({ n: n + 1, blank: true, doc: true, raw: l });
      continue;
    }
    if (/^\s*\t/.test(l)) throw new YamlError('tabs are not allowed for indentation', n + 1);
    const indent = l.match(/^ */)[0].length;
    lines.push({ n: n + 1, indent, text: l.slice(indent), raw: l });
  }
  let pos = 0;
  const peek = () => { while (pos < lines.length && lines[pos].blank) pos++; return lines[pos]; };

  // block scalar (| or >) starting after line `at`; returns the string
  function blockScalar(header, parentIndent, line) {
    const m = header.match(/^([|>])([+-]?)(\d?)([+-]?)\s*(#.*)?$/);
    if (!m) throw new YamlError('bad block scalar header', line);
    const folded = m[1] === '>';
    const chomp = m[2] || m[4];
    const body = [];
    let ind = m[3] ? parentIndent + Number(m[3]) : -1;
    while (pos < lines.length) {
      const L = lines[pos];
      const content = L.raw;
      const li = content.match(/^ */)[0].length;
      if (content.trim() === '') { body.push(''); pos++; continue; }
      if (ind < 0) { if (li <= parentIndent) break; ind = li; }
      if (li < ind) break;
      body.push(content.slice(ind));
      pos++;
    }
    while (body.length && body[body.length - 1] === '' && chomp !== '+') body.pop();
    let s;
    if (folded) {
      s = '';
      body.forEach((b, k) => {
        if (k === 0) s = b;
        else if (b === '' || /^\s/.test(b) || body[k - 1] === '' || /^\s/.test(body[k - 1])) s += '\n' + b;
        else s += ' ' + b;
      });
    } else s = body.join('\n');
    if (chomp !== '-' && body.length) s += '\n';
    return s;
  }

  function value(rest, parentIndent, line) {
    const r = stripComment(rest).trim();
    if (r === '') {
      const nx = peek();
      if (!nx) return null;
      if (nx.indent > parentIndent || (nx.indent === parentIndent && nx.text.startsWith('- ') || nx.indent === parentIndent && nx.text === '-')) {
        return block(nx.indent);
      }
      return null;
    }
    if (r[0] === '|' || r[0] === '>') return blockScalar(r, parentIndent, line);
    // multi-line flow collections: join until brackets balance
    if ((r[0] === '[' || r[0] === '{') && !balanced(r)) {
      let acc = r;
      while (pos < lines.length && !balanced(acc)) {
        const L = lines[pos++];
        if (!L.blank) acc += ' ' + stripComment(L.raw.trim());
      }
      return parseInlineScalar(acc, line);
    }
    return parseInlineScalar(r, line);
  }

  function balanced(s) {
    let d = 0, q = null;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (q) { if (c === q) q = null; else if (c === '\\' && q === '"') i++; continue; }
      if (c === '"' || c === "'") q = c;
      else if (c === '[' || c === '{') d++;
      else if (c === ']' || c === '}') d--;
    }
    return d <= 0;
  }

  function block(indent) {
    const first = peek();
    if (first.text === '-' || first.text.startsWith('- ')) return seq(indent);
    return map(indent);
  }

  function seq(indent) {
    const arr = [];
    for (;;) {
      const L = peek();
      if (!L || L.indent < indent) break;
      if (L.indent > indent) throw new YamlError('bad indentation', L.n);
      if (!(L.text === '-' || L.text.startsWith('- '))) break;
      pos++;
      const rest = L.text === '-' ? '' : L.text.slice(2);
      const trimmed = stripComment(rest).trim();
      if (trimmed === '') { arr.push(value('', indent, L.n)); continue; }
      const itemIndent = indent + 2 + (rest.length - rest.trimStart().length);
      if (trimmed.startsWith('- ') || trimmed === '-') {
        // nested sequence on the same line: re-enter with a synthetic line
        lines.splice(pos, 0, { n: L.n, indent: itemIndent, text: rest.trimStart(), raw: ' '.repeat(itemIndent) + rest.trimStart() });
        arr.push(seq(itemIndent));
        continue;
      }
      const kv = trimmed[0] === '"' || trimmed[0] === "'" || trimmed[0] === '[' || trimmed[0] === '{' ? splitKeyQuoted(trimmed) : splitKey(trimmed);
      if (kv) {
        lines.splice(pos, 0, { n: L.n, indent: itemIndent, text: rest.trimStart(), raw: ' '.repeat(itemIndent) + rest.trimStart() });
        arr.push(map(itemIndent));
      } else {
        arr.push(value(rest, indent, L.n));
      }
    }
    return arr;
  }

  function splitKeyQuoted(s) {
    if (s[0] !== '"' && s[0] !== "'") return null;
    try {
      const [k, j] = parseFlow(s, 0, 0);
      const after = s.slice(j);
      if (/^\s*:(\s|$)/.test(after)) return [k, after.replace(/^\s*:/, '')];
    } catch { /* not a key */ }
    return null;
  }

  function map(indent) {
    const obj = {};
    for (;;) {
      const L = peek();
      if (!L || L.indent < indent) break;
      if (L.indent > indent) throw new YamlError('bad indentation', L.n);
      if (L.text === '-' || L.text.startsWith('- ')) break;
      const text = stripComment(L.text);
      const kv = splitKeyQuoted(text) || splitKey(text);
      if (!kv) throw new YamlError(`expected "key: value", got: ${text}`, L.n);
      pos++;
      let [k, rest] = kv;
      if (typeof k === 'string' && (k[0] === '"' || k[0] === "'")) k = parseInlineScalar(k, L.n);
      if (k === '<<') throw new YamlError('merge keys are not supported', L.n);
      if (Object.prototype.hasOwnProperty.call(obj, k)) throw new YamlError(`duplicate key "${k}"`, L.n);
      obj[k] = value(rest, indent, L.n);
    }
    return obj;
  }

  const first = peek();
  if (!first) return null;
  let result;
  if (first.indent === 0 && !(first.text.startsWith('- ') || first.text === '-') && !splitKey(stripComment(first.text)) && !splitKeyQuoted(stripComment(first.text))) {
    pos++;
    result = parseInlineScalar(stripComment(first.text), first.n);
  } else {
    result = block(first.indent);
  }
  const rest = peek();
  if (rest) throw new YamlError(`unexpected content: ${rest.text}`, rest.n);
  return result;
}
