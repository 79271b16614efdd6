// What can be done with the conversation (after turn.js and chat.js, in the same js_on_load):
// copy an answer, rate it through /api/feedback, preview a source by hovering or focusing its
// marker, start a new conversation (and take it back), download it; then the page starts.

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
  const markdown = turnMarkdown(record);
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(markdown);
    } else {
      copyByHand(markdown);
    }
    state.textContent = T.COPIED;
  } catch (error) {
    state.textContent = T.COPY_FAILED;
  }
}

// A rating is stored once; with the token the server gave for it, a second thought (another
// 👍/👎, a reason) changes that row. If the row is no longer there (the archive was reset), the
// server stores a new one and the page says so.
async function rate(node, record, rating) {
  const state = node.querySelector('.valuta-stato');
  const reason = node.querySelector('.motivo textarea');
  if (!rating) {
    state.textContent = T.RATE_FIRST;
    return;
  }
  const body = {
    question: record.answer.question,
    answer: record.answer.answer,
    citations: record.answer.citations.map((c) => c.chunk_id),
    rating,
    reason: reason.value.replace(CONTROL, ' '),
    row: record.row,
  };
  let result;
  try {
    const response = await fetch(props.paths.feedback, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify(body),
    });
    result = response.ok ? await response.json() : { error: await errorOf(response) };
  } catch (error) {
    result = { error: T.NETWORK };
  }
  if (result.error) {
    state.textContent = result.error;
    return;
  }
  const anew = record.row !== null && !result.revised;
  record.rating = rating;
  record.row = { id: result.id, token: result.token };
  save();
  showRating(node, record);
  const done = rating === 'up' ? T.RATED_UP : T.RATED_DOWN;
  const message = reason.value.trim() ? T.REASON_SAVED : `${done} ${T.RATED_HINT}`;
  state.textContent = anew ? `${T.RATED_ANEW} ${message}` : message;
}

log.addEventListener('click', (event) => {
  const target = event.target.closest('a, button');
  if (!target) return;
  if (target.matches('a.marcatore')) {
    event.preventDefault();
    hidePreview();
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

// --- the preview of a source on its marker (hover or keyboard focus; Escape closes it) ------
let previewed = null;
let hideTimer = null;

function showPreview(link) {
  const record = recordOf(link);
  const citation = record?.answer.citations.find((c) => c.n === Number(link.dataset.n));
  if (!citation) return;
  clearTimeout(hideTimer);
  if (previewed && previewed !== link) previewed.removeAttribute('aria-describedby');
  const title = document.createElement('strong');
  title.textContent = `[${citation.n}] ${citation.title}`;
  const quote = document.createElement('span');
  quote.textContent = `«${citation.quote || citation.text.slice(0, 280)}»`;
  preview.replaceChildren(title, document.createElement('br'), quote);
  preview.hidden = false;
  const at = link.getBoundingClientRect();
  const width = preview.offsetWidth;
  preview.style.left = Math.max(8, Math.min(at.left, window.innerWidth - width - 8)) + 'px';
  const below = at.bottom + 6 + preview.offsetHeight < window.innerHeight;
  preview.style.top = (below ? at.bottom + 6 : Math.max(8, at.top - preview.offsetHeight - 6)) + 'px';
  link.setAttribute('aria-describedby', preview.id);
  previewed = link;
}

function hidePreview() {
  clearTimeout(hideTimer);
  preview.hidden = true;
  if (previewed) previewed.removeAttribute('aria-describedby');
  previewed = null;
}

const laterHide = () => {
  clearTimeout(hideTimer);
  hideTimer = setTimeout(hidePreview, 300);
};
log.addEventListener('mouseover', (event) => {
  const link = event.target.closest('a.marcatore');
  if (link) showPreview(link);
});
log.addEventListener('mouseout', (event) => {
  if (event.target.closest('a.marcatore')) laterHide();
});
log.addEventListener('focusin', (event) => {
  const link = event.target.closest('a.marcatore');
  if (link) showPreview(link);
});
log.addEventListener('focusout', (event) => {
  if (event.target.closest('a.marcatore')) hidePreview();
});
preview.addEventListener('mouseenter', () => clearTimeout(hideTimer));
preview.addEventListener('mouseleave', laterHide);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !preview.hidden) hidePreview();
});
window.addEventListener('scroll', () => preview.hidden || hidePreview(), { passive: true });

// --- a new conversation, and taking it back ---------------------------------------------------
function forgetCleared() {
  if (cleared === null) return;
  cleared = null;
  undoButton.hidden = true;
  barState.textContent = '';
}

$('#nuova').addEventListener('click', () => {
  cleared = turns;
  epoch += 1;
  waiting.length = 0;
  saveQueue();
  turns = [];
  save();
  log.replaceChildren();
  showQueue();
  refreshEmpty();
  barState.textContent = T.CLEARED;
  undoButton.hidden = cleared.length === 0;
});

undoButton.addEventListener('click', () => {
  turns = cleared || [];
  cleared = null;
  save();
  log.replaceChildren(...turns.map((t, i) => show(t, i + 1)));
  undoButton.hidden = true;
  refreshEmpty();
  barState.textContent = T.RESTORED;
  box.focus({ preventScroll: true });
});

// --- the download: the notice, when, from which index build, then every exchange -------------
$('#scarica').addEventListener('click', () => {
  const now = new Date();
  const date = now.toLocaleDateString('it-IT');
  const time = now.toLocaleTimeString('it-IT', { hour: '2-digit', minute: '2-digit' });
  const builds = [...new Set(turns.map((t) => t.build).filter(Boolean))].join(', ') || '—';
  const head = [
    `# ${T.DOWNLOAD_TITLE}`,
    fill(T.DOWNLOAD_WHEN, { date, time }),
    fill(T.DOWNLOAD_BUILD, { builds }),
    `> **${T.DOWNLOAD_NOTICE}.** ${T.NOTICE}`,
  ].join('\n\n');
  const text = [head, ...turns.map(turnMarkdown)].join('\n\n---\n\n') + '\n';
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
  link.download = `chiedi-al-piano-${stamp}.md`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
});

// --- start: the kept conversation, then the questions that were still waiting ----------------
turns = stored(props.storage_key).filter(wellFormed);
log.replaceChildren(...turns.map((t, i) => show(t, i + 1)));
if (turns.length) requestAnimationFrame(() => log.lastElementChild.scrollIntoView({ block: 'start' }));
refreshEmpty();
updateCounter();
waiting.push(...stored(QUEUE_KEY).filter((q) => typeof q === 'string' && q.trim()));
if (waiting.length) {
  showQueue();
  drain();
}
if (wide.matches) box.focus({ preventScroll: true }); // on a phone it would pop the keyboard up
