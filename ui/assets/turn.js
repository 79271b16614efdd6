// One exchange of the conversation, built from the API's Answer (JSON): the answer's text with
// every [n] a link to its source card, the cards, the rating, the next questions; and the same
// exchange as Markdown for "Copia" and the download. The skeletons are the server's templates
// (props.templates); every text from an answer, a document or the user is set as text, never
// parsed as HTML. (Run with chat.js as the chat component's js_on_load: `props` is given.)
const T = props.texts;
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key]);
const MARKER = /\[(\d+)\]/g;
const BULLET = /^\s*[-*•]\s+/;
const skeletons = {};

function part(name) {
  if (!skeletons[name]) {
    skeletons[name] = document.createElement('template');
    skeletons[name].innerHTML = props.templates[name];
  }
  return skeletons[name].content.firstElementChild.cloneNode(true);
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function merged(spans) {
  const out = [];
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

// Every occurrence of each phrase (whitespace-insensitive), inside `within` when it occurs
// there, else anywhere.
function phraseSpans(text, phrases, within = null) {
  const spans = [];
  for (const phrase of phrases) {
    const words = phrase.split(/\s+/).filter(Boolean);
    if (!words.length) continue;
    const pattern = new RegExp(words.map(escapeRegExp).join('\\s+'), 'g');
    const hits = [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length]);
    const inside = within
      ? hits.filter(([s, e]) => within.some(([ws, we]) => ws <= s && e <= we))
      : [];
    spans.push(...(inside.length ? inside : hits));
  }
  return merged(spans);
}

// Where the quoted sentences sit in the passage: the server found them once and put them in
// the passage's page address (`page_url`: …&evidenzia=start-end,…).
function quoteSpans(citation) {
  const spans = new URL(citation.page_url, location.origin).searchParams.get('evidenzia') || '';
  return spans
    .split(',')
    .map((piece) => piece.split('-').map(Number))
    .filter(([s, e]) => Number.isInteger(s) && Number.isInteger(e) && s < e);
}

function appendMarked(parent, text, spans, css = '') {
  let cursor = 0;
  for (const [start, end] of spans) {
    parent.append(text.slice(cursor, start));
    const mark = document.createElement('mark');
    if (css) mark.className = css;
    mark.textContent = text.slice(start, end);
    parent.append(mark);
    cursor = end;
  }
  parent.append(text.slice(cursor));
}

// The passage with the quoted sentences in <mark>, and inside them the words that answer in
// <mark class="esatta">.
function appendPassage(parent, citation) {
  const text = citation.text;
  const quotes = quoteSpans(citation);
  const answers = phraseSpans(text, citation.highlights || [], quotes);
  let cursor = 0;
  for (const [start, end] of merged([...quotes, ...answers])) {
    parent.append(text.slice(cursor, start));
    const inner = answers
      .filter(([s, e]) => s < end && e > start)
      .map(([s, e]) => [Math.max(s, start) - start, Math.min(e, end) - start]);
    const isQuote = quotes.some(([s, e]) => s < end && e > start);
    const holder = isQuote ? document.createElement('mark') : document.createDocumentFragment();
    appendMarked(holder, text.slice(start, end), inner, 'esatta');
    parent.append(holder);
    cursor = end;
  }
  parent.append(text.slice(cursor));
}

const cardId = (turn, n) => `f-${turn}-${n}`;

function markerLink(n, turn) {
  const link = document.createElement('a');
  link.className = 'marcatore';
  link.href = '#' + cardId(turn, n);
  link.dataset.fonte = cardId(turn, n);
  link.dataset.n = String(n);
  link.setAttribute('aria-label', fill(T.MARKER_LABEL, { n }));
  link.textContent = `[${n}]`;
  return link;
}

function appendLine(parent, line, turn, known, phrases) {
  let cursor = 0;
  for (const match of line.matchAll(MARKER)) {
    const before = line.slice(cursor, match.index);
    appendMarked(parent, before, phraseSpans(before, phrases), 'esatta');
    const n = Number(match[1]);
    parent.append(known.has(n) ? markerLink(n, turn) : match[0]);
    cursor = match.index + match[0].length;
  }
  const rest = line.slice(cursor);
  appendMarked(parent, rest, phraseSpans(rest, phrases), 'esatta');
}

const opensWithDirect = (answer) =>
  Boolean(answer.direct) && answer.answer.trimStart().startsWith(answer.direct);

function directCitation(answer) {
  if (!answer.direct) return null;
  const from = answer.citations.find(
    (c) => (c.highlights || []).includes(answer.direct) || c.quote.includes(answer.direct),
  );
  return from || answer.citations[0] || null;
}

// The answer's text as paragraphs and lists; an answer opens with the words that answer. What
// is not an answer (`unsure`, `not_covered`) gets no such line and no marked words.
function fillAnswer(holder, answer, turn) {
  holder.replaceChildren();
  const isAnswer = answer.outcome === 'answer';
  const known = new Set(answer.citations.map((c) => c.n));
  const phrases = isAnswer ? answer.citations.flatMap((c) => c.highlights || []) : [];
  if (isAnswer && answer.direct) {
    phrases.push(answer.direct);
    if (!opensWithDirect(answer)) {
      const line = part('direct');
      line.querySelector('mark').textContent = answer.direct;
      const source = directCitation(answer);
      if (source) line.append(' ', markerLink(source.n, turn));
      holder.append(line);
    }
  }
  for (const block of answer.answer.trim().split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line.trim());
    if (!lines.length) continue;
    if (lines.every((line) => BULLET.test(line))) {
      const list = document.createElement('ul');
      for (const line of lines) {
        const item = document.createElement('li');
        appendLine(item, line.replace(BULLET, ''), turn, known, phrases);
        list.append(item);
      }
      holder.append(list);
    } else {
      const paragraph = document.createElement('p');
      lines.forEach((line, i) => {
        if (i) paragraph.append(document.createElement('br'));
        appendLine(paragraph, line.trim(), turn, known, phrases);
      });
      holder.append(paragraph);
    }
  }
}

function badge(sourceType) {
  const node = part('badge');
  const known = Object.hasOwn(props.source_labels, sourceType);
  node.classList.add('badge-' + (known ? sourceType : 'altro'));
  const plain = sourceType ? sourceType[0].toUpperCase() + sourceType.slice(1) : 'Altro';
  node.textContent = known ? props.source_labels[sourceType] : plain;
  return node;
}

function italianDate(date) {
  const parts = date.split('-');
  if ((parts.length === 2 || parts.length === 3) && parts.every((p) => /^\d+$/.test(p))) {
    return parts.reverse().join('/');
  }
  return date;
}

const comparable = (heading) => heading.replace(/’/g, "'").toLowerCase();

function sectionPath(citation) {
  const parts = citation.section
    .split(props.section_separator)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length && comparable(citation.title).startsWith(comparable(parts[0]))) parts.shift();
  return parts.join(' › ');
}

const isWebLink = (url) => typeof url === 'string' && /^https?:\/\//i.test(url);
const isDocumentPage = (url) =>
  typeof url === 'string' && url.startsWith(props.paths.documents + '/');

function sourceCard(citation, turn) {
  const card = part('card');
  const id = cardId(turn, citation.n);
  card.id = id;
  card.setAttribute('aria-labelledby', id + '-titolo');
  const title = card.querySelector('.fonte-titolo');
  title.id = id + '-titolo';
  title.querySelector('.fonte-n').textContent = `[${citation.n}]`;
  title.querySelector('.fonte-t').textContent = citation.title;
  card.querySelector('.badge').replaceWith(badge(citation.source_type));
  const where = sectionPath(citation);
  card.querySelector('.fonte-dati').textContent = [
    citation.publisher,
    citation.date ? italianDate(citation.date) : '',
    where ? `${T.SECTION}: ${where}` : '',
    citation.page ? `${T.PAGE} ${citation.page}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  appendPassage(card.querySelector('.fonte-testo'), citation);
  const page = card.querySelector('.fonte-pagina');
  if (isDocumentPage(citation.page_url)) page.href = citation.page_url;
  else page.remove();
  const original = card.querySelector('.fonte-link');
  if (isWebLink(citation.url)) {
    original.href = citation.url;
    card.querySelector('.fonte-offline').remove();
  } else {
    original.remove();
  }
  const back = card.querySelector('.torna');
  back.href = '#r-' + turn;
  back.dataset.risposta = 'r-' + turn;
  return card;
}

function sourcesBlock(answer, turn) {
  const citations = answer.citations;
  if (!citations.length) return part('no_sources');
  const block = part('sources');
  block.id = 'fonti-' + turn;
  const title = answer.outcome === 'answer' ? T.SOURCES_SUMMARY : T.SOURCES_CLOSEST;
  block.querySelector('.fonti-titolo').textContent = fill(title, { n: citations.length });
  const kinds = [...new Set(citations.map((c) => c.source_type))].sort();
  block.querySelector('.fonti-badge').replaceChildren(...kinds.map(badge));
  block.append(...citations.map((c) => sourceCard(c, turn)));
  return block;
}

function outcomeTitle(answer) {
  if (answer.outcome === 'unsure') return T.OUTCOME_UNSURE;
  if (answer.outcome === 'not_covered') return T.OUTCOME_NOT_COVERED;
  return '';
}

function turnNode(record, number) {
  const { answer, turn } = record;
  const node = part('turn');
  node.id = turn;
  node.dataset.turno = turn;
  node.classList.add('esito-' + answer.outcome);
  node.querySelector('.domanda-n').textContent = fill(T.QUESTION_N, { n: number }) + ' ';
  node.querySelector('.domanda-testo').textContent = answer.question;
  if (answer.outcome !== 'answer') {
    const outcome = node.querySelector('.esito');
    outcome.hidden = false;
    outcome.querySelector('.esito-titolo').textContent = outcomeTitle(answer);
    outcome.querySelector('.esito-spiega').textContent =
      answer.outcome === 'unsure' ? T.OUTCOME_UNSURE_HINT : '';
  }
  const text = node.querySelector('.risposta');
  text.id = 'r-' + turn;
  text.setAttribute('aria-label', fill(T.ANSWER_N, { n: number }));
  fillAnswer(text, answer, turn);
  node.querySelector('.azioni').before(sourcesBlock(answer, turn));
  const rating = node.querySelector('.valuta');
  rating.setAttribute('aria-labelledby', 'v-' + turn);
  rating.querySelector('.valuta-domanda').id = 'v-' + turn;
  rating.querySelector('.motivo label').htmlFor = 'm-' + turn;
  rating.querySelector('.motivo textarea').id = 'm-' + turn;
  const next = answer.suggestions || [];
  if (next.length) {
    const nav = node.querySelector('.seguito');
    nav.hidden = false;
    nav.setAttribute('aria-labelledby', 's-' + turn);
    nav.querySelector('.seguito-titolo').id = 's-' + turn;
    nav.querySelector('ul').append(
      ...next.map((question) => {
        const item = part('next');
        const button = item.querySelector('button');
        button.dataset.domanda = question;
        button.textContent = question;
        return item;
      }),
    );
  }
  return node;
}

function pendingNode(question) {
  const node = part('pending');
  node.querySelector('.domanda-testo').textContent = question;
  return node;
}

// The exchange as Markdown: question, what the answer is, the answer, its sources (each named
// by the server's one source line, `reference`, with its passage on this server).
function turnMarkdown(record) {
  const answer = record.answer;
  const parts = [`**${T.QUESTION_LABEL_MD}:** ${answer.question}`];
  if (answer.outcome !== 'answer') parts.push(`_${outcomeTitle(answer)}._`);
  if (answer.outcome === 'answer' && answer.direct && !opensWithDirect(answer)) {
    const source = directCitation(answer);
    parts.push(`**${T.DIRECT}** ${answer.direct}` + (source ? ` [${source.n}]` : ''));
  }
  parts.push(answer.answer.trim());
  if (answer.citations.length) {
    const lines = answer.citations.map((c) => {
      const page = isDocumentPage(c.page_url) ? new URL(c.page_url, location.origin).href : '';
      return (
        `[${c.n}] ${c.reference}` +
        (page ? `\n    ${T.MD_PAGE} ${page}` : '') +
        (c.quote ? `\n    > ${c.quote.replace(/\n/g, ' ')}` : '')
      );
    });
    parts.push(`**${T.SOURCES_TITLE}**\n\n` + lines.join('\n'));
  }
  return parts.join('\n\n');
}
