// The support console: plain JavaScript, no build step. Everything it shows comes from the
// management API (/api/v1) with the signed-in user's rights; data is only ever written as text
// (textContent), never as HTML.
'use strict';

const API = '/api/v1';
const state = { token: sessionStorage.getItem('hubToken'), user: null, role: null, cursor: null, current: null, job: null, parked: null, overviewTimer: null };
const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

async function api(method, path, body) {
  const headers = { 'X-Requested-With': 'hub-console', 'Accept': 'application/json' };
  if (state.token) headers['Authorization'] = 'Bearer ' + state.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 401) { signedOut(); throw new Error('Please sign in again.'); }
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) { const e = new Error((json && json.detail) || ('HTTP ' + r.status)); e.problem = json; e.status = r.status; throw e; }
  return json;
}

// ---- sign in / out ------------------------------------------------------------------------------

async function signIn(ev) {
  ev.preventDefault();
  const user = $('login-user').value, password = $('login-password').value;
  $('login-error').hidden = true;
  const r = await fetch(API + '/session', {
    method: 'POST',
    headers: { 'X-Requested-With': 'hub-console', 'Authorization': 'Basic ' + btoa(unescape(encodeURIComponent(user + ':' + password))) }
  });
  if (!r.ok) {
    $('login-error').textContent = r.status === 401 ? 'User or password is not right.' : 'Sign-in failed (HTTP ' + r.status + ').';
    $('login-error').hidden = false;
    return;
  }
  const s = await r.json();
  state.token = s.token;
  sessionStorage.setItem('hubToken', s.token);
  $('login-password').value = '';
  await start();
}

function signedOut() {
  state.token = null;
  clearTimeout(state.overviewTimer);
  sessionStorage.removeItem('hubToken');
  $('workbench').hidden = true;
  $('who').hidden = true;
  $('login').hidden = false;
  $('login-user').focus();
}

async function signOut() {
  try { await api('DELETE', '/session'); } catch (e) { /* signed out anyway */ }
  signedOut();
}

async function start() {
  if (!state.token) { signedOut(); return; }
  let me;
  try { me = await api('GET', '/session'); } catch (e) { return; }
  state.user = me.user; state.role = me.role;
  $('who-name').textContent = me.user + ' (' + me.role + ')';
  $('who').hidden = false;
  $('login').hidden = true;
  $('workbench').hidden = false;
  const canAct = me.role !== 'viewer';
  for (const id of ['replay', 'edit', 'resync', 'discard', 'bulk-start', 'parked-release', 'parked-dead-letter']) $(id).hidden = !canAct;
  $('bulk').hidden = !canAct;
  $('reconcile-start').hidden = !(me.role === 'operator' || me.role === 'admin');
  await Promise.all([overview(), summary(), search(), consistency(), parked()]);
}

// ---- overview: the hub at a glance, asked again every few seconds ------------------------------

const SVG = 'http://www.w3.org/2000/svg';

function rag(status) {
  return el('span', status, 'rag rag-' + status);
}

function fmt(n) {
  return n === null || n === undefined ? '?' : Number(n).toLocaleString('en');
}

function seconds(s) {
  if (s === null || s === undefined) return '-';
  return s < 10 ? s.toFixed(1) + ' s' : age(Math.round(s));
}

// changes per minute over the last hour as bars, drawn here (inline SVG, nothing loaded)
function chart(values) {
  const w = 180, h = 28, bw = w / values.length, max = Math.max(1, ...values);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  svg.setAttribute('width', w); svg.setAttribute('height', h);
  svg.setAttribute('class', 'chart');
  const total = values.reduce((a, b) => a + b, 0);
  const label = total + ' changes in the last hour, at most ' + Math.max(...values) + ' a minute, ' + values[values.length - 1] + ' this minute';
  svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', label);
  const title = document.createElementNS(SVG, 'title'); title.textContent = label; svg.append(title);
  const base = document.createElementNS(SVG, 'line');
  base.setAttribute('x1', 0); base.setAttribute('x2', w); base.setAttribute('y1', h - 0.5); base.setAttribute('y2', h - 0.5);
  base.setAttribute('class', 'axis'); svg.append(base);
  values.forEach((v, i) => {
    if (!v) return;
    const bh = Math.max(1, Math.round((v / max) * (h - 2)));
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('x', (i * bw).toFixed(1)); r.setAttribute('y', h - bh);
    r.setAttribute('width', Math.max(1, bw - 0.6).toFixed(1)); r.setAttribute('height', bh);
    svg.append(r);
  });
  return svg;
}

function overviewRow(tbody, flow, first, kind, name, n) {
  const tr = el('tr');
  tr.dataset.row = kind + ':' + name;
  tr.className = 'rag-row-' + n.status + (first ? ' group-start' : '');
  tr.append(el('th', first ? flow : ''), el('td', name + (kind === 'source' ? ' (source)' : '')));
  const st = el('td', null, 'ov-status'); st.append(rag(n.status)); tr.append(st);
  const ch = el('td', null, 'ov-chart'); ch.append(chart(n.changesPerMinute), el('span', ' ' + fmt(n.changesLastHour) + '/h', 'muted')); tr.append(ch);
  if (kind === 'source') {
    tr.append(el('td', fmt(n.backlog) + ' not taken' + (n.backlog ? ', oldest ' + seconds(n.oldestAgeSeconds) : ''), 'ov-lag'),
      el('td', '-', 'ov-latency'), el('td', '-', 'ov-dead-letters'));
  } else {
    const dl = n.deadLetters;
    tr.append(el('td', n.lag === null ? (n.topics.length ? '?' : '-') : fmt(n.lag), 'ov-lag'),
      el('td', seconds(n.latencyP95Seconds), 'ov-latency'),
      el('td', !dl ? '-' : fmt(dl.open) + (dl.open ? ', oldest ' + seconds(dl.oldestAgeSeconds) : ''), 'ov-dead-letters'));
  }
  tr.append(el('td', n.reasons.join('; '), 'ov-why'));
  tbody.append(tr);
}

function systemCard(ul, part, title, n, text) {
  const li = el('li');
  li.dataset.part = part;
  li.className = 'rag-card rag-row-' + n.status;
  li.append(el('div', title, 'card-title'), rag(n.status), el('div', n.reasons.length ? n.reasons.join('; ') : text, 'muted'));
  ul.append(li);
}

async function overview() {
  clearTimeout(state.overviewTimer);
  let o;
  try { o = await api('GET', '/overview'); } catch (e) {
    $('overview-info').textContent = 'Overview not available: ' + e.message;
    if (state.token) state.overviewTimer = setTimeout(overview, 10000);
    return;
  }
  $('overview-status').replaceChildren(rag(o.status));
  $('overview-info').textContent = 'As of ' + new Date(o.at).toLocaleTimeString() + ', again every ' + o.refreshSeconds + ' s. ' +
    'Latency: p95 of the last ' + o.latencyMinutes + ' minutes; changes per minute: this hub instance.';
  const reasons = $('overview-reasons'); reasons.replaceChildren();
  for (const r of o.reasons) { const li = el('li'); li.append(rag(r.status), el('span', ' ' + r.reason)); reasons.append(li); }
  if (!o.reasons.length) reasons.append(el('li', 'Everything is green.', 'muted'));
  const tbody = $('overview-flows').querySelector('tbody'); tbody.replaceChildren();
  for (const f of o.flows) {
    let first = true;
    for (const s of f.sources) { overviewRow(tbody, f.flow, first, 'source', s.source, s); first = false; }
    for (const t of f.targets) { overviewRow(tbody, f.flow, first, 'target', t.target, t); first = false; }
  }
  const ul = $('overview-systems'); ul.replaceChildren();
  for (const p of o.parked) systemCard(ul, 'parked:' + p.queue, 'Parked on ' + p.queue, p, fmt(p.messages) + ' parked');
  if (o.provisioning) systemCard(ul, 'provisioning', 'Provisioning commands', o.provisioning, fmt(o.provisioning.pending) + ' pending, ' + fmt(o.provisioning.overdue) + ' overdue');
  const last = o.reconciliation.last;
  systemCard(ul, 'reconciliation', 'Last reconciliation', o.reconciliation,
    last ? fmt(last.differences) + ' differences (' + new Date(last.startedAt).toLocaleString() + ')' : 'none has run yet');
  systemCard(ul, 'schema-drift', 'Schema drift', o.schemaDrift, Object.keys(o.schemaDrift.systems).length + ' systems checked, none drifted');
  const down = o.readiness.checks.filter((c) => !c.up).length;
  systemCard(ul, 'readiness', 'Readiness', o.readiness, o.readiness.checks.length + ' checks, ' + (down ? down + ' down' : 'all up'));
  // the dead-letter cards below count the same letters: kept as current as the overview
  summary().catch(() => {});
  state.overviewTimer = setTimeout(overview, (o.refreshSeconds || 5) * 1000);
}

// ---- parked messages ----------------------------------------------------------------------------

async function parked() {
  let page;
  try { page = await api('GET', '/parked?limit=100'); } catch (e) { $('parked-info').textContent = e.message; return; }
  const tbody = $('parked').querySelector('tbody');
  tbody.replaceChildren();
  for (const p of page.items) {
    const tr = el('tr');
    tr.append(el('td', new Date(p.parkedAt).toLocaleString()), el('td', p.waitingFor), el('td', p.eventType || '-'), el('td', p.attempts),
      el('td', p.nextDeliveryAt ? new Date(p.nextDeliveryAt).toLocaleString() : '-'),
      el('td', p.deadLetteredAfter ? new Date(p.deadLetteredAfter).toLocaleString() : '-'));
    const open = el('td'); const b = el('button', 'Open', 'link'); b.type = 'button';
    b.setAttribute('aria-label', 'Open parked message waiting for ' + p.billingAccount);
    b.dataset.id = p.id;
    b.addEventListener('click', () => parkedShow(p.id));
    open.append(b); tr.append(open);
    tbody.append(tr);
  }
  $('parked-info').textContent = page.total ? page.total + ' parked on ' + page.queue : 'Nothing parked.';
}

async function parkedShow(id, outcome) {
  let p;
  try { p = await api('GET', '/parked/' + encodeURIComponent(id)); } catch (e) {
    if (e.status === 404 && outcome) { parkedOutcome(outcome.kind, outcome.text + ' It has left the parking queue.'); $('parked-meta').replaceChildren(); parkedButtons(false); return; }
    parkedOutcome('error', e.message); return;
  }
  state.parked = p;
  $('parked-detail').hidden = false;
  $('parked-detail-title').textContent = 'Parked message waiting for ' + p.waitingFor;
  const meta = $('parked-meta'); meta.replaceChildren();
  const rows = [['Id', p.id], ['Queue', p.queue], ['Waits for', p.waitingFor], ['Event', p.eventType], ['Parked', p.parkedAt],
    ['Attempts', p.attempts], ['Next delivery', p.nextDeliveryAt], ['Dead-lettered after', p.deadLetteredAfter],
    ['Dead-letter requested by', p.deadLetterRequestedBy ? p.deadLetterRequestedBy + ': ' + p.deadLetterReason : null]];
  for (const [k, v] of rows) {
    if (v === null || v === undefined || v === '') continue;
    meta.append(el('dt', k), el('dd', v));
  }
  parkedButtons(!p.deadLetterRequestedBy);
  $('parked-event-hidden').hidden = p.eventVisible;
  $('parked-event').hidden = !p.eventVisible;
  $('parked-event').textContent = p.eventVisible ? pretty(p.event) : '';
  if (outcome) parkedOutcome(outcome.kind, outcome.text); else $('parked-outcome').hidden = true;
  $('parked-detail').scrollIntoView({ block: 'start' });
}

function parkedButtons(enabled) {
  $('parked-release').disabled = !enabled;
  $('parked-dead-letter').disabled = !enabled;
}

function parkedOutcome(kind, text) {
  const o = $('parked-outcome');
  o.className = kind;
  o.textContent = text;
  o.hidden = false;
}

async function parkedAct(question, withReason, call, done) {
  const p = state.parked;
  const ok = await confirmDialog(question, withReason);
  if (!ok) return;
  try {
    await call(p, ok.reason);
    // the parked route takes it within a moment: show what is left of it, then the list
    await new Promise((r) => setTimeout(r, 1000));
    await parkedShow(p.id, { kind: 'applied', text: done });
    await Promise.all([parked(), summary()]);
  } catch (e) { parkedOutcome('error', e.message); }
}

// ---- consistency: schema drift and reconciliation reports ----------------------------------------

function countDifferences(byPair) {
  let n = 0;
  for (const kinds of Object.values(byPair || {})) for (const c of Object.values(kinds)) n += c;
  return n;
}

async function consistency() {
  try {
    const drift = await api('GET', '/schema-drift');
    const findings = [];
    for (const [system, s] of Object.entries(drift.systems)) for (const f of s.findings) findings.push(system + ': ' + f.object + ' ' + f.problem);
    $('drift-info').textContent = findings.length
      ? 'Schema drift: ' + findings.join('; ') + ' - stopped: ' + drift.stoppedRoutes.join(', ')
      : 'Every system\'s schema fits what the hub needs.';
    $('drift-info').className = findings.length ? 'error' : 'muted';
    const runs = await api('GET', '/reconciliations?limit=10');
    const tbody = $('runs').querySelector('tbody');
    tbody.replaceChildren();
    for (const r of runs.items) {
      const tr = el('tr');
      tr.append(el('td', new Date(r.startedAt).toLocaleString()), el('td', r.requestedBy + ' (' + r.trigger + ')'),
        el('td', r.status), el('td', countDifferences(r.differences)), el('td', r.repaired));
      const open = el('td'); const b = el('button', 'Open', 'link'); b.type = 'button';
      b.setAttribute('aria-label', 'Open reconciliation of ' + r.startedAt);
      b.addEventListener('click', () => runDetail(r.id));
      open.append(b); tr.append(open); tbody.append(tr);
    }
  } catch (e) { $('drift-info').textContent = e.message; }
}

async function runDetail(id, after) {
  const q = new URLSearchParams({ limit: '100' });
  if (after) q.set('after', after);
  const run = await api('GET', '/reconciliations/' + encodeURIComponent(id) + '?' + q.toString());
  const tbody = $('run-records').querySelector('tbody');
  if (!after) tbody.replaceChildren();
  $('run-title').textContent = 'Differences found by the run of ' + new Date(run.startedAt).toLocaleString();
  for (const d of run.records) {
    const tr = el('tr');
    tr.append(el('td', d.pair), el('td', d.key), el('td', d.kind),
      el('td', d.attributes.length ? d.attributes.join(', ') : (d.reason || '-')), el('td', d.repair || '-'));
    tbody.append(tr);
  }
  if (!run.records.length && !after) {
    const tr = el('tr'); tr.append(el('td', 'No differences.', 'muted')); tbody.append(tr);
  }
  const more = $('run-more');
  more.hidden = !run.next;
  more.onclick = () => runDetail(id, run.next);
  $('run-detail').hidden = false;
}

async function reconcileNow() {
  $('reconcile-info').textContent = 'Started...';
  try {
    let job = await api('POST', '/reconciliations', {});
    while (job.state === 'RUNNING') {
      await new Promise((r) => setTimeout(r, 1000));
      job = await api('GET', '/consistency-jobs/' + job.id);
    }
    $('reconcile-info').textContent = job.state === 'DONE' ? 'Done.' : 'Failed: ' + job.error;
    await consistency();
    if (job.result) await runDetail(job.result.id);
  } catch (e) { $('reconcile-info').textContent = e.message; }
}

// ---- summary and search -------------------------------------------------------------------------

async function summary() {
  const s = await api('GET', '/dead-letters/summary');
  const ul = $('summary');
  ul.replaceChildren();
  if (!s.targets.length) ul.append(el('li', 'No dead letters.', 'muted'));
  for (const t of s.targets) {
    const b = el('button');
    b.type = 'button';
    b.append(el('div', t.target), el('div', t.open, 'n'),
      el('div', (t.open ? 'open, ' + t.superseded + ' superseded; oldest ' + age(t.oldestAgeSeconds) : 'none open') + (t.replaced ? '; ' + t.replaced + ' replaced' : ''), 'muted'));
    b.addEventListener('click', () => { $('f-target').value = t.target; search(); });
    const li = el('li'); li.append(b); ul.append(li);
  }
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return '-';
  if (seconds < 120) return seconds + ' s';
  if (seconds < 7200) return Math.round(seconds / 60) + ' min';
  if (seconds < 172800) return Math.round(seconds / 3600) + ' h';
  return Math.round(seconds / 86400) + ' days';
}

function filterQuery() {
  const q = new URLSearchParams();
  for (const [name, id] of [['businessKey', 'f-key'], ['target', 'f-target'], ['status', 'f-status'], ['reason', 'f-reason']]) {
    const v = $(id).value.trim();
    if (v) q.set(name, v);
  }
  return q;
}

async function search(ev, more) {
  if (ev) ev.preventDefault();
  const q = filterQuery();
  q.set('limit', '50');
  if (more && state.cursor) q.set('cursor', state.cursor);
  let page;
  try { page = await api('GET', '/dead-letters?' + q.toString()); } catch (e) { $('results-info').textContent = e.message; return; }
  const tbody = $('results').querySelector('tbody');
  if (!more) tbody.replaceChildren();
  let previous = more ? tbody.dataset.lastAccount : null;
  for (const d of page.items) {
    const tr = el('tr');
    if (d.crmAccountId && d.crmAccountId !== previous) tr.className = 'group-start';
    previous = d.crmAccountId;
    tr.append(el('td', new Date(d.lastFailedAt).toLocaleString()), el('td', d.target));
    const st = el('td'); st.append(el('span', d.status, 'badge status-' + d.status)); tr.append(st);
    tr.append(el('td', d.crmAccountId || d.customerId || '-'), el('td', d.reason, 'reason'));
    const rec = el('td');
    if (d.record && d.record.open > 1) {
      rec.append(el('span', d.record.open + ' open for this record', 'badge'));
      if (d.newestOfRecord) rec.append(el('div', 'newest in ' + d.target, 'muted'));
    } else if (d.edited) rec.append(el('span', 'edited', 'badge'));
    tr.append(rec);
    const open = el('td'); const b = el('button', 'Open', 'link'); b.type = 'button';
    b.setAttribute('aria-label', 'Open dead letter of ' + (d.crmAccountId || d.id) + ' for ' + d.target);
    b.dataset.id = d.id;
    b.addEventListener('click', () => show(d.id));
    open.append(b); tr.append(open);
    tbody.append(tr);
  }
  tbody.dataset.lastAccount = previous || '';
  state.cursor = page.nextCursor;
  $('more').hidden = !page.nextCursor;
  $('results-info').textContent = tbody.children.length ? tbody.children.length + ' shown' + (page.nextCursor ? ', more available' : '') : 'Nothing found.';
}

// ---- one dead letter ----------------------------------------------------------------------------

async function show(id, outcome) {
  const d = await api('GET', '/dead-letters/' + id);
  state.current = d;
  $('detail').hidden = false;
  $('detail-title').textContent = 'Dead letter for ' + d.target + (d.crmAccountId ? ' - ' + d.crmAccountId : '');
  const meta = $('meta'); meta.replaceChildren();
  const rows = [['Status', d.status + (d.resolution ? ' (' + d.resolution + ')' : '')], ['Id', d.id], ['Target', d.target],
    ['Reason', d.reason], ['First failed', d.firstFailedAt], ['Last failed', d.lastFailedAt], ['Failures', d.failures],
    ['Customer id', d.customerId], ['CRM account', d.crmAccountId], ['Event', d.eventType], ['Version', d.entityVersion],
    ['Superseded by version', d.supersededByVersion], ['Replaced by (newer dead letter)', d.replacedBy], ['Resolved by', d.resolvedBy ? d.resolvedBy + ' at ' + d.resolvedAt : null],
    ['Being replayed by', d.status === 'REPLAYING' ? d.replayBy + ' since ' + d.replayStartedAt : null]];
  for (const [k, v] of rows) {
    if (v === null || v === undefined || v === '') continue;
    meta.append(el('dt', k), el('dd', v));
  }
  // a REPLAYING one whose hub died mid-replay is claimable again after the replay timeout; the API
  // says whether it is
  // a REPLACED one (a newer dead letter of its record holds the newer state) can still be replayed
  // from that one's history
  const open = ['QUEUED', 'SUPERSEDED', 'REPLAYING', 'REPLACED'].includes(d.status);
  const replayable = d.target !== 'canonical-customer';
  $('replay').disabled = !open || !replayable;
  $('edit').disabled = !open || !replayable || !d.bodyVisible;
  $('resync').disabled = !open || !d.crmAccountId;
  $('discard').disabled = !open;

  const fl = $('failures'); fl.replaceChildren();
  for (const f of d.failureHistory) {
    const li = el('li');
    li.append(el('span', new Date(f.failedAt).toLocaleString() + ': '), el('span', f.reason),
      el('span', ' (' + f.attempts + ' attempt(s)' + (f.replayedBy ? ', replayed by ' + f.replayedBy : '') + ')', 'muted'));
    fl.append(li);
  }
  const replaces = d.replaces || [];
  $('replaces-box').hidden = replaces.length === 0;
  const rl = $('replaces'); rl.replaceChildren();
  for (const r of replaces) {
    const li = el('li'); const b = el('button', 'Open', 'link'); b.type = 'button';
    b.setAttribute('aria-label', 'Open replaced dead letter ' + r.id);
    b.addEventListener('click', () => show(r.id));
    li.append(el('span', new Date(r.lastFailedAt).toLocaleString() + ': version ' + (r.entityVersion || '-') + ', '),
      el('span', r.status, 'badge status-' + r.status), el('span', ' ' + r.reason + ' '), b);
    rl.append(li);
  }
  $('body-hidden').hidden = d.bodyVisible;
  $('body').hidden = !d.bodyVisible;
  $('body').textContent = d.bodyVisible ? pretty(d.body) : '';
  $('editor').hidden = true;
  $('problems').hidden = true;

  const changes = d.changes || [];
  $('changes-box').hidden = changes.length === 0;
  const ct = $('changes').querySelector('tbody'); ct.replaceChildren();
  for (const c of changes) {
    const tr = el('tr');
    const before = el('td'); if (c.before !== null) before.append(el('del', JSON.stringify(c.before)));
    const after = el('td'); if (c.after !== null) after.append(el('ins', JSON.stringify(c.after)));
    tr.append(el('td', c.path), before, after);
    ct.append(tr);
  }
  const at = $('audit').querySelector('tbody'); at.replaceChildren();
  for (const a of d.audit) {
    const tr = el('tr');
    tr.append(el('td', new Date(a.at).toLocaleString()), el('td', a.actor), el('td', a.action), el('td', a.outcome), el('td', a.detail || ''));
    at.append(tr);
  }
  if (outcome) showOutcome(outcome.outcome, describe(outcome)); else $('outcome').hidden = true;
  $('detail').scrollIntoView({ block: 'start' });
}

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

function describe(r) {
  const words = { 'applied': 'Applied', 'skipped-stale': 'Skipped: the target has a newer version', 'skipped-duplicate': 'Skipped: the target already has it',
    'not-eligible': 'Not sent: the target does not take this record', 'published': 'Published to every target', 'failed': 'Failed again - it is back in the queue',
    'target-unavailable': 'The target is not reachable - nothing was tried', 'discarded': 'Discarded' };
  return (words[r.outcome] || r.outcome) + (r.detail ? ': ' + r.detail : '');
}

function showOutcome(kind, text) {
  const o = $('outcome');
  o.className = kind;
  o.textContent = text;
  o.hidden = false;
}

function confirmDialog(text, withReason) {
  return new Promise((resolve) => {
    const dlg = $('confirm');
    $('confirm-text').textContent = text;
    $('confirm-reason-box').hidden = !withReason;
    $('confirm-reason').value = '';
    dlg.returnValue = '';
    dlg.addEventListener('close', () => {
      const reason = $('confirm-reason').value.trim();
      if (dlg.returnValue !== 'ok') resolve(null);
      else if (withReason && reason.length < 3) resolve(null);
      else resolve({ reason });
    }, { once: true });
    dlg.showModal();
    (withReason ? $('confirm-reason') : $('confirm-ok')).focus();
  });
}

async function act(question, withReason, call) {
  const d = state.current;
  const ok = await confirmDialog(question, withReason);
  if (!ok) return;
  try {
    const r = await call(d, ok.reason);
    await show(d.id, r);
    await Promise.all([summary(), search()]);
  } catch (e) {
    if (e.problem && e.problem.problems) {
      const ul = $('problems'); ul.replaceChildren();
      for (const p of e.problem.problems) ul.append(el('li', p));
      ul.hidden = false;
    }
    showOutcome('error', e.message);
  }
}

function startEdit() {
  $('body-edit').value = pretty(state.current.body);
  $('editor').hidden = false;
  $('problems').hidden = true;
  $('body-edit').focus();
}

function parsedEdit() {
  try { return JSON.parse($('body-edit').value); } catch (e) {
    const ul = $('problems'); ul.replaceChildren(el('li', 'The body is not valid JSON: ' + e.message)); ul.hidden = false;
    return undefined;
  }
}

// ---- bulk replay --------------------------------------------------------------------------------

function bulkRequest(dryRun) {
  const q = filterQuery();
  const r = { dryRun, batchSize: Number($('bulk-batch').value || 100) };
  for (const [k, v] of q.entries()) r[k] = v;
  return r;
}

async function bulkDry() {
  try {
    const r = await api('POST', '/dead-letters/replay', bulkRequest(true));
    $('bulk-info').textContent = r.wouldReplay + ' dead letter(s) would be replayed: ' +
      Object.entries(r.byTarget).map(([t, n]) => n + ' for ' + t).join(', ');
  } catch (e) { $('bulk-info').textContent = e.message; }
}

async function bulkStart() {
  const ok = await confirmDialog('Replay every open dead letter this search finds?', false);
  if (!ok) return;
  try {
    const job = await api('POST', '/dead-letters/replay', bulkRequest(false));
    state.job = job.id;
    $('bulk-stop').hidden = false;
    $('bulk-progress').hidden = false;
    pollJob();
  } catch (e) { $('bulk-info').textContent = e.message; }
}

async function pollJob() {
  if (!state.job) return;
  const j = await api('GET', '/replay-jobs/' + state.job);
  $('bulk-progress').value = j.percent;
  $('bulk-info').textContent = j.state + ': ' + j.done + ' of ' + j.total + ' (' + j.applied + ' applied, ' + j.skipped + ' skipped, ' +
    j.failed + ' failed), ' + j.ratePerSecond + ' per second' + (j.lastError ? ' - ' + j.lastError : '');
  if (j.state === 'RUNNING') setTimeout(pollJob, 1000);
  else { state.job = null; $('bulk-stop').hidden = true; summary(); search(); }
}

// ---- own password -------------------------------------------------------------------------------

function changePassword() {
  $('pw-current').value = ''; $('pw-new').value = ''; $('pw-info').textContent = '';
  $('password-dialog').showModal();
  $('pw-current').focus();
}

async function submitPassword(ev) {
  if (ev.submitter && ev.submitter.value === 'cancel') return;
  ev.preventDefault();
  try {
    await api('PUT', '/session/password', { currentPassword: $('pw-current').value, newPassword: $('pw-new').value });
    $('pw-info').textContent = 'Changed. Sign in again with the new password.';
    setTimeout(() => { $('password-dialog').close(); signOut(); }, 1500);
  } catch (e) { $('pw-info').textContent = e.message; }
}

// ---- wiring -------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('password').addEventListener('click', changePassword);
  $('password-form').addEventListener('submit', submitPassword);
  $('search-form').addEventListener('submit', (e) => search(e));
  $('more').addEventListener('click', () => search(null, true));
  $('replay').addEventListener('click', () => act('Replay this dead letter into ' + state.current.target + ' as it is?', false,
    (d) => api('POST', '/dead-letters/' + d.id + '/replay')));
  $('edit').addEventListener('click', startEdit);
  $('edit-cancel').addEventListener('click', () => { $('editor').hidden = true; });
  $('replay-edited').addEventListener('click', () => {
    const body = parsedEdit();
    if (body === undefined) return;
    act('Replay the edited message into ' + state.current.target + '?', false,
      (d) => api('POST', '/dead-letters/' + d.id + '/replay', { body }));
  });
  $('resync').addEventListener('click', () => act('Read this record again from the CRM and send it to ' + state.current.target + '?', false,
    (d) => api('POST', '/dead-letters/' + d.id + '/resync')));
  $('discard').addEventListener('click', () => act('Discard this dead letter? It leaves its queue; the audit trail keeps why.', true,
    (d, reason) => api('DELETE', '/dead-letters/' + d.id + '?reason=' + encodeURIComponent(reason))));
  $('parked-refresh').addEventListener('click', parked);
  $('parked-release').addEventListener('click', () => parkedAct('Release this parked message now? It goes where it would have gone at the end of its wait.', false,
    (p) => api('POST', '/parked/' + encodeURIComponent(p.id) + '/release'), 'Released.'));
  $('parked-dead-letter').addEventListener('click', () => parkedAct('Dead-letter this parked message? It becomes a dead letter with your reason; the audit trail keeps who and why.', true,
    (p, reason) => api('POST', '/parked/' + encodeURIComponent(p.id) + '/dead-letter', { reason }), 'Dead-lettered: find it under Find.'));
  $('bulk-dry').addEventListener('click', bulkDry);
  $('reconcile-start').addEventListener('click', reconcileNow);
  $('bulk-start').addEventListener('click', bulkStart);
  $('bulk-stop').addEventListener('click', async () => { if (state.job) await api('POST', '/replay-jobs/' + state.job + '/stop'); });
  start();
});
