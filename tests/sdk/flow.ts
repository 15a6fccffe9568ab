// One flow through openapi-fetch over the types openapi-typescript
// generates from openapi/openapi.json, as an SDK user writes it. It must
// type-check under `tsc --strict` (a wrong type in the document is a
// compile error here) and then run against the live server.
//
// Usage: node generated/out/flow.js BASE_URL API_KEY (after openapi-typescript
// wrote generated/api.d.ts and `tsc -p .` compiled this file).

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type StreamEvent = components["schemas"]["ChatStreamEvent"];
type Schemas = components["schemas"];

/// One parsed event as the `oneOf` variant of its kind (a wrong name or
/// shape in the document is a compile error here).
function streamEvent(name: string, data: string): StreamEvent {
  switch (name) {
    case "start":
      return { event: "start", data } satisfies Schemas["ChatStreamStart"];
    case "delta":
      return { event: "delta", data } satisfies Schemas["ChatStreamDelta"];
    case "tool_call":
      return { event: "tool_call", data } satisfies Schemas["ChatStreamToolCall"];
    case "tool_result":
      return { event: "tool_result", data } satisfies Schemas["ChatStreamToolResult"];
    case "done":
      return { event: "done", data } satisfies Schemas["ChatStreamDone"];
    case "error":
      return { event: "error", data } satisfies Schemas["ChatStreamError"];
    default:
      throw new Error(`failed: unknown event ${name}`);
  }
}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`failed: ${what}`);
}

async function main(base: string, key: string): Promise<void> {
  const client = createClient<paths>({ baseUrl: base, headers: { Authorization: `Bearer ${key}` } });

  const created = await client.POST("/api/v1/bots", {
    body: { name: "TS Bot", system_prompt: "You answer TypeScript users.", metadata: { team: "ts" } },
  });
  check(created.response.status === 201 && created.data !== undefined, `create: ${created.response.status}`);
  const botId: string = created.data.data.id;

  const found = await client.GET("/api/v1/bots", { params: { query: { metadata: { team: "ts" } } } });
  check(found.data !== undefined, `list: ${found.response.status} ${JSON.stringify(found.error)}`);
  check(found.data.data.length === 1 && found.data.data[0].id === botId, "the metadata filter finds the bot");

  const updated = await client.PUT("/api/v1/bots/{botID}", {
    params: { path: { botID: botId } },
    body: { name: "TS Bot Renamed" },
  });
  check(updated.response.status === 200, `update: ${updated.response.status}`);
  const bot = await client.GET("/api/v1/bots/{botID}", { params: { path: { botID: botId } } });
  check(bot.data?.data.name === "TS Bot Renamed", "partial update kept the rest");
  check(bot.data?.data.system_prompt === "You answer TypeScript users.", "system_prompt kept");

  const reply = await client.POST("/api/v1/chat/send", {
    body: { bot_id: botId, message: "Hello", external_user_id: "ts-user" },
  });
  check(reply.data !== undefined, `chat: ${reply.response.status}`);
  const conversationId: string = reply.data.data.conversation_id;

  const stream = await client.POST("/api/v1/chat/send-stream", {
    body: { bot_id: botId, message: "Stream please", external_user_id: "ts-user" },
    parseAs: "stream",
  });
  check(stream.response.status === 200 && stream.response.body !== null, "stream opened");
  check(stream.response.headers.get("x-conversation-id") === conversationId, "X-Conversation-Id");
  const text = await new Response(stream.response.body).text();
  const events: StreamEvent[] = text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      let name = "";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        if (line.startsWith("data: ")) data = line.slice(6);
      }
      return streamEvent(name, data);
    });
  const kinds = events.map((e) => e.event);
  check(kinds[0] === "start" && kinds[kinds.length - 1] === "done" && kinds.includes("delta"), `events ${kinds}`);
  const first = events[0];
  check(first.event === "start", "the stream starts");
  const start: Schemas["StreamStart"] = JSON.parse(first.data);
  check(start.conversation_id === conversationId, "the start event's conversation");
  const last = events[events.length - 1];
  check(last.event === "done", "the stream is done");
  const done: Schemas["ChatSendReply"] = JSON.parse(last.data);
  check(done.conversation_id === conversationId, "the stream's conversation");
  const deltas = events.flatMap((e) => (e.event === "delta" ? [JSON.parse(e.data) as Schemas["StreamDelta"]] : []));
  check(done.response === deltas.map((d) => d.content).join(""), "the deltas make the answer");

  const listed = await client.GET("/api/v1/conversations", { params: { query: { bot_id: botId } } });
  check(listed.data !== undefined, `conversations: ${listed.response.status}`);
  check(listed.response.headers.get("x-total-count") === "1", "X-Total-Count");
  check(listed.data.data[0].id === conversationId, "the conversation is listed");

  const detail = await client.GET("/api/v1/conversations/{conversationID}", {
    params: { path: { conversationID: conversationId } },
  });
  check((detail.data?.data.messages.length ?? 0) >= 4, "messages");
  const trace = await client.GET("/api/v1/conversations/{conversationID}/trace", {
    params: { path: { conversationID: conversationId } },
  });
  check((trace.data?.data.length ?? 0) > 0, "trace steps");

  const deleted = await client.DELETE("/api/v1/conversations/{conversationID}", {
    params: { path: { conversationID: conversationId } },
  });
  check(deleted.response.status === 200, `delete conversation: ${deleted.response.status}`);
  const gone = await client.DELETE("/api/v1/bots/{botID}", { params: { path: { botID: botId } } });
  check(gone.response.status === 200, `delete bot: ${gone.response.status}`);
  console.log("typescript flow: ok");
}

main(process.argv[2], process.argv[3]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
