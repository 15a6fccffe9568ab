// <hania-chat widget-key="hania_pk_…">: the launcher and the chat panel.
// Attributes: widget-key (required), server (default: where this script
// came from), chat-title, color, text-color, position ("right" or "left"),
// open (open on load), user-id and user-hash (a verified logged-in user).
const SCRIPT_ORIGIN = (() => {
  try {
    return new URL(document.currentScript.src).origin;
  } catch (_) {
    return window.location.origin;
  }
})();

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2z"/></svg>';

class HaniaChat extends HTMLElement {
  static get observedAttributes() {
    return ["chat-title", "color", "text-color"];
  }

  connectedCallback() {
    if (this.shadowRoot) return;
    const key = this.getAttribute("widget-key") || "";
    const server = (this.getAttribute("server") || SCRIPT_ORIGIN).replace(/\/+$/, "");
    this.kept = keptState(key);
    this.api = widgetApi(server, key, this.kept, {
      id: this.getAttribute("user-id"),
      hash: this.getAttribute("user-hash"),
    });
    this.busy = false;
    this.build();
    this.theme();
    this.loaded = this.load();
    if (this.hasAttribute("open")) this.toggle(true);
  }

  attributeChangedCallback() {
    if (this.shadowRoot) this.theme();
  }

  build() {
    const root = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = WIDGET_CSS;
    root.append(style);
    const launcher = el("button", { class: "launcher", type: "button", "aria-label": "Open chat", "aria-expanded": "false" });
    launcher.innerHTML = CHAT_ICON; // A constant of this script, never model output.
    const heading = el("h2", { id: "hania-title" }, ["Chat"]);
    const fresh = el("button", { type: "button", class: "new" }, ["New conversation"]);
    const close = el("button", { type: "button", class: "close", "aria-label": "Close chat" }, ["\u2715"]);
    const log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions text" });
    const status = el("p", { class: "sr-only", "aria-live": "assertive" });
    const error = el("p", { class: "error", role: "alert", hidden: "" });
    const input = el("textarea", { rows: "1", "aria-label": "Message", placeholder: "Write a message…", maxlength: "32000" });
    const send = el("button", { class: "send", type: "submit" }, ["Send"]);
    const form = el("form", {}, [input, send]);
    const panel = el("div", { class: "panel", role: "dialog", "aria-modal": "true", "aria-labelledby": "hania-title", hidden: "" },
      [el("header", {}, [heading, fresh, close]), log, status, error, form]);
    root.append(panel, launcher);
    Object.assign(this, { launcher, heading, log, status, error, input, send, panel });

    launcher.addEventListener("click", () => this.toggle(this.panel.hidden));
    close.addEventListener("click", () => this.toggle(false));
    fresh.addEventListener("click", () => this.startOver());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    panel.addEventListener("keydown", (event) => this.trapFocus(event));
  }

  theme() {
    const color = this.getAttribute("color");
    const text = this.getAttribute("text-color");
    if (color) this.style.setProperty("--accent", color);
    if (text) this.style.setProperty("--accent-text", text);
    if (this.heading && this.hasAttribute("chat-title")) this.heading.textContent = this.getAttribute("chat-title");
  }

  toggle(open) {
    this.panel.hidden = !open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.launcher.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    if (open) this.input.focus();
    else this.launcher.focus();
  }

  trapFocus(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      this.toggle(false);
      return;
    }
    if (event.key !== "Tab") return;
    const focusable = [...this.panel.querySelectorAll("button, textarea, a[href]")].filter((n) => !n.disabled);
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = this.shadowRoot.activeElement;
    if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  async load() {
    try {
      const config = await this.api.config();
      this.greeting = config.chat_greeting || "";
      if (!this.hasAttribute("chat-title")) this.heading.textContent = config.bot_name;
    } catch (error) {
      // A page on an origin the key does not list gets no CORS grant, so
      // the browser reports a network error, not the server's 403.
      const unreachable = error.kind === "offline" && navigator.onLine !== false;
      this.showError(unreachable ? "This chat is not available on this page." : error.message);
      return;
    }
    let conversation = null;
    const id = this.kept.get("conversationId");
    try {
      if (id) conversation = await this.api.conversation(id);
      else if (this.getAttribute("user-id")) conversation = await this.api.lastConversation();
    } catch (error) {
      if (error.kind === 404) this.kept.set("conversationId", null);
      else this.showError(error.message);
    }
    this.render(conversation);
  }

  // A conversation holds its own opening greeting; before the first
  // message the widget shows the bot's.
  render(conversation) {
    this.log.replaceChildren();
    if (!conversation) {
      if (this.greeting) this.addMessage("assistant", this.greeting);
      return;
    }
    this.kept.set("conversationId", conversation.id);
    for (const message of conversation.messages) this.addMessage(message.role, message.content);
  }

  startOver() {
    if (this.busy) return;
    this.kept.set("conversationId", null);
    this.showError("");
    this.render(null);
    this.status.textContent = "New conversation started";
    this.input.focus();
  }

  addMessage(role, text) {
    const node = el("div", { class: "msg " + role });
    node.append(...renderMarkdown(text));
    this.log.append(node);
    this.log.scrollTop = this.log.scrollHeight;
    return node;
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  async submit() {
    const message = this.input.value.trim();
    if (!message || this.busy) return;
    await this.loaded;
    this.busy = true;
    this.send.disabled = true;
    this.showError("");
    this.input.value = "";
    this.addMessage("user", message);
    const typing = el("div", { class: "typing", "aria-label": "The assistant is typing" }, [el("span"), el("span"), el("span")]);
    this.log.append(typing);
    this.log.scrollTop = this.log.scrollHeight;
    let answer = null;
    let text = "";
    try {
      const done = await this.api.send(message, this.kept.get("conversationId"), {
        start: (id) => this.kept.set("conversationId", id),
        delta: (chunk) => {
          text += chunk;
          if (!answer) {
            typing.remove();
            answer = this.addMessage("assistant", "");
            answer.setAttribute("aria-busy", "true");
          }
          answer.replaceChildren(...renderMarkdown(text));
          this.log.scrollTop = this.log.scrollHeight;
        },
      });
      this.kept.set("conversationId", done.conversation_id);
      if (!answer) answer = this.addMessage("assistant", "");
      answer.replaceChildren(...renderMarkdown(done.response));
      answer.removeAttribute("aria-busy");
    } catch (error) {
      if (answer) answer.removeAttribute("aria-busy");
      this.showError(error.message || "Something went wrong. Please try again.");
      if (!text) this.input.value = message;
    } finally {
      typing.remove();
      this.busy = false;
      this.send.disabled = false;
      this.input.focus();
    }
  }
}

if (!customElements.get("hania-chat")) customElements.define("hania-chat", HaniaChat);
