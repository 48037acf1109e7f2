// Drives an OpenAI-compatible endpoint with the official OpenAI Node SDK and prints what it saw as one JSON object.
// Usage: node openai-sdk-check.cjs BASE_URL MODEL   (OPENAI_SDK_MODULES = the node_modules folder holding `openai`)
const path = require("path");
const OpenAI = require(path.join(process.env.OPENAI_SDK_MODULES, "openai"));

async function main() {
  const [baseURL, model] = process.argv.slice(2);
  const client = new OpenAI({ baseURL: baseURL + "/v1", apiKey: "unused", maxRetries: 0, timeout: 30000 });
  const seen = {};
  const messages = [{ role: "system", content: "You are terse." }, { role: "user", content: "Say something." }];

  seen.models = (await client.models.list()).data.map((m) => m.id);

  const chat = await client.chat.completions.create({ model, messages, max_tokens: 5 });
  seen.chat = { object: chat.object, role: chat.choices[0].message.role, content: chat.choices[0].message.content,
    finish: chat.choices[0].finish_reason, choices: chat.choices.length, usage: chat.usage };

  const chatStream = await client.chat.completions.create({ model, messages, max_completion_tokens: 4, stream: true, stream_options: { include_usage: true } });
  const s = { chunks: 0, content: "", role: null, finish: null, usage: null, ids: new Set() };
  for await (const chunk of chatStream) {
    s.chunks++; s.ids.add(chunk.id);
    if (chunk.usage) s.usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.delta.role) s.role = choice.delta.role;
      if (choice.delta.content) s.content += choice.delta.content;
      if (choice.finish_reason) s.finish = choice.finish_reason;
    }
  }
  seen.chatStream = { chunks: s.chunks, content: s.content, role: s.role, finish: s.finish, usage: s.usage, ids: s.ids.size };

  // The SDK's own accumulator (what chat UIs use) must assemble the same message.
  const runner = client.beta.chat.completions.stream({ model, messages, max_tokens: 3 });
  const final = await runner.finalChatCompletion();
  seen.chatAccumulated = { content: final.choices[0].message.content, finish: final.choices[0].finish_reason };

  const completionStream = await client.completions.create({ model, prompt: "one two three", max_tokens: 3, stream: true, stream_options: { include_usage: true } });
  const c = { text: "", usage: null, finish: null };
  for await (const chunk of completionStream) {
    if (chunk.usage) c.usage = chunk.usage;
    for (const choice of chunk.choices) { c.text += choice.text; if (choice.finish_reason) c.finish = choice.finish_reason; }
  }
  seen.completionStream = c;

  seen.errors = {};
  for (const [name, request] of [
    ["n", () => client.chat.completions.create({ model, messages, n: 2 })],
    ["unknownModel", () => client.chat.completions.create({ model: "no-such-model", messages })],
    ["noMessages", () => client.chat.completions.create({ model, messages: [] })],
  ]) {
    try {
      await request();
      seen.errors[name] = { status: 200 };
    } catch (e) {
      seen.errors[name] = { status: e.status ?? null, type: e.constructor.name, param: e.param ?? null, message: e.message };
    }
  }

  process.stdout.write(JSON.stringify(seen));
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
