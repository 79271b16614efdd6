// The chat page (run by Gradio as the chat component's js_on_load: `element`, `props`,
// `server`, `trigger` and `watch` are given). The conversation lives in this browser
// (localStorage): the server keeps nothing and gets, with each question, only its last turns.
// Questions are answered one at a time, in the order they were sent; the ones typed while an
// answer is being made wait in a visible queue. All HTML inserted here was built by the server
// from escaped text; text typed by the user is only ever set as textContent.
const T = props.texts;
const $ = (selector) => element.querySelector(selector);
const log = $('#conversazione');
const box = $('#domanda');
const counter = $('#contatore');
const tooLong = $('#avviso-lunghezza');
const sendState = $('#stato-invio');
const queueList = $('#coda');
const examples = $('#esempi');
const wide = window.matchMedia('(min-width: 900px)');
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key]);
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

let turns = [];
const waiting = [];
let busy = false;
let epoch = 0; // bumped by "Nuova conversazione": a late answer of the old one is dropped

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(props.storage_key) || '[]');
    return Array.isArray(saved) ? saved.filter((t) => t && t.turn && t.html) : [];
  } catch (error) {
    return [];
  }
}

function save() {
  turns = turns.slice(-props.kept_answers);
  try {
    localStorage.setItem(props.storage_key, JSON.stringify(turns));
  } catch (error) {
    // Storage full or disabled: the conversation still works, it just will not survive a reload.
  }
}

function refreshEmpty() {
  $('#chat-vuota').hidden = turns.length > 0 || log.children.length > 0;
}

function show(record) {
  const holder = document.createElement('div');
  holder.innerHTML = record.html;
  const node = holder.firstElementChild;
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

function scrollToTurn(node) {
  node.scrollIntoView({ block: 'start' });
}

function history() {
  const recent = turns.slice(-Math.ceil(props.history_turns / 2));
  const cut = (text) => text.slice(0, props.turn_chars);
  return recent.flatMap((t) => [
    { role: 'user', content: cut(t.question) },
    { role: 'assistant', content: cut(t.answer) },
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

function pendingTurn(question) {
  const node = document.createElement('article');
  node.className = 'turno in-attesa';
  node.setAttribute('aria-busy', 'true');
  const heading = document.createElement('h3');
  heading.className = 'domanda';
  heading.textContent = question;
  const wait = document.createElement('div');
  wait.className = 'risposta';
  wait.textContent = T.PENDING;
  node.append(heading, wait);
  log.append(node);
  refreshEmpty();
  return node;
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

// An answer usually comes in a few tens of milliseconds: the waiting line is shown only if it
// does not, so the page does no work of its own while the server answers (and none flickers).
const PENDING_AFTER_MS = 150;

async function ask(question) {
  const mine = epoch;
  let node = null;
  const showPending = () => {
    if (!node) {
      node = pendingTurn(question);
      scrollToTurn(node);
    }
    return node;
  };
  const timer = setTimeout(showPending, PENDING_AFTER_MS);
  const request = { question, history: history(), turn: newTurnId(), number: turns.length + 1 };
  let reply;
  try {
    reply = props.streaming
      ? await streamed(request, showPending())
      : await server.answer(request);
  } catch (error) {
    reply = { error: T.NETWORK };
  }
  clearTimeout(timer);
  if (mine !== epoch) {
    if (node) node.remove();
    return;
  }
  if (!reply || reply.error) {
    failedTurn(showPending(), (reply && reply.error) || T.NETWORK);
    return;
  }
  const record = { ...reply, rating: null, row: null };
  turns.push(record);
  save();
  const shown = show(record);
  if (node) node.replaceWith(shown);
  else log.append(shown);
  refreshEmpty();
  if (examples.open && turns.length === 1) examples.open = false;
  scrollToTurn(shown);
}

// With an LLM the answer grows sentence by sentence: the server pushes it into `partial`.
let streamWaiters = {};
function streamed(request, node) {
  return new Promise((resolve) => {
    streamWaiters[request.turn] = { resolve, node };
    trigger('ask', request);
  });
}
watch('partial', () => {
  const update = props.partial;
  const waiter = update && streamWaiters[update.turn];
  if (!waiter) return;
  if (update.html) waiter.node.querySelector('.risposta').innerHTML = update.html;
  if (update.done || update.error) {
    delete streamWaiters[update.turn];
    waiter.resolve(update.done || { error: update.error });
  }
});

async function drain() {
  if (busy) return;
  busy = true;
  while (waiting.length) {
    const question = waiting.shift();
    showQueue();
    await ask(question);
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
  waiting.push(question);
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
examples.addEventListener('click', (event) => {
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

// The clipboard API needs a secure context (https or localhost): elsewhere, the old way.
function copyByHand(text) {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const done = document.execCommand('copy');
  area.remove();
  if (!done) throw new Error('copy refused');
}

async function copy(node, record) {
  const state = node.querySelector('.copia-stato');
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(record.markdown);
    } else {
      copyByHand(record.markdown);
    }
    state.textContent = T.COPIED;
  } catch (error) {
    state.textContent = T.COPY_FAILED;
  }
}

async function rate(node, record, rating) {
  const state = node.querySelector('.valuta-stato');
  const reason = node.querySelector('.motivo textarea');
  if (!rating) {
    state.textContent = T.RATE_FIRST;
    return;
  }
  let result;
  try {
    result = await server.rate({
      question: record.question,
      answer: record.answer,
      citations: record.citations,
      rating,
      reason: reason.value.replace(CONTROL, ' '),
      row: record.row,
    });
  } catch (error) {
    result = { error: T.NETWORK };
  }
  if (result.error) {
    state.textContent = result.error;
    return;
  }
  record.rating = rating;
  record.row = result.row;
  save();
  showRating(node, record);
  state.textContent = result.message;
}

log.addEventListener('click', (event) => {
  const target = event.target.closest('a, button');
  if (!target) return;
  if (target.matches('a.marcatore')) {
    event.preventDefault();
    revealSource(target);
  } else if (target.matches('a.torna')) {
    event.preventDefault();
    backToAnswer(target);
  } else if (target.dataset.azione) {
    const node = target.closest('.turno');
    const record = recordOf(node);
    if (!record) return;
    const action = target.dataset.azione;
    if (action === 'copia') copy(node, record);
    else rate(node, record, action === 'motivo' ? record.rating : action);
  }
});

$('#nuova').addEventListener('click', () => {
  epoch += 1;
  waiting.length = 0;
  turns = [];
  save();
  log.replaceChildren();
  examples.open = true;
  showQueue();
  refreshEmpty();
  $('#stato-barra').textContent = T.CLEARED;
  box.focus();
});

$('#scarica').addEventListener('click', () => {
  const day = new Date().toISOString().slice(0, 10);
  const title = '# ' + fill(T.DOWNLOAD_TITLE, { date: day });
  const text = [title, ...turns.map((t) => t.markdown)].join('\n\n---\n\n') + '\n';
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
  link.download = `chiedi-al-piano-${day}.md`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
});

turns = load();
log.replaceChildren(...turns.map(show));
if (turns.length) {
  examples.open = false;
  requestAnimationFrame(() => scrollToTurn(log.lastElementChild));
}
refreshEmpty();
updateCounter();
if (wide.matches) box.focus({ preventScroll: true }); // on a phone it would pop the keyboard up
