// The widget endpoints: requests with the key, the visitor token and the
// verified user, errors in words a visitor understands, and the chat
// stream read event by event.
class WidgetError extends Error {
  constructor(kind, message, retryAfter) {
    super(message);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }
}

function kindMessage(status, retryAfter) {
  if (status === 402) return "This chat is not available right now. Please try again later.";
  if (status === 429) {
    const wait = retryAfter ? " in " + Math.max(1, Math.ceil(retryAfter / 60)) + " min" : " in a moment";
    return "You have sent a lot of messages. Please try again" + wait + ".";
  }
  if (status === 403 || status === 401) return "This chat is not enabled on this site.";
  if (status === 409) return "This assistant is not taking messages right now.";
  if (status >= 500) return "The assistant could not answer just now. Please try again.";
  return "Something went wrong. Please try again.";
}

function widgetApi(server, widgetKey, kept, user) {
  const headers = (extra) => {
    const h = { Authorization: "Bearer " + widgetKey };
    const token = kept.get("visitorToken");
    if (token) h["X-Visitor-Token"] = token;
    if (user.id && user.hash) {
      h["X-User-Id"] = user.id;
      h["X-User-Hash"] = user.hash;
    }
    return Object.assign(h, extra || {});
  };
  const call = async (method, path, body, extra) => {
    let response;
    try {
      // The key also rides in the URL: a CORS preflight carries no
      // Authorization header, and the server grants only the key's origins.
      const url = server + "/api/v1/widget" + path + "?key=" + encodeURIComponent(widgetKey);
      response = await fetch(url, {
        method,
        headers: headers(body ? Object.assign({ "Content-Type": "application/json" }, extra) : extra),
        body: body ? JSON.stringify(body) : undefined,
        credentials: "omit",
        mode: "cors",
      });
    } catch (_) {
      throw new WidgetError("offline", "You seem to be offline. Check your connection and try again.");
    }
    const token = response.headers.get("X-Visitor-Token");
    if (token) kept.set("visitorToken", token);
    if (!response.ok) {
      const retryAfter = Number(response.headers.get("Retry-After")) || 0;
      throw new WidgetError(response.status, kindMessage(response.status, retryAfter), retryAfter);
    }
    return response;
  };
  const json = async (path) => (await (await call("GET", path)).json()).data;
  return {
    config: () => json("/config"),
    conversation: (id) => json("/conversations/" + encodeURIComponent(id)),
    lastConversation: () => json("/last-conversation"),
    // Streams one message; calls on.start(conversationId), on.delta(text)
    // and resolves with the final answer (or rejects with a WidgetError).
    async send(message, conversationId, on) {
      const retry = window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
      const body = { message };
      if (conversationId) body.conversation_id = conversationId;
      const response = await call("POST", "/chat-stream", body, { "Idempotency-Key": retry });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch (_) {
          throw new WidgetError("offline", "The connection was lost. Please try again.");
        }
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          const data = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (!data.length) continue;
          let payload;
          try {
            payload = JSON.parse(data.join("\n"));
          } catch (_) {
            continue;
          }
          if (event === "start") on.start(payload.conversation_id);
          else if (event === "delta") on.delta(payload.content || "");
          else if (event === "done") return payload;
          else if (event === "error") {
            const code = String(payload.code || "");
            const status = /BALANCE|PLAN|SUSPENDED/.test(code) ? 402 : code === "RATE_LIMITED" ? 429 : 502;
            throw new WidgetError(status, kindMessage(status));
          }
        }
      }
      throw new WidgetError("offline", "The connection was lost. Please try again.");
    },
  };
}
