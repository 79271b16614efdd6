"""Look of the interface: a theme with system fonts only (nothing fetched at run time), the CSS
(ui/assets/ui.css) and the page-wide script: Italian page language and the light/dark switch."""

from __future__ import annotations

from importlib import resources

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
THEME_KEY = "chiedi-al-piano:tema"


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
        body_text_color_subdued_dark="*neutral_300",
        color_accent="*primary_700",  # the selected tab's text: blue-500 is 3.7:1
        block_label_text_color="*neutral_600",
        block_title_text_color="*neutral_700",
        input_placeholder_color="*neutral_500",
        input_placeholder_color_dark="*neutral_400",
        # Gradio's dark link colour is 3.97:1 on its dark background.
        link_text_color="#1d4ed8",
        link_text_color_visited="#6d28d9",
        link_text_color_dark="#93c5fd",
        link_text_color_visited_dark="#c4b5fd",
        link_text_color_hover_dark="#bfdbfe",
        link_text_color_active_dark="#bfdbfe",
    )


# Gradio ships the page with lang="en" and follows the system's dark mode; the switch in the
# header overrides it and the choice is remembered in this browser.
JS = """
() => {
  document.documentElement.lang = 'it';
  const KEY = 'THEME_KEY';
  const button = () => document.getElementById('tema');
  const apply = (dark) => {
    document.body.classList.toggle('dark', dark);
    const b = button();
    if (b) {
      b.setAttribute('aria-pressed', String(dark));
      b.textContent = dark ? b.dataset.chiaro : b.dataset.scuro;
    }
  };
  const saved = localStorage.getItem(KEY);
  if (saved) apply(saved === 'dark');
  else apply(document.body.classList.contains('dark'));
  document.addEventListener('click', (event) => {
    if (!event.target.closest || !event.target.closest('#tema')) return;
    const dark = !document.body.classList.contains('dark');
    try { localStorage.setItem(KEY, dark ? 'dark' : 'light'); } catch (error) {}
    apply(dark);
  });
}
""".replace("THEME_KEY", THEME_KEY)


def page_css() -> str:
    return resources.files("ui").joinpath("assets/ui.css").read_text(encoding="utf-8")
