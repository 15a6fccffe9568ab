"""One flow through the generated Python client (openapi-python-client),
as an SDK user writes it: every answer is parsed into the generated models,
and any parsing error, unexpected status or wrong result fails the run.

Usage: python3 flow.py BASE_URL API_KEY (the generated package on PYTHONPATH).
"""

import json
import sys

from hania_server_api_client import AuthenticatedClient
from hania_server_api_client.api.bots import create_bot, delete_bot, get_bot, list_bots, update_bot
from hania_server_api_client.api.chat import send
from hania_server_api_client.api.conversations import (
    delete_conversation,
    get_conversation,
    get_trace,
    list_conversations,
)
from hania_server_api_client.models import (
    BotCreateInput,
    BotEnvelope,
    BotInput,
    BotListEnvelope,
    ChatSendInput,
    ChatSendReplyEnvelope,
    ChatSendReply,
    ChatStreamDelta,
    ChatStreamDone,
    ChatStreamError,
    ChatStreamStart,
    ChatStreamToolCall,
    ChatStreamToolResult,
    StreamDelta,
    StreamStart,
    ConversationDetailEnvelope,
    ConversationItemListEnvelope,
    CreatedIdEnvelope,
    ListBotsMetadata,
    MessageEnvelope,
    TraceStepListEnvelope,
)
from hania_server_api_client.models.bot_input_metadata_type_0 import BotInputMetadataType0


def expect(value, kind):
    assert isinstance(value, kind), f"expected {kind.__name__}, got {value!r}"
    return value


def main(base, key):
    client = AuthenticatedClient(base_url=base, token=key, raise_on_unexpected_status=True)

    metadata = BotInputMetadataType0.from_dict({"team": "sdk"})
    body = BotCreateInput(name="SDK Bot", system_prompt="You answer SDK users.", metadata=metadata)
    created = expect(create_bot.sync(client=client, body=body), CreatedIdEnvelope)
    bot_id = created.data.id

    found = expect(list_bots.sync(client=client, metadata=ListBotsMetadata.from_dict({"team": "sdk"})), BotListEnvelope)
    assert [b.id for b in found.data] == [bot_id], f"the metadata filter finds the bot: {found}"
    none = expect(list_bots.sync(client=client, metadata=ListBotsMetadata.from_dict({"team": "other"})), BotListEnvelope)
    assert none.data == [], none

    expect(update_bot.sync(bot_id, client=client, body=BotInput(name="SDK Bot Renamed")), MessageEnvelope)
    bot = expect(get_bot.sync(bot_id, client=client), BotEnvelope)
    assert bot.data.name == "SDK Bot Renamed" and bot.data.system_prompt == "You answer SDK users.", bot

    reply = expect(send.sync(client=client, body=ChatSendInput(bot_id=bot_id, message="Hello", external_user_id="sdk-user")), ChatSendReplyEnvelope)
    conversation_id = reply.data.conversation_id
    assert reply.data.response, reply

    # The stream: each server-sent event read into the generated model of
    # its kind (the `oneOf` variants of ChatStreamEvent), and each event's
    # data into the model its `contentSchema` names.
    kinds = {
        "start": ChatStreamStart,
        "delta": ChatStreamDelta,
        "tool_call": ChatStreamToolCall,
        "tool_result": ChatStreamToolResult,
        "done": ChatStreamDone,
        "error": ChatStreamError,
    }
    events = []
    stream_body = ChatSendInput(bot_id=bot_id, message="Stream please", external_user_id="sdk-user").to_dict()
    with client.get_httpx_client().stream("POST", "/api/v1/chat/send-stream", json=stream_body) as response:
        assert response.status_code == 200, response.status_code
        assert response.headers["x-conversation-id"] == str(conversation_id)
        event = {}
        for line in response.iter_lines():
            if line.startswith("event: "):
                event["event"] = line[len("event: "):]
            elif line.startswith("data: "):
                event["data"] = line[len("data: "):]
            elif line == "" and event:
                events.append(kinds[event["event"]].from_dict(event))
                event = {}
    assert isinstance(events[0], ChatStreamStart) and isinstance(events[-1], ChatStreamDone), events
    start = StreamStart.from_dict(json.loads(events[0].data))
    assert start.conversation_id == conversation_id, start
    deltas = [StreamDelta.from_dict(json.loads(e.data)) for e in events if isinstance(e, ChatStreamDelta)]
    assert deltas and all(d.content for d in deltas), events
    done = ChatSendReply.from_dict(json.loads(events[-1].data))
    assert done.conversation_id == conversation_id and done.response == "".join(d.content for d in deltas), done

    listed = list_conversations.sync_detailed(client=client, bot_id=bot_id)
    page = expect(listed.parsed, ConversationItemListEnvelope)
    assert int(listed.headers["x-total-count"]) == 1 and page.data[0].id == conversation_id, listed

    detail = expect(get_conversation.sync(conversation_id, client=client), ConversationDetailEnvelope)
    assert len(detail.data.messages) >= 4, detail
    trace = expect(get_trace.sync(conversation_id, client=client), TraceStepListEnvelope)
    assert trace.data, trace

    expect(delete_conversation.sync(conversation_id, client=client), MessageEnvelope)
    expect(delete_bot.sync(bot_id, client=client), MessageEnvelope)
    print("python flow: ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
