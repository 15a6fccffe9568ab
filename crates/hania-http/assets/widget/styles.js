// The widget's look, inside its shadow root (the page's CSS cannot reach
// it, nor it the page's). Themed by the element's attributes through
// custom properties.
const WIDGET_CSS = `
:host { all: initial; position: fixed; z-index: 2147483000; bottom: 20px; right: 20px;
  --accent: #2f6fed; --accent-text: #fff; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; }
:host([position="left"]) { right: auto; left: 20px; }
* { box-sizing: border-box; }
button { font: inherit; cursor: pointer; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.launcher { width: 56px; height: 56px; border-radius: 50%; border: 0; background: var(--accent); color: var(--accent-text);
  box-shadow: 0 4px 16px rgba(0,0,0,.25); display: grid; place-items: center; }
.launcher svg { width: 26px; height: 26px; fill: currentColor; }
.panel { position: absolute; bottom: 72px; right: 0; width: 370px; height: min(580px, calc(100vh - 110px)); background: #fff;
  border-radius: 14px; box-shadow: 0 10px 40px rgba(0,0,0,.25); display: flex; flex-direction: column; overflow: hidden; }
:host([position="left"]) .panel { right: auto; left: 0; }
.panel[hidden] { display: none; }
header { background: var(--accent); color: var(--accent-text); padding: 12px 14px; display: flex; align-items: center; gap: 8px; }
header h2 { font-size: 16px; margin: 0; flex: 1; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
header button { background: transparent; border: 0; color: inherit; border-radius: 6px; padding: 4px 8px; font-size: 13px; }
header button:hover { background: rgba(255,255,255,.18); }
.log { flex: 1; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 10px; background: #f6f7fb; }
.msg { max-width: 85%; padding: 8px 12px; border-radius: 12px; overflow-wrap: anywhere; }
.msg p { margin: 0 0 6px; } .msg p:last-child { margin-bottom: 0; }
.msg ul, .msg ol { margin: 4px 0; padding-left: 20px; }
.msg pre { background: #1d2330; color: #f4f6fa; padding: 8px; border-radius: 6px; overflow-x: auto; margin: 4px 0; }
.msg code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
.msg :not(pre) > code { background: rgba(0,0,0,.07); padding: 1px 4px; border-radius: 4px; }
.msg a { color: inherit; }
.assistant { align-self: flex-start; background: #fff; border: 1px solid #e2e5ee; }
.user { align-self: flex-end; background: var(--accent); color: var(--accent-text); }
.typing { align-self: flex-start; display: flex; gap: 4px; padding: 12px; }
.typing span { width: 7px; height: 7px; border-radius: 50%; background: #9aa3b5; animation: blink 1.2s infinite; }
.typing span:nth-child(2) { animation-delay: .2s; } .typing span:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .typing span { animation: none; } }
.error { margin: 0 14px 8px; padding: 8px 10px; border-radius: 8px; background: #fdecea; color: #8a1c12; font-size: 14px; }
.error[hidden] { display: none; }
form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e2e5ee; background: #fff; }
textarea { flex: 1; resize: none; border: 1px solid #cfd4e0; border-radius: 10px; padding: 8px 10px; font: inherit; max-height: 120px; }
.send { border: 0; border-radius: 10px; background: var(--accent); color: var(--accent-text); padding: 0 14px; font-weight: 600; }
.send:disabled { opacity: .5; cursor: default; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) {
  :host { bottom: 12px; right: 12px; }
  .panel { position: fixed; inset: 0; width: 100vw; height: 100vh; border-radius: 0; }
}
`;
