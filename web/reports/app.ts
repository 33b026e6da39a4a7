// The reports page: calls the JSON routes of the origin that served it (npm start, or
// `npm run reports` proxying a deployed stage) and draws what they answer. Nothing here is
// personal data; records are only fetched and shown on demand, as text.
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
// Shared with the handler, so that there is one definition of what a summary answers and of
// a zone's offset: types, and a helper that imports nothing Node-only.
import { SESSION_ACTIONS } from '../../handler/push-types/push-registry';
import { offsetAt } from '../../handler/reports/local-time';
import type { Summary } from '../../handler/reports/summary-types';
import type { Figures } from '../../handler/reports/tally';
import { type StoredRecord, sessionRowOf } from './session-row';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state = {
  authorization: undefined as string | undefined,
  cursors: [null] as Array<string | null>,
  page: 0,
  query: undefined as { from: string; to: string; action: string; tz: string } | undefined,
};

// ---- time zones: local midnights as instants, with Intl only ----

/** The zone's offset at an instant, in ms (the shared helper counts whole seconds). */
const offsetMs = (instant: number, timeZone: string): number => offsetAt(Math.floor(instant / 1000), timeZone) * 1000;

/** The instant a wall-clock time of `timeZone` happens (the later one when it happens twice). */
function zonedInstant(wall: number, timeZone: string): number {
  let instant = wall - offsetMs(wall, timeZone);
  instant = wall - offsetMs(instant, timeZone);
  return instant;
}

function localDate(instant: number, timeZone: string): { y: number; m: number; d: number } {
  const wall = new Date(instant + offsetMs(instant, timeZone));
  return { y: wall.getUTCFullYear(), m: wall.getUTCMonth(), d: wall.getUTCDate() };
}

function rangeOf(choice: string, timeZone: string): { from: number; to: number } {
  if (choice === 'custom') {
    const from = $<HTMLInputElement>('from').value;
    const to = $<HTMLInputElement>('to').value;
    if (!from || !to) throw new Error('pick a start and an end for the custom range');
    return { from: zonedInstant(Date.parse(`${from}Z`), timeZone), to: zonedInstant(Date.parse(`${to}Z`), timeZone) };
  }
  const { y, m, d } = localDate(Date.now(), timeZone);
  const midnight = (days: number) => zonedInstant(Date.UTC(y, m, d + days), timeZone);
  switch (choice) {
    case 'today':
      return { from: midnight(0), to: midnight(1) };
    case 'yesterday':
      return { from: midnight(-1), to: midnight(0) };
    case '30d':
      return { from: midnight(-29), to: midnight(1) };
    default:
      return { from: midnight(-6), to: midnight(1) };
  }
}

// ---- the JSON routes ----

class Unauthorized extends Error {}

async function getJson<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== '')).toString();
  const reply = await fetch(query ? `${path}?${query}` : path, {
    headers: state.authorization ? { authorization: state.authorization } : {},
    credentials: 'same-origin',
  });
  const body = await reply.json().catch(() => ({}));
  if (reply.status === 401) throw new Unauthorized(body.ErrMsg ?? 'credentials needed');
  if (!reply.ok) throw new Error(`${path}: ${body.ErrMsg ?? reply.statusText} (${body.ErrCode ?? reply.status})`);
  return body as T;
}

// ---- drawing ----

const charts = new Map<string, echarts.ECharts>();
function chart(id: string): echarts.ECharts {
  let instance = charts.get(id);
  if (!instance) {
    instance = echarts.init($(id), undefined, { renderer: 'canvas' });
    charts.set(id, instance);
  }
  return instance;
}
new ResizeObserver(() => {
  for (const instance of charts.values()) instance.resize();
}).observe(document.body);

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const show = (value: number | null, unit = '') => (value === null ? '–' : `${number.format(value)}${unit}`);
const labelOf = (key: string | null) => key ?? '(none)';
// Tooltips drawn as canvas text, never as HTML: agent ids and statuses come from pushes.
const tooltip = { trigger: 'axis' as const, renderMode: 'richText' as const };

function drawTotals(totals: Figures): void {
  const tiles: Array<[string, string, string]> = [
    ['sessions', 'Sessions', show(totals.sessions)],
    ['answered', 'Answered', show(totals.answered)],
    ['unanswered', 'Unanswered', show(totals.unanswered)],
    ['answerRate', 'Answer rate', show(totals.answerRate === null ? null : totals.answerRate * 100, ' %')],
    ['avgWaitSeconds', 'Average wait', show(totals.avgWaitSeconds, ' s')],
    ['maxWaitSeconds', 'Longest wait', show(totals.maxWaitSeconds, ' s')],
    ['avgHandleSeconds', 'Average handle', show(totals.avgHandleSeconds, ' s')],
  ];
  $('totals').replaceChildren(
    ...tiles.map(([figure, label, value]) => {
      const tile = document.createElement('div');
      tile.className = 'tile';
      tile.dataset.figure = figure;
      const name = document.createElement('div');
      name.className = 'label';
      name.textContent = label;
      const shown = document.createElement('div');
      shown.className = 'value';
      shown.textContent = value;
      tile.append(name, shown);
      return tile;
    }),
  );
}

function drawTime(summary: Summary, grouping: string): void {
  $('time-caption').textContent = `Sessions and answer rate by ${grouping}`;
  chart('chart-time').setOption(
    {
      animation: false,
      tooltip,
      legend: { data: ['Sessions', 'Answer rate %'], top: 0 },
      grid: { left: 48, right: 48, bottom: 40, top: 48 },
      xAxis: { type: 'category', data: summary.groups.map((group) => labelOf(group.key)) },
      yAxis: [
        { type: 'value', name: 'sessions', minInterval: 1 },
        { type: 'value', name: '%', min: 0, max: 100 },
      ],
      series: [
        { name: 'Sessions', type: 'bar', data: summary.groups.map((group) => group.sessions) },
        {
          name: 'Answer rate %',
          type: 'line',
          yAxisIndex: 1,
          connectNulls: false,
          data: summary.groups.map((group) =>
            group.answerRate === null ? null : Math.round(group.answerRate * 1000) / 10,
          ),
        },
      ],
    },
    true,
  );
}

function drawWaitHandle(id: string, summary: Summary): void {
  const groups = [...summary.groups].sort((a, b) => b.sessions - a.sessions).slice(0, 30);
  chart(id).setOption(
    {
      animation: false,
      tooltip,
      legend: { data: ['Average wait', 'Average handle'], top: 0 },
      grid: { left: 56, right: 16, bottom: 72, top: 48 },
      xAxis: {
        type: 'category',
        data: groups.map((group) => labelOf(group.key)),
        axisLabel: { rotate: 30, width: 110, overflow: 'truncate' },
      },
      yAxis: { type: 'value', name: 's' },
      series: [
        { name: 'Average wait', type: 'bar', data: groups.map((group) => group.avgWaitSeconds) },
        { name: 'Average handle', type: 'bar', data: groups.map((group) => group.avgHandleSeconds) },
      ],
    },
    true,
  );
}

function drawStatus(summary: Summary): void {
  chart('chart-status').setOption(
    {
      animation: false,
      tooltip: { trigger: 'item', renderMode: 'richText' },
      legend: { type: 'scroll', bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          data: summary.groups.map((group) => ({ name: labelOf(group.key), value: group.sessions })),
        },
      ],
    },
    true,
  );
}

// ---- the sessions behind the selection ----

const cell = (text: string, className?: string) => {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
};

async function showSessions(): Promise<void> {
  const query = state.query;
  if (!query) return;
  const cursor = state.cursors[state.page];
  const page = await getJson<{ items: StoredRecord[]; cursor: string | null }>('/sessions', {
    from: query.from,
    to: query.to,
    // "All session types": the session-level types, the ones the charts count.
    action: query.action || SESSION_ACTIONS.join(','),
    limit: '20',
    ...(cursor ? { cursor } : {}),
  });
  const when = new Intl.DateTimeFormat(undefined, { timeZone: query.tz, dateStyle: 'short', timeStyle: 'medium' });
  const rows = page.items.map((item) => {
    const shown = sessionRowOf(item, when);
    const row = document.createElement('tr');
    row.tabIndex = 0;
    row.dataset.sessionId = shown.sessionId;
    row.append(
      cell(shown.when, shown.badTime ? 'bad-value' : undefined),
      cell(shown.action),
      cell(shown.sessionId, 'session'),
      cell(shown.seat),
      cell(shown.skillGroup),
      cell(shown.status),
      cell(shown.waitSeconds),
    );
    const open = () => void openRecord(shown.sessionId);
    row.addEventListener('click', open);
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') open();
    });
    return row;
  });
  $('session-rows').replaceChildren(...rows);
  state.cursors[state.page + 1] = page.cursor;
  $<HTMLButtonElement>('newer').disabled = state.page === 0;
  $<HTMLButtonElement>('older').disabled = page.cursor === null;
  $('page-label').textContent = `page ${state.page + 1}`;
}

async function openRecord(sessionId: string): Promise<void> {
  try {
    const session = await getJson<{ SessionId: string; items: StoredRecord[] }>(
      `/sessions/${encodeURIComponent(sessionId)}`,
    );
    $('record-title').textContent = `Session ${sessionId}`;
    $('record-json').textContent = JSON.stringify(session.items, null, 2);
    $<HTMLDialogElement>('record').showModal();
  } catch (error) {
    report(error);
  }
}

// ---- putting it together ----

function report(error: unknown): void {
  const status = $('status');
  if (error instanceof Unauthorized) {
    $('login').hidden = false;
    // Credentials the receiver refused are not kept: the reader is told, and signs in again.
    status.textContent = state.authorization
      ? `Sign-in refused: ${error.message}. Check them and sign in again.`
      : 'Sign in to see the reports.';
    state.authorization = undefined;
  } else status.textContent = error instanceof Error ? error.message : String(error);
  status.className = 'error';
}

async function refresh(): Promise<void> {
  const status = $('status');
  status.className = '';
  status.textContent = 'Loading…';
  try {
    const tz = $<HTMLInputElement>('tz').value.trim() || 'UTC';
    const { from, to } = rangeOf($<HTMLSelectElement>('range').value, tz);
    const action = $<HTMLSelectElement>('action').value;
    const grouping = $<HTMLSelectElement>('grouping').value;
    const params = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), tz, action };
    const [time, seat, skill, byStatus] = await Promise.all(
      [grouping, 'seat', 'skillGroup', 'status'].map((groupBy) =>
        getJson<Summary>('/reports/summary', { ...params, groupBy }),
      ),
    );
    drawTotals((time as Summary).totals);
    drawTime(time as Summary, grouping);
    drawWaitHandle('chart-seat', seat as Summary);
    drawWaitHandle('chart-skill', skill as Summary);
    drawStatus(byStatus as Summary);
    state.query = { from: params.from, to: params.to, action, tz };
    state.cursors = [null];
    state.page = 0;
    await showSessions();
    $('login').hidden = true;
    status.textContent = `${(time as Summary).totals.sessions} sessions from ${params.from} to ${params.to} (${tz})`;
    document.body.dataset.ready = String(Date.now());
  } catch (error) {
    report(error);
  }
}

function setUpLogin(): void {
  const mode = $<HTMLSelectElement>('login-mode');
  const labels = () => {
    $('login-user-label').textContent = mode.value === 'oauth2' ? 'Client id' : 'Username';
    $('login-secret-label').textContent =
      mode.value === 'oauth2' ? 'Client secret' : mode.value === 'bearer' ? 'Token' : 'Password';
    $<HTMLInputElement>('login-user').disabled = mode.value === 'bearer';
  };
  mode.addEventListener('change', labels);
  labels();
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = $<HTMLInputElement>('login-user').value;
    const secret = $<HTMLInputElement>('login-secret').value;
    // Kept in this page's memory only (not in the form, the URL or storage): a reload asks again.
    $<HTMLInputElement>('login-secret').value = '';
    if (mode.value === 'basic')
      state.authorization = `Basic ${btoa(unescape(encodeURIComponent(`${user}:${secret}`)))}`;
    else if (mode.value === 'bearer') state.authorization = `Bearer ${secret}`;
    else {
      const reply = await fetch('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: user, client_secret: secret }),
      });
      const body = await reply.json().catch(() => ({}));
      if (!reply.ok)
        return report(new Error(`Sign-in refused: ${body.error ?? reply.status}. Check them and sign in again.`));
      state.authorization = `Bearer ${body.access_token}`;
    }
    await refresh();
  });
}

function setUp(): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  $<HTMLInputElement>('tz').value = zone;
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
  $('zones').replaceChildren(
    ...['UTC', ...zones].map((name) => {
      const option = document.createElement('option');
      option.value = name;
      return option;
    }),
  );
  $<HTMLSelectElement>('range').addEventListener('change', () => {
    $('custom').hidden = $<HTMLSelectElement>('range').value !== 'custom';
  });
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    void refresh();
  });
  for (const id of ['range', 'action', 'grouping']) {
    $(id).addEventListener('change', () => {
      if ($<HTMLSelectElement>('range').value !== 'custom') void refresh();
    });
  }
  $('newer').addEventListener('click', () => {
    state.page = Math.max(0, state.page - 1);
    void showSessions().catch(report);
  });
  $('older').addEventListener('click', () => {
    state.page += 1;
    void showSessions().catch(report);
  });
  setUpLogin();
  void refresh();
}

setUp();
