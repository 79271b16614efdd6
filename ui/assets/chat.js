// The chat page (with turn.js, the chat component's js_on_load: `element` and `props` are
// given). The page is a client of the public API like any other: it asks through
// /api/ask/stream (Server-Sent Events) and rates through /api/feedback, saying with a header
// that it is the chat. The conversation lives in this browser (localStorage): the server keeps
// nothing and gets, with each question, only its last turns. Questions are answered one at a
// time, in the order they were sent; those waiting are kept too, so a reload loses none.
const $ = (selector) => element.querySelector(selector);
const log = $('#conversazione');
const box = $('#domanda');
const counter = $('#contatore');
const tooLong = $('#avviso-lunghezza');
const sendState = $('#stato-invio');
const queueList = $('#coda');
const guide = $('#guida');
const bar = $('#chat-barra');
const barState = $('#stato-barra');
const undoButton = $('#annulla');
const preview = $('#anteprima');
const wide = window.matchMedia('(min-width: 900px)');
// The control characters the server refuses (core/limits.py), blanked before sending.
const CONTROL = new RegExp(`[${props.control_chars}]`, 'g');
const QUEUE_KEY = props.storage_key + ':coda';
const HEADERS = { 'Content-Type': 'application/json', [props.source_header]: props.source };

let turns = [];
const waiting = [];
let current = null; // the question being answered now: kept with the waiting ones
let busy = false;
let epoch = 0; // bumped by "Nuova conversazione": a late answer of the old one is dropped
let cleared = null; // what "Nuova conversazione" cleared, until "Annulla" or the next question

function stored(key) {
  try {
    const saved = JSON.parse(localStorage.getItem(key) || '[]');
    return Array.isArray(saved) ? saved : [];
  } catch (error) {
    return [];
  }
}

function keep(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch (error) {
    // Storage full or disabled: the conversation still works, it just will not survive a reload.
  }
}

const wellFormed = (t) =>
  t && typeof t.turn === 'string' && t.answer && Array.isArray(t.answer.citations);

function save() {
  turns = turns.slice(-props.kept_answers);
  keep(props.storage_key, turns);
}

function saveQueue() {
  keep(QUEUE_KEY, current === null ? waiting : [current, ...waiting]);
}

function refreshEmpty() {
  const empty = turns.length === 0 && log.children.length === 0;
  guide.hidden = !empty;
  bar.hidden = empty && cleared === null;
}

function show(record, number) {
  const node = turnNode(record, number);
  const sources = node.querySelector('details.fonti');
  if (sources) sources.open = wide.matches;
  showRating(node, record);
  return node;
}

function showRating(node, record) {
  node.querySelectorAll('.valuta [data-azione=up], .valuta [data-azione=down]').forEach((b) => {
    b.setAttribute('aria-pressed', String(b.dataset.azione === record.rating));
  });
  node.querySelector('.motivo').hidden = !record.rating;
}

// Focus that would fall to the page (its element hidden or gone) goes to the newest answer.
function keepFocus(node) {
  const active = document.activeElement;
  if (!active || active === document.body || !active.isConnected || !active.offsetParent) {
    node.querySelector('.risposta').focus({ preventScroll: true });
  }
}

function history() {
  const recent = turns.slice(-Math.ceil(props.history_turns / 2));
  const cut = (text) => text.replace(CONTROL, ' ').slice(0, props.turn_chars);
  return recent.flatMap((t) => [
    { role: 'user', content: cut(t.answer.question) },
    { role: 'assistant', content: cut(t.answer.answer) },
  ]);
}

function showQueue() {
  queueList.replaceChildren(
    ...waiting.map((q) => {
      const item = document.createElement('li');
      item.textContent = q;
      return item;
    }),
  );
  queueList.hidden = waiting.length === 0;
  if (!busy || waiting.length === 0) sendState.textContent = '';
  else if (waiting.length === 1) sendState.textContent = T.QUEUED_ONE;
  else sendState.textContent = fill(T.QUEUED_MANY, { n: waiting.length });
}

function failedTurn(node, message) {
  node.classList.remove('in-attesa');
  node.classList.add('errore');
  node.removeAttribute('aria-busy');
  const text = node.querySelector('.risposta');
  text.textContent = message;
  text.setAttribute('role', 'alert');
}

function newTurnId() {
  return 't' + Date.now().toString(36) + Math.floor(Math.random() * 1296).toString(36);
}

async function errorOf(response) {
  try {
    const body = await response.json();
    if (body && typeof body.detail === 'string') return body.detail;
  } catch (error) {
    // not JSON: said below
  }
  return T.NETWORK;
}

// One question through /api/ask/stream: `onText` gets the text so far as it grows.
async function requestAnswer(question, onText) {
  const response = await fetch(props.paths.ask, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ question, history: history() }),
  });
  if (!response.ok) return { error: await errorOf(response) };
  const build = response.headers.get(props.build_header) || '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let text = '';
  let answer = null;
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const name = (lines.find((l) => l.startsWith('event: ')) || '').slice(7);
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      if (name === 'delta') onText((text += JSON.parse(data).text));
      else if (name === 'done') answer = JSON.parse(data);
    }
    if (done) break;
  }
  return answer ? { answer, build } : { error: T.NETWORK };
}

// An answer usually comes in a few tens of milliseconds: the waiting line is shown only if it
// does not, so the page does no work of its own while the server answers (and none flickers).
const PENDING_AFTER_MS = 150;

async function ask(question) {
  const mine = epoch;
  const turn = newTurnId();
  let node = null;
  let sofar = ''; // the verified text received so far (with an LLM, sentence by sentence)
  const showPartial = () => {
    const holder = node.querySelector('.risposta');
    fillAnswer(holder, { question, answer: sofar, citations: [], outcome: 'answer' }, turn);
  };
  const showPending = () => {
    if (!node) {
      node = pendingNode(question);
      log.append(node);
      refreshEmpty();
      if (sofar) showPartial();
      node.scrollIntoView({ block: 'start' });
    }
    return node;
  };
  const timer = setTimeout(showPending, PENDING_AFTER_MS);
  const partial = (text) => {
    sofar = text;
    if (node && mine === epoch) showPartial();
  };
  let reply;
  try {
    reply = await requestAnswer(question, partial);
  } catch (error) {
    reply = { error: T.NETWORK };
  }
  clearTimeout(timer);
  if (mine !== epoch) {
    if (node) node.remove();
    return;
  }
  if (reply.error) {
    failedTurn(showPending(), reply.error);
    return;
  }
  const record = { turn, answer: reply.answer, build: reply.build, rating: null, row: null };
  turns.push(record);
  save();
  const shown = show(record, turns.length);
  if (node) node.replaceWith(shown);
  else log.append(shown);
  refreshEmpty();
  keepFocus(shown);
  shown.scrollIntoView({ block: 'start' });
}

async function drain() {
  if (busy) return;
  busy = true;
  while (waiting.length) {
    current = waiting.shift();
    showQueue();
    await ask(current);
    current = null;
    saveQueue();
  }
  busy = false;
  showQueue();
}

function lengthProblem(text) {
  if (text.length <= props.max_chars) return '';
  return fill(T.COUNTER_OVER, { over: text.length - props.max_chars, max: props.max_chars });
}

function updateCounter() {
  const text = box.value;
  counter.textContent = fill(T.COUNTER, { n: text.length, max: props.max_chars });
  const problem = lengthProblem(text);
  counter.classList.toggle('oltre', Boolean(problem));
  box.setAttribute('aria-invalid', String(Boolean(problem)));
  if (tooLong.textContent !== problem) tooLong.textContent = problem;
}

function submit(raw) {
  const question = raw.replace(CONTROL, ' ').trim();
  if (!question) return false;
  if (lengthProblem(question)) {
    updateCounter();
    return false;
  }
  forgetCleared();
  waiting.push(question);
  saveQueue();
  showQueue();
  drain();
  return true;
}

function sendBox() {
  if (submit(box.value)) {
    box.value = '';
    updateCounter();
  }
  box.focus();
}

$('#compositore').addEventListener('submit', (event) => {
  event.preventDefault();
  sendBox();
});
box.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    sendBox();
  }
});
box.addEventListener('input', updateCounter);
// Examples and suggested next questions are asked as they are written.
element.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-domanda]');
  if (button) submit(button.dataset.domanda);
});

function recordOf(node) {
  const id = node.closest('.turno')?.dataset.turno;
  return turns.find((t) => t.turn === id);
}

function revealSource(link) {
  const card = element.querySelector('#' + CSS.escape(link.dataset.fonte));
  if (!card) return;
  const sources = card.closest('details');
  if (sources) sources.open = true;
  element.querySelectorAll('.fonte.evidenziata').forEach((c) => c.classList.remove('evidenziata'));
  card.classList.add('evidenziata');
  card.scrollIntoView({ block: 'nearest' });
  card.focus({ preventScroll: true });
}

function backToAnswer(link) {
  const answer = element.querySelector('#' + CSS.escape(link.dataset.risposta));
  if (!answer) return;
  answer.scrollIntoView({ block: 'nearest' });
  answer.focus({ preventScroll: true });
}
