"""Look of the interface: a theme with system fonts only (nothing fetched at run time) and CSS."""

from __future__ import annotations

import gradio as gr

SYSTEM_FONTS = [
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "Roboto",
    "Helvetica Neue",
    "Arial",
    "sans-serif",
]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]


def theme() -> gr.themes.Base:
    # Plain font-family names: the default theme's fonts would be requested at run time.
    return gr.themes.Default(
        primary_hue=gr.themes.colors.blue,
        neutral_hue=gr.themes.colors.slate,
        font=SYSTEM_FONTS,
        font_mono=MONO_FONTS,
    ).set(
        # The default orange accents are below 4.5:1 on white.
        button_primary_background_fill="#1d4ed8",
        button_primary_background_fill_hover="#1e40af",
        button_primary_text_color="#ffffff",
        # Gradio's greys for secondary text and placeholders are below 4.5:1 on white.
        body_text_color_subdued="*neutral_600",
        color_accent="*primary_700",  # the selected tab's text: blue-500 is 3.7:1
        block_label_text_color="*neutral_600",
        block_title_text_color="*neutral_700",
        input_placeholder_color="*neutral_500",
        link_text_color="#1d4ed8",
        link_text_color_visited="#6d28d9",
    )


# Gradio ships the page with lang="en", labels the chat in English and reads each bubble's raw
# Markdown source (with our escapes) as its aria-label; screen readers get Italian and the text
# as displayed instead. Answers are also made focusable, so that Enter shows an earlier
# answer's sources as a click does.
JS = """
() => {
  document.documentElement.lang = 'it';
  const label = (el, text) => {
    if (el.getAttribute('aria-label') !== text) el.setAttribute('aria-label', text);
  };
  const relabel = () => {
    document.querySelectorAll('#chat [role=log]').forEach((el) => label(el, 'Conversazione'));
    document.querySelectorAll('#chat [data-testid=user]')
      .forEach((el) => label(el, 'Domanda: ' + el.innerText.trim()));
    document.querySelectorAll('#chat [data-testid=bot]').forEach((el) => {
      label(el, 'Risposta: ' + el.innerText.trim());
      if (el.tabIndex !== 0) el.tabIndex = 0;
    });
  };
  new MutationObserver(relabel).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributeFilter: ['aria-label'],
  });
  document.addEventListener('keydown', (event) => {
    const bubble = event.target.closest && event.target.closest('#chat [data-testid=bot]');
    if (bubble && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      bubble.click();
    }
  });
  relabel();
}
"""

CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
:focus-visible { outline: 3px solid #1d4ed8 !important; outline-offset: 2px; }

.avviso strong { color: inherit; }
.dark button[role=tab].selected { color: #93c5fd; }
.intestazione h1 { margin: 0 0 .25rem 0; font-size: 1.6rem; }
.intestazione p { margin: 0; }
.avviso { border-left: 4px solid #b45309; background: #fffbeb; color: #422006;
  padding: .6rem .8rem; border-radius: 6px; margin: .25rem 0; line-height: 1.45; }

.fonti, .documenti { color: var(--body-text-color); line-height: 1.5; }
.fonti-titolo { font-size: 1.1rem; margin: 0 0 .4rem 0; }
.fonti-nota, .fonti-vuoto { color: var(--body-text-color-subdued); margin: .2rem 0 .6rem 0; }
.fonte { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .7rem .8rem;
  margin: 0 0 .7rem 0; background: var(--block-background-fill); }
.fonte-titolo { font-size: 1rem; margin: 0 0 .3rem 0; overflow-wrap: anywhere; }
.fonte-n { font-variant-numeric: tabular-nums; color: #1d4ed8; }
.dark .fonte-n { color: #93c5fd; }
.fonte-meta { font-size: .9rem; margin: 0 0 .4rem 0; color: var(--body-text-color-subdued);
  overflow-wrap: anywhere; }
.fonte-testo { margin: 0 0 .4rem 0; padding: 0 0 0 .7rem; border-left: 3px solid
  var(--border-color-primary); white-space: pre-line; overflow-wrap: anywhere; }
.fonte-testo mark { background: #fde68a; color: #1c1917; padding: 0 .1em; border-radius: 2px; }
.fonte-link { font-weight: 600; }

.badge { display: inline-block; font-size: .78rem; font-weight: 700; letter-spacing: .02em;
  padding: .1rem .45rem; border-radius: 999px; margin-right: .25rem; vertical-align: 1px; }
.badge-piano { background: #dbeafe; color: #1e3a8a; }
.badge-consultazione { background: #dcfce7; color: #14532d; }
.badge-ue { background: #e0e7ff; color: #312e81; }
.badge-istituzionale { background: #f3e8ff; color: #581c87; }
.badge-stampa { background: #ffedd5; color: #7c2d12; }
.badge-altro { background: #e5e7eb; color: #111827; }

.valuta { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6rem .8rem;
  background: var(--block-background-fill); }
.valuta h3 { font-size: 1rem; margin: 0; }
.valuta-stato { margin: 0; font-weight: 600; }
/* One way to start over ("Nuova conversazione"): the chat's own trash icon would leave the
   sources and the feedback of the old conversation behind. */
#chat .icon-button-wrapper { display: none; }
#chat .placeholder-content { padding: .75rem 1rem; }

.esempi-gruppo h3 { font-size: .95rem; margin: .5rem 0 .2rem 0; }
.esempi-gruppo button { text-align: left; justify-content: flex-start; white-space: normal;
  font-size: .95rem; }

.documenti-tabella { width: 100%; border-collapse: collapse; border: 0 !important; }
.documenti-tabella th, .documenti-tabella td { text-align: left; vertical-align: top;
  padding: .45rem .5rem; border: 0 !important;
  border-bottom: 1px solid var(--border-color-primary) !important; }
.documenti-tabella thead th { font-size: .9rem; }
.documenti-tabella tbody th { font-weight: 600; }

@media (max-width: 640px) {
  .avviso strong { color: inherit; }
.dark button[role=tab].selected { color: #93c5fd; }
.intestazione h1 { font-size: 1.3rem; }
  .documenti-tabella thead { position: absolute; left: -9999px; }
  .documenti-tabella tr { display: block; border-bottom: 2px solid var(--border-color-primary);
    padding: .4rem 0; }
  .documenti-tabella th, .documenti-tabella td { display: block; border: 0 !important;
    padding: .15rem 0; }
  .documenti-tabella td::before { content: attr(data-col) ": "; font-weight: 600; }
}
/* "Misure per te" */
.misura { margin: .75rem 0 1.25rem; }
.misura-motivo { color: #374151; margin: .25rem 0 .5rem; }
"""
